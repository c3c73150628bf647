"""Overtime actions: read the departments' workbooks, check the legal limits per person."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.overtime.limits import Limits, check_person, fiscal, wareki_month
from kyodo.robots.overtime.read import Layout, SourceSpec, read_file

_ZONES = (Zone.LGWAN, Zone.INTERNET)


def _spec(i: int, raw: dict[str, Any]) -> SourceSpec:
    try:
        spec = SourceSpec(**raw)
        spec.layout = Layout(spec.layout)
        return spec
    except (TypeError, ValueError) as exc:
        raise BusinessError(f"sources の {i} 番目の指定に誤りがあります（{exc}）。",
                            hint="{files: '総務課_*.xlsx', layout: long か wide, rename: {...}} の形で書いてください。") from None


@action("overtime.read_records", title="所属ごとの時間外勤務簿を読み込む", zones=_ZONES, personal_data=True, example="""
    - id: records
      action: overtime.read_records
      with:
        folder: 時間外
        fiscal_year: 2025
        sources:
          - {files: "総務課_*.xlsx", layout: long}
          - {files: "税務課_*.xlsx", layout: wide, rename: {職員コード: 職員番号}}
    """)
def read_records(ctx: RunContext, *, folder: str, sources: list[dict[str, Any]], fiscal_year: int | None = None) -> Any:
    """所属ごとの時間外勤務簿（Excel、様式はばらばら）を読み込み、1人1か月1行の表にまとめます。

    様式の違いは sources に書きます。layout: long（1人・1か月ごとに1行。列: 職員番号・氏名・年月・時間外時間）
    か wide（1人1行、月ごとの列「4月」〜「3月」や「令和7年4月」）。列名の違いは rename で対応させます。
    年月は和暦（令和7年4月、R7.4）でも西暦でも、時間は 12.5 / 12:30 / 12時間30分 のどれでも読めます。
    同じ人・同じ月が複数の所属にあれば（月の途中の異動）、時間を合算します（上限は人ごとに数えるため）。
    どの sources にも当たらないファイルがあれば、読み漏れとして止めます。

    引数:
      folder: 勤務簿を置くフォルダ（入力フォルダからの相対パス）。
      sources: ファイルの型（files）ごとの様式の指定の一覧。
      fiscal_year: 年度（西暦。「4月」のように年の無い月の列を読むのに使います）。

    戻り値: 表（職員番号・氏名・所属・年月・時間外時間・ファイル）。
    """
    base = ctx.input_path(folder)
    if not base.is_dir():
        raise BusinessError(f"フォルダ「{folder}」がありません。", hint="所属ごとの勤務簿を入力フォルダに置いてください。")
    jobs: list[tuple[Path, SourceSpec]] = []
    used: set[Path] = set()
    for i, raw in enumerate(sources, 1):
        spec = _spec(i, raw)
        files = sorted(p for p in base.glob(spec.files) if not p.name.startswith((".", "~$")))
        if not files:
            raise BusinessError(f"「{folder}/{spec.files}」に合うファイルがありません（sources の {i} 番目）。",
                                hint="ファイル名か sources の files を確認してください。")
        for f in files:
            if f in used:
                raise BusinessError(f"{f.name} が sources の複数の型に当たります。", hint="files の型が重ならないようにしてください。")
            used.add(f)
            jobs.append((f, spec))
    records: list[dict[str, Any]] = []
    with ctx.steps(len(jobs), "ファイル") as tick:
        for f, spec in jobs:
            records.extend(read_file(f, spec, fiscal_year))
            tick(item=f.name)
    stray = sorted(p.name for p in base.glob("*.xls*") if p not in used and not p.name.startswith((".", "~$")))
    if stray:
        raise BusinessError(f"様式の指定（sources）が無いファイルがあります: {'、'.join(stray)}",
                            hint="sources に型を追加するか、フォルダから外してください（読み漏れを防ぐため止めています）。")
    df = pd.DataFrame(records)
    dup = df.duplicated(["職員番号", "年月", "ファイル"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise BusinessError(f"同じ職員・同じ月の行が1つのファイルに2回あります（職員番号 {r['職員番号']}、{wareki_month(r['年月'])}）。",
                            where=r["ファイル"], hint="重複した行を消してください。")
    out = (df.groupby(["職員番号", "年月"], sort=True)
             .agg(氏名=("氏名", "first"), 所属=("所属", lambda s: "・".join(dict.fromkeys(s))), 時間外時間=("時間外時間", "sum"),
                  ファイル=("ファイル", lambda s: "・".join(dict.fromkeys(s))))
             .reset_index()[["職員番号", "氏名", "所属", "年月", "時間外時間", "ファイル"]])
    ctx.log.info("時間外勤務簿: %d ファイル、%d 人、%d 行", len(used), out["職員番号"].nunique(), len(out))
    return out


def _limits(raw: dict[str, Any] | None) -> Limits:
    names = {f.name for f in dc_fields(Limits)}
    bad = set(raw or {}) - names
    if bad:
        raise BusinessError(f"limits に使えない名前があります: {', '.join(sorted(bad))}", hint=f"使える名前: {', '.join(sorted(names))}")
    vals = dict(raw or {})
    if "average_window" in vals:
        vals["average_window"] = tuple(vals["average_window"])
    return Limits(**vals)


@action("overtime.check_limits", title="時間外勤務の上限を判定する", zones=_ZONES, personal_data=True, example="""
    - id: checked
      action: overtime.check_limits
      with:
        records: ${records}
    """)
def check_limits(ctx: RunContext, *, records: Any, limits: dict[str, Any] | None = None) -> dict[str, Any]:
    """1人ずつ、年度の中で時間外勤務の上限を判定します。

    判定: 月45時間超 / 月100時間以上 / 2〜6か月平均80時間超 / 月45時間超が年6回超 /
    年360時間超 / 年720時間超。数値は limits で変えられます（例: {year: 720}）。

    引数:
      records: overtime.read_records の結果。
      limits: 上限の数値の変更（month, month_max, average, average_window, over_month_times, year, year_max,
        year_start_month）。

    戻り値: {一覧: 1人1行の月別表（和暦の月）, 要確認: 上限を超えた人と月の一覧, 所属別: 所属×月の合計, 件数: 要確認の件数}。
    """
    lim = _limits(limits)
    df = records.copy()
    df["年度"] = df["年月"].map(lambda d: fiscal(d, lim.year_start_month))
    flags, rows = [], []
    people = df.groupby(["職員番号", "年度"], sort=True)
    with ctx.steps(people.ngroups, "人") as tick:
        for (staff, _fy), g in tick.each(people):
            months = dict(zip(g["年月"], g["時間外時間"]))
            name, dept = g["氏名"].iloc[0], g["所属"].iloc[-1]
            found = check_person(months, lim)
            flags += [{"職員番号": staff, "氏名": name, "所属": dept} | f for f in found]
            row = {"職員番号": staff, "氏名": name, "所属": dept}
            row |= {wareki_month(m): round(h, 1) for m, h in sorted(months.items())}
            rows.append(row | {"年度計": round(sum(months.values()), 1), "判定": "要確認" if found else ""})
    months_order = [wareki_month(m) for m in sorted(df["年月"].unique())]
    table = pd.DataFrame(rows)
    table = table[["職員番号", "氏名", "所属", *months_order, "年度計", "判定"]]
    by_dept = df.assign(月=df["年月"].map(wareki_month)).pivot_table(index="所属", columns="月", values="時間外時間",
                                                                  aggfunc="sum", fill_value=0)
    by_dept = by_dept[[m for m in months_order if m in by_dept.columns]].round(1).reset_index()
    flagged = pd.DataFrame(flags, columns=["職員番号", "氏名", "所属", "区分", "対象月", "時間", "上限"])
    ctx.count_items(ok=len(df))
    ctx.log.info("上限判定: %d 人、要確認 %d 件", len(table), len(flagged))
    return {"一覧": table, "要確認": flagged, "所属別": by_dept, "件数": len(flagged)}
