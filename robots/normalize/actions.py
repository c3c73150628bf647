"""Normalisation actions: the read options of ``excel.read_csv`` for a table that came from elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.core.privacy import register_personal_columns
from kyodo.robots import RunContext, action
from kyodo.robots.normalize.columns import ReadOptions, apply_read_options


@action(
    "normalize.table",
    title="表の列名と値をそろえる",
    example="""
    - id: table
      action: normalize.table
      with:
        table: ${rows}
        rename: ${m.profile.columns}
        required_columns: [受付番号, 受付日時, 状態]
        parse_dates: [受付日時]
        fullwidth_kana: true
        number_columns: [電話番号]
    """,
)
def normalize_table(
    ctx: RunContext,
    *,
    table: Any,
    rename: dict[str, str] | None = None,
    required_columns: list[str] | None = None,
    parse_dates: list[str] | None = None,
    fullwidth_kana: bool = False,
    number_columns: list[str] | None = None,
    status_column: str | None = None,
    status_map: dict[str, str] | None = None,
    statuses: list[str] | None = None,
    date_column: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    only: dict[str, Any] | None = None,
) -> Any:
    """画面から読み取った表などの列名と値を、excel.read_csv の読み込みオプションと同じ規則でそろえます。

    列名は全角英数を半角にし空白を除いてから比べます（CSVの読み込みと同じ規則）。
    行番号は「n 件目」（表の上から数えた件数）で示します。

    引数:
      table: そろえる表（browser.read_table などの結果）。
      rename: 列名の付け替え（システムの列名 → 標準の列名）。
      required_columns: 必ず必要な列名。無ければ似た列名を示して止まります。
      parse_dates: 日時として読む列。「R6.4.1 09:30」「令和6年4月15日（月）」なども読みます。
      fullwidth_kana: true にすると半角カタカナを全角にそろえます。
      number_columns: 番号の列（電話番号など）。全角数字・全角ハイフンを半角にします。
      status_column: 状態の列名。
      status_map: 状態の言葉の対応（システムの言葉 → 標準の言葉）。
      statuses: 標準の状態の一覧。対応付けられない言葉があれば止まります。
      date_column: date_from / date_to で絞り込む日時の列（省略時は parse_dates の最初の列）。
      date_from: この日以降の行だけ残します。
      date_to: この日までの行だけ残します。
      only: 列の値がこれと同じ行だけ残します（例: {手続名: 児童手当 現況届}）。値が空なら絞りません。
        手続を画面で選べない製品でも、指定の手続だけを取りまとめられます。

    戻り値: そろえた表。
    """
    if not hasattr(table, "columns"):
        raise BusinessError("normalize.table の table には表を指定してください。", hint="例: table: ${rows}（前のステップの結果）")
    opts = ReadOptions.of(rename=rename, required_columns=required_columns, parse_dates=parse_dates,
                          fullwidth_kana=fullwidth_kana, number_columns=number_columns, status_column=status_column,
                          status_map=status_map, statuses=statuses, date_column=date_column, date_from=date_from,
                          date_to=date_to, only=only, row_offset=0)
    out = apply_read_options(table.copy(), opts)
    register_personal_columns(out, ctx.settings.get("personal_columns", []))
    ctx.log.info("表をそろえました（%d 行）", len(out))
    return out
