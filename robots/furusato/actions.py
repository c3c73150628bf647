"""ふるさと納税 actions: build the 寄附台帳 from several portals, match ワンストップ特例 applications."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.furusato.ledger import build
from kyodo.robots.furusato.match import match

_ZONES = (Zone.INTERNET, Zone.LGWAN)


@action("furusato.build_ledger", title="寄附台帳を作る（複数ポータルの寄附データから）", zones=_ZONES, personal_data=True, example="""
    - id: ledger
      action: furusato.build_ledger
      with:
        table: ${donations}
        municipality: ${municipality.name}
    """)
def build_ledger(ctx: RunContext, *, table: Any, municipality: str) -> dict[str, Any]:
    """各ポータルの寄附データ（列名をそろえてつなげた表）から、1つの寄附台帳と受領証明書のデータを作ります。

    必要な列: ポータル・寄附ID・寄附日・寄附者氏名・寄附者カナ・郵便番号・住所・寄附金額・ワンストップ希望。
    寄附日は和暦・西暦・8桁、金額は「10,000円」「¥10,000」も読めます。読めない値は、ポータル名と何件目かを
    示して止めます。同じポータルの同じ寄附IDが2回あれば（CSVの二重取込）止めます。
    寄附日の順に、年度ごとの受付番号（2025-00001）を振ります。

    引数:
      table: 寄附データ（table.concat で label_column: ポータル を付けてつなげたもの）。
      municipality: 受領証明書の受領者（自治体名）。

    戻り値: {台帳: 寄附台帳, 受領証明書: 受領証明書に差し込むデータ, 件数, 合計金額}。
    """
    if table is None or len(table) == 0:
        raise BusinessError("寄附データが1件もありません。", hint="ポータルのCSVを入力フォルダに置いたか確認してください。")
    ledger, cert = build(table, municipality)
    ctx.count_items(ok=len(ledger))
    total = int(ledger["寄附金額"].sum())
    ctx.log.info("寄附台帳: %d 件、%s 円", len(ledger), f"{total:,}")
    return {"台帳": ledger, "受領証明書": cert, "件数": len(ledger), "合計金額": total}


@action("furusato.match_onestop", title="ワンストップ特例の申請を寄附と突き合わせる", zones=_ZONES, personal_data=True, example="""
    - id: onestop
      action: furusato.match_onestop
      with:
        ledger: ${ledger.台帳}
        applications: ${applications}
    """)
def match_onestop(ctx: RunContext, *, ledger: Any, applications: Any) -> dict[str, Any]:
    """ワンストップ特例の申請書（申請番号・氏名・氏名カナ・郵便番号・住所・寄附金額、あれば寄附年月日）を、
    寄附台帳の寄附と突き合わせます。

    照合の規則: 氏名が一致（異体字「髙/高」「﨑/崎」、空白の有無をそろえる）するか、カナが一致（半角・ひらがな・
    小さい字・長音の違いをそろえる）し、かつ金額が一致し、かつ住所が十分に似ている（「一丁目2番3号」と「1-2-3」は同じ）
    か郵便番号が一致すること。寄附年月日があれば、同じ人の同額の寄附のうち日付の合うものを選びます。
    1つの寄附に結び付く申請は1件だけです。申請が1件も突合できないときは、列の対応の誤りとして止めます。

    引数:
      ledger: furusato.build_ledger の台帳。
      applications: ワンストップ特例申請の表。

    戻り値: {結果: 申請ごとの判定, 未突合: 一致しなかった申請と理由, 申請待ち: ワンストップ希望で申請が届いていない寄附,
      台帳: ワンストップ申請番号の列を加えた台帳, 一致件数, 未突合件数}。
    """
    need = ["申請番号", "氏名", "住所", "寄附金額"]
    missing = [c for c in need if c not in applications.columns]
    if missing:
        raise BusinessError(f"申請の表に列「{'」「'.join(missing)}」がありません。", hint="rename で列名をそろえてください。")
    with ctx.steps(len(applications), "件") as tick:
        rows, claimed = match(ledger, applications, tick.each)
    result = pd.DataFrame(rows)
    ok = result["判定"].str.startswith("一致") if len(result) else pd.Series(dtype=bool)
    if len(result) and not ok.any():
        raise BusinessError(f"ワンストップ特例の申請 {len(result)} 件が1件も寄附と突き合いませんでした。",
                            hint="申請の表の列（氏名・金額・住所）の対応と、寄附データの期間を確認してください。")
    out = ledger.copy()
    out["ワンストップ申請"] = [claimed.get(i, "") for i in range(len(out))]
    waiting = out[(out["ワンストップ希望"] == "希望") & (out["ワンストップ申請"] == "")]
    unmatched = result[~ok] if len(result) else result
    for r in unmatched.to_dict("records"):
        ctx.log.info("未突合: 申請番号 %s（%s）", r["申請番号"], r["理由"])
    ctx.count_items(ok=int(ok.sum()))
    return {"結果": result, "未突合": unmatched.reset_index(drop=True), "申請待ち": waiting.reset_index(drop=True),
            "台帳": out, "一致件数": int(ok.sum()), "未突合件数": len(unmatched)}
