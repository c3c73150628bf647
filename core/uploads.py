"""Checks for files that come from outside (FAQ uploads, scanned images): size and real type.

The type is decided by the first bytes (magic numbers), not by the file name. Images are also
checked for their pixel count from the header (a small PNG can claim 50,000 x 50,000 pixels and
exhaust memory when decoded) and PDFs for their page count, before anything is decoded.
"""

from __future__ import annotations

import io
import threading
import warnings
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from kyodo.core.errors import BusinessError

# pdfium is not thread-safe, even across documents: every call in kyodo holds this lock.
PDFIUM_LOCK = threading.Lock()

LIMITS = {"faq": 20_000_000, "image": 40_000_000}
MAX_PIXELS = 120_000_000  # A3 at 600 dpi is 70 M pixels
MAX_PDF_PAGES = 200
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"%PDF-": "pdf",
}


def sniff(head: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def check_upload(source: Path | bytes, kind: str, name: str = "") -> str:
    """Return the detected type, or raise a Japanese error naming the file and the limit."""
    data = source if isinstance(source, bytes) else None
    path = None if isinstance(source, bytes) else Path(source)
    name = name or (path.name if path else "<upload>")
    size = len(data) if data is not None else path.stat().st_size  # type: ignore[union-attr]
    limit = LIMITS[kind]
    if size == 0:
        raise BusinessError("ファイルが空です。", where=name)
    if size > limit:
        raise BusinessError(f"ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）。", where=name)
    head = data[:16] if data is not None else path.open("rb").read(16)  # type: ignore[union-attr]
    if kind == "image":
        found = sniff(head)
        if found is None:
            raise BusinessError("画像（PNG / JPEG / TIFF）またはPDFではありません。", where=name,
                                hint="スキャナーの保存形式を確認してください。")
        _check_dimensions(source, found, name)
        return found
    body = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    if b"\x00" in body[:65536] or sniff(head):
        raise BusinessError("FAQファイルはCSVかJSONのテキストである必要があります。", where=name)
    return "json" if body.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"[", b"{") else "csv"


def _check_dimensions(source: Path | bytes, kind: str, name: str) -> None:
    """Refuse images with too many pixels and PDFs with too many pages, reading headers only."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else None
    if kind == "pdf":
        try:
            with PDFIUM_LOCK:
                pdf = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
                try:
                    pages = len(pdf)
                    # rendered at 300 dpi by the OCR robot: points → pixels
                    pixels = max((w * h for w, h in (pdf.get_page_size(i) for i in range(min(pages, MAX_PDF_PAGES)))),
                                 default=0) * (300 / 72) ** 2
                finally:
                    pdf.close()
        except Exception:  # a broken PDF is reported by the reader with its own message
            return
        if pages > MAX_PDF_PAGES:
            raise BusinessError(f"PDFのページ数が多すぎます（{pages} ページ、上限 {MAX_PDF_PAGES} ページ）。", where=name,
                                hint="ファイルを分けてください。")
        if pixels > MAX_PIXELS:
            raise BusinessError("PDFのページが大きすぎます（300 dpi で画素数の上限を超えます）。", where=name,
                                hint="A3 以下の用紙サイズで保存し直してください。")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we judge the size ourselves, below
            with Image.open(stream or source) as im:
                w, h = im.size
    except Image.DecompressionBombError:  # Pillow's own guard: far beyond any scan
        raise BusinessError("画像が大きすぎます（画素数が上限を超えています）。", where=name,
                            hint="300〜600 dpi でスキャンし直してください。") from None
    except Exception:  # unreadable images are reported by the reader with its own message
        return
    if w * h > MAX_PIXELS:
        raise BusinessError(f"画像が大きすぎます（{w:,} × {h:,} ピクセル）。", where=name,
                            hint="300〜600 dpi でスキャンし直してください。")
