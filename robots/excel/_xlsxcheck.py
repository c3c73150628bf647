"""Checks on a workbook file before any spreadsheet library parses it.

An .xlsx/.ods is a zip of XML files. A "deflate bomb" (one 100 MB cell compressed to 100 KB)
makes a parser inflate hundreds of megabytes before it could complain; the zip's own
directory states every member's uncompressed size, so the bomb is refused up front, in
milliseconds, without inflating a byte.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kyodo.core.errors import BusinessError

MAX_MEMBER_BYTES = 300_000_000  # one XML part (a sheet with a million rows is ~200 MB)
MAX_TOTAL_BYTES = 600_000_000
MAX_RATIO = 200  # real sheet XML compresses 5–30x; a bomb of one repeated character 1000x
RATIO_FROM_BYTES = 20_000_000  # small parts may compress extremely well (empty styles); only big ones are judged
MAX_MEMBERS = 10_000


def check_workbook_file(path: Path) -> None:
    """Refuse a zip-based workbook whose members would inflate beyond reason; other files pass through.

    Not a zip at all (.xls, a renamed CSV) is left to the reader, which explains that itself.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"中の部品が {len(infos):,} 個あり、多すぎます（{MAX_MEMBERS:,} 個まで）")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > MAX_MEMBER_BYTES or (size > RATIO_FROM_BYTES and size / packed > MAX_RATIO):
            raise _refuse(path, f"中の「{info.filename}」が展開すると {size / 1e6:,.0f} MB"
                                f"（圧縮時 {info.compress_size / 1e6:,.1f} MB の {size // packed:,} 倍）になります")
    if total > MAX_TOTAL_BYTES:
        raise _refuse(path, f"展開すると合計 {total / 1e6:,.0f} MB になり、大きすぎます（{MAX_TOTAL_BYTES / 1e6:,.0f} MB まで）")


def _refuse(path: Path, why: str) -> BusinessError:
    return BusinessError(f"Excelファイルを開く前に止めました: {why}。", where=path.name,
                         hint="異常に大きなセル（圧縮爆弾）を含む可能性があります。元のシステムから出力し直すか、"
                              "送ってきた相手に確認してください。")
