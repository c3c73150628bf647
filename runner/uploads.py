"""Checks for files that come from outside (FAQ uploads, scanned images): size and real type.

The type is decided by the first bytes (magic numbers), not by the file name.
"""

from __future__ import annotations

from pathlib import Path

from robots.errors import BusinessError

LIMITS = {"faq": 20_000_000, "image": 40_000_000}
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
        return found
    body = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    if b"\x00" in body[:65536] or sniff(head):
        raise BusinessError("FAQファイルはCSVかJSONのテキストである必要があります。", where=name)
    return "json" if body.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"[", b"{") else "csv"
