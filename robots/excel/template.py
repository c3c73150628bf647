"""Filling a municipality's own Excel template without breaking it.

openpyxl edits the template in place: fonts, merged cells, number formats (``#,##0"円"``,
era date formats), data validation and conditional formatting stay as the municipality made
them. New rows copy the style of the template's first data row. (pandas ``to_excel`` would
overwrite number formats, so it is not used for templates.)
"""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.excel._atomic import atomic_path
from robots.excel.report import _cell_value


def open_template(path: Path) -> Any:
    from openpyxl import load_workbook

    if not path.exists():
        raise BusinessError(f"テンプレートが見つかりません: {path.name}", where=str(path))
    try:
        return load_workbook(path)
    except Exception as exc:
        raise BusinessError(f"テンプレートを開けません（{exc.__class__.__name__}）。", where=path.name,
                            hint="xlsx形式で保存し直してください。") from None


def fill_rows(ws: Any, start_row: int, columns: list[str], table: Any, *, first_column: int = 1) -> int:
    """Write ``table[columns]`` from ``start_row`` down, styled like the template's ``start_row``."""
    styles = []
    for j in range(len(columns)):
        src = ws.cell(row=start_row, column=first_column + j)
        styles.append((copy(src.font), copy(src.border), copy(src.fill), src.number_format, copy(src.alignment)))
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise BusinessError(f"テンプレートに書く列「{'」「'.join(missing)}」が結果にありません。")
    for i, values in enumerate(table[columns].itertuples(index=False, name=None)):
        r = start_row + i
        for j, v in enumerate(values):
            cell = ws.cell(row=r, column=first_column + j, value=_cell_value(v))
            if i:
                cell.font, cell.border, cell.fill, cell.number_format, cell.alignment = styles[j]
    return len(table)


def save_workbook(wb: Any, dest: Path) -> Path:
    """Save atomically (temp file + rename)."""
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest
