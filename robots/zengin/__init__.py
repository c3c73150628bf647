"""全銀協 fixed-length bank files: 口座振替結果 (91, 120 bytes) and 振込入金通知 (01, 200 bytes)."""

from robots.zengin.layouts import FURIKAE, LAYOUTS, NYUKIN, RESULT_CODES
from robots.zengin.parser import ZenginFile, parse_zengin, read_zengin
from robots.zengin.writer import write_zengin

__all__ = ["FURIKAE", "LAYOUTS", "NYUKIN", "RESULT_CODES", "ZenginFile", "parse_zengin", "read_zengin", "write_zengin"]
