"""Table actions: combine and summarise tables (pandas, vectorised)."""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots import RunContext, action
from kyodo.robots.table import COUNTED


@action(
    "table.concat",
    title="表をつなげる",
    example="""
    - id: all_rows
      action: table.concat
      with:
        items: ${towns}
        label_column: 自治体
    """,
)
def concat(ctx: RunContext, *, items: list[Any], table_key: str = "table", label_key: str = "sheet",
           label_column: str | None = "自治体") -> Any:
    """複数の表を縦につなげて1つの表にします。

    引数:
      items: 表の一覧。for_each の collect 結果（{sheet: 名前, table: 表}）か、表そのもののリスト。
      table_key: 各要素の中で表が入っている名前（既定 table）。
      label_key: 各要素の中でラベル（自治体名など）が入っている名前（既定 sheet）。
      label_column: ラベルを入れる列名（先頭に追加）。空にすると追加しません。

    戻り値: つなげた表。
    """
    frames = []
    for i, it in enumerate(items):
        if it is None:
            continue
        if isinstance(it, dict):
            if table_key not in it:
                close = difflib.get_close_matches(table_key, [str(k) for k in it], n=1, cutoff=0.5)
                raise BusinessError(f"items の {i + 1} 番目に「{table_key}」がありません。",
                                    hint=(f"collect で「{close[0]}」と書いていませんか? " if close else "")
                                    + f"あるもの: {', '.join(map(str, it))}（collect: {{sheet: 名前, table: ${{表}}}} の形にします）")
            df, label = it[table_key], it.get(label_key)
        else:
            df, label = it, None
        if label_column and label is not None:
            df = df.copy()
            df.insert(0, label_column, label)
        frames.append(df)
    if not frames:
        return pd.DataFrame()
    # 処理件数: each row once, however deeply concat is nested (a table that was itself the result
    # of a concat, or taken over from an earlier run, was counted already).
    fresh = sum(len(f) for f in frames if not f.attrs.get(COUNTED))
    out = pd.concat(frames, ignore_index=True, sort=False)
    ctx.count_items(ok=fresh)
    out.attrs[COUNTED] = True
    return out


@action(
    "table.count",
    title="件数を集計する（クロス集計）",
    example="""
    - id: summary
      action: table.count
      with:
        table: ${all_rows}
        rows: [自治体, 手続名]
        columns: 状態
    """,
)
def count(ctx: RunContext, *, table: Any, rows: list[str], columns: str | None = None, total: bool = True,
          total_label: str = "合計", column_order: list[str] | None = None) -> Any:
    """行の項目ごと（と列の項目ごと）に件数を数えた集計表を作ります。

    引数:
      table: 集計する表。
      rows: 行にする列名（例: [自治体, 手続名]）。
      columns: 列に広げる列名（例: 状態）。省略すると「件数」の1列。
      total: 合計の行と列を付ける。
      total_label: 合計の見出し。
      column_order: 列の並び順（例: 状態を [受付済, 審査中, 完了, 差戻し] の順に）。ここに書いた値は
        0件でも列を作ります。書いていない値はその後ろに並びます。

    戻り値: 集計表（行の項目 + 件数の列）。
    """
    missing = [c for c in [*rows, *([columns] if columns else [])] if c not in table.columns]
    if missing:
        raise BusinessError(f"集計に使う列「{'」「'.join(missing)}」が表にありません。",
                            hint=f"表の列: {', '.join(map(str, table.columns))}")
    if table.empty:
        return pd.DataFrame(columns=[*rows, "件数"])
    if columns:
        out = pd.crosstab([table[r] for r in rows], table[columns], margins=total, margins_name=total_label)
        out.columns = [str(c) for c in out.columns]
        if column_order:
            rest = [c for c in out.columns if c not in column_order and c != total_label]
            out = out.reindex(columns=[*map(str, column_order), *rest, *([total_label] if total else [])], fill_value=0)
        out = out.reset_index()
    else:
        out = table.groupby(rows, sort=True).size().rename("件数").reset_index()
        if total:
            tot = {r: "" for r in rows} | {rows[0]: total_label, "件数": int(out["件数"].sum())}
            out = pd.concat([out, pd.DataFrame([tot])], ignore_index=True)
    for c in out.columns:
        if c not in rows:
            out[c] = out[c].astype("int64")
    return out


from kyodo.robots.table import shape as _shape  # noqa: E402, F401  (last, as shape imports this module; registers filter/join/sort/map_values/derive/group)
