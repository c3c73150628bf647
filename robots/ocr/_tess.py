"""Calling tesseract: one process for many field images, with the settings Japanese needs.

Starting tesseract and loading ``jpn`` costs more than recognising a field, so the field images
of one kind (same language and character whitelist) are stacked into one tall image and read
in one call (``--psm 4``, a column of lines); each word is given back to the line it sits on.

``textord_noise_rejwords/rows=0``: tesseract's noise filter otherwise drops whole lines that
contain a kanji with many strokes (「高橋 誠」 came back empty because of 誠).
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import cv2
import numpy as np
import pytesseract

from kyodo.core.errors import ApplicationError

BASE_CONFIG = "--oem 1 -c textord_noise_rejwords=0 -c textord_noise_rejrows=0"
PAD = 20


class TesseractMissing(ApplicationError):
    """tesseract or its language data is not installed (an operator's fix, not the DX leader's)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"OCRエンジンを使えません: {message}。",
                         hint="サーバーに tesseract-ocr と tesseract-ocr-jpn をインストールしてください（管理者向け）。")


class Word(NamedTuple):
    """One word tesseract found: its span on the line image (pixels), its text and confidence (0-100)."""

    left: int
    right: int
    text: str
    conf: float


class Read(NamedTuple):
    """A line read: text (words joined by spaces), the weakest word's confidence (0-1), the words."""

    text: str
    conf: float
    words: list[Word]


def _config(psm: int, whitelist: str | None) -> str:
    cfg = f"--psm {psm} {BASE_CONFIG}"
    return cfg + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")


def _data(img: Any, lang: str, config: str) -> dict[str, list[Any]]:
    # tesseract's OpenMP threads fight the page-level parallelism of read_batch on 2 cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return pytesseract.image_to_data(img, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractMissing("tesseract がインストールされていません") from exc
    except pytesseract.TesseractError as exc:
        if "Failed loading language" in str(exc) or "traineddata" in str(exc):
            raise TesseractMissing(f"tesseract の言語データ（{lang}）がありません") from exc
        raise


def read_lines(lines: list[Any], lang: str, whitelist: str | None) -> list[Read]:
    """Text, confidence (0-1, the weakest word's) and words of each line image, in one tesseract call."""
    if not lines:
        return []
    width = max(im.shape[1] for im in lines) + 2 * PAD
    parts = [np.full((PAD, width), 255, np.uint8)]
    spans, y = [], PAD
    for im in lines:
        row = np.full((im.shape[0], width), 255, np.uint8)
        row[:, PAD: PAD + im.shape[1]] = im
        gap = max(PAD, im.shape[0])
        parts += [row, np.full((gap, width), 255, np.uint8)]
        spans.append((y, y + im.shape[0]))
        y += im.shape[0] + gap
    data = _data(np.vstack(parts), lang, _config(4, whitelist))
    found: list[list[Word]] = [[] for _ in lines]
    for text, conf, top, height, left, width in zip(data["text"], data["conf"], data["top"], data["height"],
                                                    data["left"], data["width"]):
        if not str(text).strip() or float(conf) < 0:
            continue
        cy = top + height / 2
        for i, (a, b) in enumerate(spans):
            if a - 6 <= cy <= b + 6:
                found[i].append(Word(int(left) - PAD, int(left) + int(width) - PAD, str(text).strip(), float(conf)))
                break
    out = []
    for words in found:
        words.sort()
        out.append(Read(" ".join(w.text for w in words), min((w.conf for w in words), default=0.0) / 100, words))
    return out


def read_one(img: Any, lang: str, whitelist: str | None) -> Read:
    """One short field (a digit or two) on its own: a lone character is no "line" in a stack."""
    padded = cv2.copyMakeBorder(img, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)
    data = _data(padded, lang, _config(7, whitelist))  # psm 7: a single text line
    words = [Word(int(x) - PAD, int(x) + int(w) - PAD, str(t).strip(), float(c))
             for t, c, x, w in zip(data["text"], data["conf"], data["left"], data["width"]) if str(t).strip() and float(c) >= 0]
    return Read(" ".join(w.text for w in words), min((w.conf for w in words), default=0.0) / 100, words)

