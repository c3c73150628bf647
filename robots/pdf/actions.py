"""``pdf.read_text``: the text of a PDF that has a text layer, page by page (pypdfium2).

Scanned PDFs have no text layer; they are refused with a pointer to the OCR robot instead of
yielding an empty string that a later step would take as "nothing found".
"""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.normalize import normalize_text

_PDFIUM = threading.Lock()  # pdfium is not thread-safe


def pdf_pages_text(path: Path, pages: list[int] | None = None) -> list[str]:
    """Text of each selected page (1-based numbers), whitespace kept as pdfium gives it."""
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise BusinessError(f"PDFを開けません（{exc}）。", where=path.name,
                                hint="壊れているかパスワード付きです。元のシステムから出力し直してください。") from None
        try:
            count = len(doc)
            wanted = pages or list(range(1, count + 1))
            bad = [p for p in wanted if not 1 <= p <= count]
            if bad:
                raise BusinessError(f"ページ {bad} はありません（全 {count} ページ）。", where=path.name)
            out = []
            for n in wanted:
                page = doc[n - 1]
                tp = page.get_textpage()
                out.append(tp.get_text_range())
                tp.close()
                page.close()
            return out
        finally:
            doc.close()


@action("pdf.read_text", title="PDFの文字を読み取る", zones=(Zone.INTERNET, Zone.LGWAN, Zone.MYNUMBER), personal_data=True, example="""
    - id: text
      action: pdf.read_text
      with:
        path: onestop/申請書_001.pdf
    """)
def read_text(ctx: RunContext, *, path: str | Path, pages: list[int] | None = None, normalize: bool = True,
              min_chars: int = 1) -> str:
    """PDFに埋め込まれた文字（テキスト）を読み取ります。電子申請の控えやシステムが作ったPDF向けです。

    スキャンした画像だけのPDFには文字がないので、止めて OCR（ocr.read_forms）を案内します。
    ページの区切りは改ページ文字（\\f）です。

    引数:
      path: PDFファイル（入力フォルダからの相対パスか、前のステップの結果）。
      pages: 読むページ番号（1から。省略で全ページ）。
      normalize: 全角英数・半角カナなどをそろえます（既定 true）。
      min_chars: 読めた文字がこれより少なければ止めます（画像だけのPDFの検出）。

    戻り値: 読み取った文字。
    """
    p = Path(path)
    p = p if p.is_absolute() and ctx.artifact_dir.resolve() in p.resolve().parents else ctx.input_path(p)
    if not p.is_file():
        raise BusinessError(f"PDFが見つかりません: {p.name}", hint="ファイル名と入力フォルダを確認してください。")
    texts = pdf_pages_text(p, pages)
    if normalize:
        texts = ["\n".join(normalize_text(line) for line in t.splitlines()) for t in texts]
    text = "\f".join(texts)
    if len(text.replace("\f", "").strip()) < min_chars:
        raise BusinessError("PDFに文字がありません（スキャン画像のPDFのようです）。", where=p.name,
                            hint="紙をスキャンしたPDFは OCR（ocr.read_forms）で読み取ってください。")
    ctx.log.info("PDF読取: %s（%d ページ、%d 文字）", p.name, len(texts), len(text))
    return text
