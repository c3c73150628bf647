"""Workbook robot: the municipality's own Excel files — messy ledgers in, its templates filled out.

- :func:`read_values` / :func:`read_sheet` — fast value reading (python-calamine), merged cells resolved.
- :func:`find_header_block` — the header of a human spreadsheet: title rows skipped, multi-row
  merged headers flattened to names like ``調定額/均等割`` (reusable for any xlsx reader).
- :func:`read_ledger` + :class:`LedgerSpec` — a system export (title rows, merged headers, 和暦,
  全角) as a clean DataFrame indexed by Excel row; errors name file, row and column.
- :func:`open_template`, :func:`fill_table`, :func:`set_cells`, :func:`save_atomic` — fill a template
  with openpyxl keeping fonts, merges, number formats, validation and conditional formatting.
- :data:`YEN`, :data:`ERA_DATE` — the number formats the standard templates use.

(``robots/excel`` reads CSV and writes new reports; this robot works on workbooks staff own.)
"""

from kyodo.robots.workbook.header import HeaderBlock, find_header_block, flatten_header
from kyodo.robots.workbook.ledger import LedgerSpec, find_header, read_ledger
from kyodo.robots.workbook.template import ERA_DATE, YEN, cell_value, fill_table, open_template, save_atomic, set_cells
from kyodo.robots.workbook.values import read_sheet, read_values

__all__ = ["ERA_DATE", "YEN", "HeaderBlock", "LedgerSpec", "cell_value", "fill_table", "find_header", "find_header_block",
           "flatten_header", "open_template", "read_ledger", "read_sheet",
           "read_values", "save_atomic", "set_cells"]
