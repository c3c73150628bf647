"""Spreadsheet robot: CSV in (any Japanese encoding), formatted .xlsx out, always atomically."""

from kyodo.robots.excel._atomic import atomic_path
from kyodo.robots.excel.csvread import detect_encoding, read_csv_file
from kyodo.robots.excel.report import Sheet, write_workbook

__all__ = ["Sheet", "atomic_path", "detect_encoding", "read_csv_file", "write_workbook"]
