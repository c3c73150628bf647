"""Table actions that select, combine, recode and summarise rows: filter, join, sort, map, derive, group.

Registered by ``robots/table/actions.py`` (imported at its end). The work itself is in
:mod:`kyodo.robots.table.ops`; these functions are the DX leader's manual and the checks that make
an implausible result fail or flag instead of passing silently.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots import RunContext, action
from kyodo.robots.table.ops import (
    DERIVE_ERRORS,
    Derive,
    derive_value,
    filter_rows,
    join_tables,
    map_column,
    require_columns,
)


def _frame(table: Any, what: str) -> Any:
    if not isinstance(table, pd.DataFrame):
        raise BusinessError(f"{what}の table が表ではありません（{type(table).__name__}）。",
                            hint="表を返すステップの結果を ${ステップのid} の形で指定してください。")
    return table


@action("table.filter", title="条件に合う行を取り出す", example="""
    - id: kids
      action: table.filter
      with:
        table: ${moves}
        where:
          - {column: 異動事由, op: in, value: [転入, 転出, 出生]}
          - {column: 年齢, op: "<=", value: 15}
        min_rows: 1
    """)
def filter_(ctx: RunContext, *, table: Any, where: list[dict[str, Any]], min_rows: int = 0,
            unknown_values: Literal["error", "flag", "ignore"] = "flag", label: str = "",
            columns: list[str] | None = None) -> Any:
    """条件をすべて満たす行だけを取り出します（条件は「かつ」でつながります）。

    条件は {column: 列名, op: 比べ方, value: 値} の一覧です。比べ方（op）:
    == / != / in（いずれか）/ not_in / > / >= / < / <=（数値）/ contains（含む）/ empty（空欄）/ not_empty。
    文字は全角・半角の違いをそろえて比べます。

    「==」「in」の値が表に1件も無いとき（書き間違いの疑い）は、unknown_values に従って
    error（止める）/ flag（要確認として記録し、実行は「一部エラー」になる）/ ignore（何もしない）します。

    引数:
      table: 元の表。
      where: 条件の一覧。
      min_rows: 取り出した行がこの数より少なければ止めます（0件で成功にしたくないときは 1）。
      unknown_values: 表に無い値を指定したときの扱い（既定 flag）。
      label: メッセージに出す名前（例: 児童手当）。
      columns: 残す列とその並び（省略するとすべての列）。

    戻り値: 条件に合った行の表。
    """
    df = _frame(table, "table.filter")
    out, notes = filter_rows(df, where)
    name = f"「{label}」" if label else ""
    for note in notes:
        if unknown_values == "error":
            raise BusinessError(f"抽出条件{name}: {note}。", hint="値の書き間違いがないか確認してください。")
        if unknown_values == "flag":
            ctx.item_error(f"抽出条件{name}", f"{note}（書き間違いがないか確認してください）")
    if len(out) < min_rows:
        raise BusinessError(f"抽出{name}の結果が {len(out)} 行で、必要な {min_rows} 行に足りません。",
                            hint="条件と元データ（期間・ファイル）を確認してください。")
    if columns:
        require_columns(out, columns, f"抽出{name}の出力")
        out = out[columns]
    ctx.log.info("抽出%s: %d 行 → %d 行", name, len(df), len(out))
    return out.reset_index(drop=True)


@action("table.join", title="2つの表をキーで結び付ける", example="""
    - id: with_names
      action: table.join
      with:
        left: ${usage}
        right: ${facilities}
        on: {施設コード: 施設コード}
        columns: [施設名, 所管課]
    """)
def join(ctx: RunContext, *, left: Any, right: Any, on: dict[str, str] | list[str], how: Literal["left", "inner"] = "left",
         columns: list[str] | None = None, require_all: bool = False) -> Any:
    """左の表の各行に、キーが同じ右の表の列を付け加えます（Excel の VLOOKUP に当たります）。

    キーは全角・半角・空白の違いをそろえて比べます。右の表でキーが重複していると、件数が増えて
    しまうので止めます。1件も結び付かないときは、キーの指定誤りとして止めます。

    引数:
      left: 元の表。
      right: 付け加える情報の表（マスタなど）。
      on: キー。{左の列名: 右の列名} か、両方で同じ列名の一覧。
      how: left（左の行をすべて残す）/ inner（結び付いた行だけ残す）。
      columns: 右の表から取り込む列（省略するとキー以外すべて）。
      require_all: true なら、結び付かない行が1行でもあれば止めます（マスタ漏れの検出）。

    戻り値: 結び付けた表。
    """
    l_df, r_df = _frame(left, "table.join（left）"), _frame(right, "table.join（right）")
    keys = {k: k for k in on} if isinstance(on, list) else dict(on)
    out, unmatched = join_tables(l_df, r_df, keys, how, columns)
    if len(l_df) and unmatched == len(l_df):
        raise BusinessError(f"キー（{'・'.join(keys)}）で1件も結び付きませんでした（{len(l_df)} 行）。",
                            hint="キーの列名と値の形式（桁数・ゼロ埋め）を確認してください。")
    if unmatched and require_all:
        raise BusinessError(f"{unmatched} 行が右の表と結び付きませんでした。", hint="マスタに無いキーを追加してください。")
    if unmatched:
        ctx.log.info("結合: %d 行のうち %d 行は結び付きませんでした", len(l_df), unmatched)
    return out


@action("table.sort", title="行を並べ替える", example="""
    - id: sorted
      action: table.sort
      with:
        table: ${ledger}
        by: [寄附日, 受付番号]
    """)
def sort(ctx: RunContext, *, table: Any, by: list[str], descending: bool | list[bool] = False) -> Any:
    """指定した列の順に行を並べ替えます（同じ値の行は元の順のまま）。

    引数:
      table: 元の表。
      by: 並べ替えに使う列（先のものほど優先）。
      descending: true で大きい順。列ごとに [false, true] のようにも指定できます。

    戻り値: 並べ替えた表。
    """
    df = _frame(table, "table.sort")
    require_columns(df, by, "並べ替え")
    asc = [not d for d in descending] if isinstance(descending, list) else not descending
    if isinstance(asc, list) and len(asc) != len(by):
        raise BusinessError("descending の数が by の列の数と違います。")
    return df.sort_values(by, ascending=asc, kind="stable").reset_index(drop=True)


@action("table.map_values", title="値を置き換える（コード→名称など）", example="""
    - id: named
      action: table.map_values
      with:
        table: ${usage}
        column: 区分
        mapping: {"1": 一般, "2": 減免, "3": 市内団体}
        unmapped: error
    """)
def map_values(ctx: RunContext, *, table: Any, column: str, mapping: dict[str, Any], target: str | None = None,
               unmapped: Literal["keep", "error", "blank"] = "error") -> Any:
    """列の値を対応表に従って置き換えます（コードを名称に、旧表記を新表記に、など）。

    値は全角・半角の違いをそろえて対応表と比べます。対応表のどの値にも当たらなかったとき
    （列や対応表の指定誤り）は止めます。

    引数:
      table: 元の表。
      column: 置き換える列。
      mapping: 対応表 {元の値: 新しい値}。
      target: 結果を入れる列（省略すると column を置き換え）。
      unmapped: 対応表に無い値の扱い: error（止めて値と行を示す）/ keep（そのまま）/ blank（空欄）。

    戻り値: 置き換えた表。
    """
    df = _frame(table, "table.map_values").copy()
    require_columns(df, [column], "値の置き換え")
    if not mapping:
        raise BusinessError("mapping（対応表）が空です。", hint="{元の値: 新しい値} を1つ以上書いてください。")
    mapped, hit = map_column(df[column], mapping)
    filled = df[column].notna() & df[column].astype(str).str.strip().ne("")
    if len(df) and not hit.any():
        raise BusinessError(f"列「{column}」の値が対応表のどれにも当たりませんでした。",
                            hint=f"列の値の例: {', '.join(map(str, df[column].drop_duplicates().head(5)))}")
    miss = filled & ~hit
    if miss.any() and unmapped == "error":
        values = sorted({str(v) for v in df.loc[miss, column]})
        raise BusinessError(f"列「{column}」に対応表に無い値があります: {'、'.join(values[:10])}（{int(miss.sum())} 行）。",
                            where=f"{int(miss.values.argmax()) + 1} 件目", hint="対応表（mapping）に追加してください。")
    if unmapped == "blank":
        mapped = mapped.where(hit, "")
    df[target or column] = mapped
    return df


@action("table.derive", title="計算した列を加える（年月・年齢・時間数など）", example="""
    - id: moves2
      action: table.derive
      with:
        table: ${moves}
        columns:
          年齢: {from: 生年月日, kind: age, as_of: "${run.date}"}
          異動月: {from: 異動日, kind: month}
    """)
def derive(ctx: RunContext, *, table: Any, columns: dict[str, dict[str, Any]]) -> Any:
    """元の列から計算した列を加えます。和暦（令和7年4月1日、R7.4.1）の日付も読めます。

    kind（計算の種類）:
      month: 日付 → 年月（2025-04）/ date: 日付にそろえる / fiscal_year: 年度 /
      age: 生年月日 → as_of（既定は今日）時点の年齢 /
      hours: 時間数。from に [開始, 終了] の2列か、「9:00-12:00」のような時間帯の1列 /
      yen: 金額（「1,200円」「¥1,200」「△500」）を数値に /
      concat: from の列をつなげる（sep で区切り文字。例: 姓と名を " " で）。
    読めない値があれば、行と列と値の理由を示して止めます。

    引数:
      table: 元の表。
      columns: {新しい列名: {from: 元の列（または列の一覧）, kind: 種類, as_of: 基準日, sep: 区切り}}。
        新しい列名が元の列と同じなら置き換えます。

    戻り値: 列を加えた表。
    """
    df = _frame(table, "table.derive").copy()
    for name, spec in columns.items():
        try:
            kind = Derive(str(spec.get("kind")))
        except ValueError:
            raise BusinessError(f"列「{name}」の kind「{spec.get('kind')}」は使えません。",
                                hint=f"使える kind: {', '.join(k.value for k in Derive)}") from None
        sources = [str(s) for s in (spec["from"] if isinstance(spec.get("from"), list) else [spec.get("from")])]
        require_columns(df, sources, f"列「{name}」の計算")
        as_of = date.fromisoformat(str(spec["as_of"])[:10]) if spec.get("as_of") else date.today()
        values = []
        for pos, row in enumerate(df[sources].itertuples(index=False, name=None)):
            try:
                values.append(derive_value(kind, list(row), as_of, str(spec.get("sep", ""))))
            except DERIVE_ERRORS as exc:
                raise BusinessError(f"列「{'・'.join(sources)}」の値を{kind.value}として読めません: {exc}",
                                    where=f"{pos + 1} 件目", hint="元データの値を確認してください。") from None
        df[name] = values
    return df


@action("table.group", title="グループごとに件数と合計を集計する", example="""
    - id: by_facility
      action: table.group
      with:
        table: ${usage}
        by: [施設名, 利用月]
        sums: [利用料, 利用時間]
    """)
def group(ctx: RunContext, *, table: Any, by: list[str], sums: list[str] | None = None, count_label: str = "件数",
          total: bool = True, total_label: str = "合計") -> Any:
    """by の列の値の組ごとに、件数と sums の列の合計を集計します（ピボットテーブルの縦集計）。

    合計する列に数値でない値があれば、行を示して止めます（「1,200円」のような金額は前もって
    読み込み時にそろえてください）。

    引数:
      table: 元の表。
      by: まとめる列（例: [施設名, 利用月]）。
      sums: 合計する数値の列（例: [利用料, 利用時間]）。
      count_label: 件数の列名。
      total: 最後に合計の行を付ける。
      total_label: 合計の行の見出し。

    戻り値: 集計表。
    """
    df = _frame(table, "table.group")
    sums = sums or []
    require_columns(df, [*by, *sums], "集計")
    work = df[[*by]].copy()
    for c in sums:
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna() & df[c].notna() & df[c].astype(str).str.strip().ne("")
        if bad.any():
            raise BusinessError(f"合計する列「{c}」に数値でない値「{df[c][bad].iloc[0]}」があります。",
                                where=f"{int(bad.values.argmax()) + 1} 件目")
        work[c] = num.fillna(0)
    g = work.groupby(by, sort=True, dropna=False)
    out = g.size().rename(count_label).reset_index()
    if sums:
        out = out.merge(g[sums].sum().reset_index(), on=by)
    if total and len(out):
        tot = {c: "" for c in by} | {by[0]: total_label, count_label: int(out[count_label].sum())}
        tot |= {c: out[c].sum() for c in sums}
        out = pd.concat([out, pd.DataFrame([tot])], ignore_index=True)
    out[count_label] = out[count_label].astype("int64")
    ctx.count_items(ok=len(df))
    return out
