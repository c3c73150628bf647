"""全銀 file actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.normalize import WarekiError, parse_date
from kyodo.robots.reconcile.payments import file_summary, payments_frame
from kyodo.robots.zengin.parser import parse_zengin


@action("zengin.read_payments", title="全銀ファイル（収納データ）を読み込む", zones=(Zone.LGWAN, Zone.MYNUMBER), personal_data=True,
        example="""
    - id: payments
      action: zengin.read_payments
      with:
        paths: [zengin/*.txt]
        key_layout: {宛名番号: [0, 10], 年度: [10, 14], 税目: [14, 16], 期別: [16, 18]}
    """)
def read_payments(ctx: RunContext, *, paths: list[str], key_layout: dict[str, list[int]],
                  reference_date: date | str | None = None) -> Any:
    """銀行から届いた全銀ファイル（口座振替結果・振込入金通知）を読み、収納データの表にします。

    レコード長・レコード種別・トレーラーの件数と金額を確かめ、合わなければどの合計が違うかを示して止まります。
    振替不能（資金不足・取引なし・預金者の申出・依頼書なし・委託者の申出・その他）と取消も、理由つきで残します
    （「入金」列が false。照合では収納に数えず、結果のExcelの「再振替候補」シートに出ます）。

    口座振替結果の引落日は「月日」しかないため、年は基準日に最も近い年にします。基準日は
    reference_date、なければ同時に読んだ振込入金通知の作成日、それもなければ実行日です。
    昔のファイルを読み直すときは reference_date を指定してください。

    引数:
      paths: ファイル（入力フォルダからの相対パス。* で複数指定可）。
      key_layout: 顧客番号・EDI情報のどの桁が何のキーか（例: 宛名番号は 0〜10 桁目 → {宛名番号: [0, 10]}）。
      reference_date: 年のない日付を決める基準日（例: 2024-06-10）。

    戻り値: 収納データの表（キー、収納額、入金、結果、名義、収納日、収納経路、ファイル、行）。
    """
    reference_date = _reference(reference_date)
    raw = []
    for pattern in paths:
        base = ctx.input_path(".")
        matched = sorted(base.glob(pattern)) if any(ch in pattern for ch in "*?[") else [ctx.input_path(pattern)]
        if not matched or not all(ctx.input_path(m).is_file() for m in matched):
            raise BusinessError(f"全銀ファイル「{pattern}」が見つかりません。", where=str(base),
                                hint="入力フォルダにファイルを置いたか、payment_files の指定を確認してください。")
        raw += [(m.name, ctx.input_path(m).read_bytes()) for m in matched]
    with ctx.steps(len(raw), "ファイル") as tick:
        def parse(data: bytes, name: str, reference: date) -> Any:
            parsed = parse_zengin(data, name, reference)
            tick(item=name)
            return parsed

        nyukin = [parse(b, name, reference_date or date.today()) for name, b in raw if b[1:3] == b"01"]
        reference, source = reference_date, "reference_date（パラメータ）"
        if reference is None and nyukin:
            reference, source = max(zf.header["作成日"] for zf in nyukin), "振込入金通知の作成日"
        if reference is None:
            reference, source = date.today(), "実行日"
        furikae = [parse(b, name, reference) for name, b in raw if b[1:3] != b"01"]
    files = sorted([*nyukin, *furikae], key=lambda zf: [n for n, _ in raw].index(zf.name))
    df = payments_frame(files, key_layout)
    df.attrs["files"] = file_summary(files)
    df.attrs["reference_date"] = (reference.isoformat(), source)
    paid = df["入金"].astype(bool)
    ctx.log.info("全銀読込: %d ファイル, 入金 %d 件, 振替不能・取消 %d 件（引落日の基準日 %s: %s）",
                 len(files), int(paid.sum()), int((~paid).sum()), reference.isoformat(), source)
    return df


def _reference(value: date | str | None) -> date | None:
    """The reference_date parameter: a date, ``""`` (none) or a text such as 2024-06-10 / 令和6年6月10日."""
    if value is None or isinstance(value, date):
        return value
    if not str(value).strip():  # blank text means none (whitespace used to come back as the text itself)
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise BusinessError(f"reference_date「{value}」を日付として読めません: {exc}", where="reference_date",
                            hint="例: 2024-06-10 または 令和6年6月10日") from None
