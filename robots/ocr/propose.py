"""A template proposed from a blank form, so a DX leader edits YAML instead of measuring boxes.

The blank form's ruled lines are found with OpenCV (long straight runs of ink), and the empty
cells between them become fields; hollow squares (□) become checkboxes, several in one cell a
チェック群. The printed words (labels, option names, the title) are read with tesseract after the
lines are removed, each label is given to the cell on its right (or below it), and the field's
type is guessed from the label's words (氏名, 生年月日, 電話, 〒, 住所, 理由 …). Boxes are fractions
of the blank page as printed — the same frame ``reader.locate`` maps every scan onto.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kyodo.core.errors import BusinessError
from kyodo.robots.ocr import _prep, _tess
from kyodo.robots.ocr.pages import find_marks, load_pages, upright
from kyodo.robots.ocr.reader import _title_text
from kyodo.robots.ocr.templates import FormTemplate

# label words -> type, first match wins (the label is NFKC-normalised, spaces removed)
TYPE_WORDS: tuple[tuple[str, str], ...] = (
    (r"郵便|〒", "郵便番号"), (r"電話|TEL|携帯|連絡先", "電話番号"), (r"生年月日|年月日|日付|日$", "日付"),
    (r"氏名|名前|フリガナ|ふりがな|代表者", "氏名"), (r"住所|所在地|居所", "住所"),
    (r"金額|所得|収入|額$|円", "金額"), (r"数$|人数|部数|枚数", "数字"),
    (r"理由|内容|状況|備考|経緯|詳細", "複数行テキスト"),
)
LABEL_HEIGHTS = (28, 32, 36)  # each printed line is read at three sizes; the surest read is kept
MULTIPLE_WORDS = re.compile(r"複数|すべて|全て|いくつでも")


@dataclass
class Rect:
    x: int
    y: int
    w: int
    h: int
    text: str = ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, r: Rect) -> bool:
        return self.x <= r.cx <= self.x + self.w and self.y <= r.cy <= self.y + self.h

    def v_overlap(self, r: Rect) -> float:
        return max(0, min(self.y + self.h, r.y + r.h) - max(self.y, r.y)) / max(min(self.h, r.h), 1)


@dataclass
class Proposal:
    """The proposed template (a dict ready for YAML), its YAML text, and what the DX leader should check."""

    template: dict[str, Any]
    yaml: str
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # field -> why its type was guessed
    page: Any = None  # the blank page as read (for the preview)


def propose(path: Path, name: str) -> Proposal:
    """Propose a template for the blank form in ``path`` (PNG / JPEG / TIFF / PDF, first page)."""
    gray, _ = upright(load_pages(path, first=1)[0])
    hh, ww = gray.shape
    bw = (gray < 160).astype("uint8")
    grid = _grid(bw, int(0.035 * ww))
    cells = _cells(grid, ww, hh)
    squares = _squares(bw, grid, ww)
    blobs = _read_blobs(gray, bw, grid, squares, ww)
    notes: list[str] = []
    title = _title(blobs, cells, hh)
    if title is None:
        raise BusinessError("白紙の様式に表題（大きな文字）が見つかりません。", where=path.name,
                            hint="様式の1ページ目全体を 300dpi でスキャンした画像を指定してください。")
    fields, reasons = _fields(cells, squares, blobs, ww, hh)
    if not fields:
        raise BusinessError("記入欄（罫線で囲まれた空欄や □）が見つかりません。", where=path.name,
                            hint="罫線のある様式か確かめてください。罫線のない様式は box を手で書きます（ガイド §4）。")
    anchor_box = _frac(_grow(title, 0.4, ww, hh), ww, hh)
    x, y, w, h = anchor_box
    title.text = _title_text(gray, (x, y, w, h)) or title.text  # read exactly as a scan's title will be
    tpl: dict[str, Any] = {"name": name, "title": title.text, "anchor": title.text, "anchor_box": anchor_box}
    try:
        corners, _ = find_marks(gray)
        tpl["marks"] = [[round(x / ww, 4), round(y / hh, 4)] for x, y in corners]
    except BusinessError:
        tpl["reference"] = path.name
        notes.append(f"四隅の位置合わせマークがないため、印刷された様式で位置を合わせます（reference: {path.name}）。"
                     "この画像をテンプレートと同じフォルダに置いてください。")
    tpl["fields"] = fields
    notes.append(f"表題を「{title.text}」と読みました。用紙の表題と違う字があれば anchor を直してください（読み取りの癖なら そのままで構いません）。")
    FormTemplate.model_validate(tpl)  # a proposal that would not load is a bug here, not the user's
    return Proposal(tpl, to_yaml(tpl, path.name, reasons), notes, reasons, gray)


def _grid(bw: Any, length: int) -> Any:
    """Ruled lines: ink in straight horizontal or vertical runs at least ``length`` pixels long."""
    horiz = cv2.morphologyEx(bw, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vert = cv2.morphologyEx(bw, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return cv2.dilate(np.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))


def _cells(grid: Any, ww: int, hh: int) -> list[Rect]:
    """Rectangles enclosed by ruled lines (table cells, boxes), inside the page."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(1 - grid, connectivity=4)
    out = []
    for x, y, w, h, area in stats[1:]:
        if x <= 2 or y <= 2 or x + w >= ww - 2 or y + h >= hh - 2:
            continue
        if w > 0.03 * ww and h > 0.012 * hh and area > 0.8 * w * h and w * h < 0.5 * ww * hh:
            out.append(Rect(int(x), int(y), int(w), int(h)))
    return sorted(out, key=lambda r: (r.y, r.x))


def _squares(bw: Any, grid: Any, ww: int) -> list[Rect]:
    """Hollow printed squares (□) between 1.2 % and 4 % of the page width."""
    contours, _ = cv2.findContours(bw & (1 - grid), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out: list[Rect] = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (0.012 * ww <= w <= 0.04 * ww and 0.8 < w / max(h, 1) < 1.25):
            continue
        m = max(3, w // 4)
        inner, ring = bw[y + m: y + h - m, x + m: x + w - m], bw[y: y + h, x: x + w]
        edges = min(ring[:3].mean(), ring[-3:].mean(), ring[:, :3].mean(), ring[:, -3:].mean())
        seen = any(abs(s.cx - (x + w / 2)) < w / 3 and abs(s.cy - (y + h / 2)) < h / 3 for s in out)
        if inner.size and inner.mean() < 0.08 and edges > 0.6 and not seen:  # four straight sides: a ○ has none
            out.append(Rect(x, y, w, h))
    return out


def _read_blobs(gray: Any, bw: Any, grid: Any, squares: list[Rect], ww: int) -> list[Rect]:
    """Printed text lines (without ruled lines and squares), each read by tesseract in one call."""
    ink = bw & (1 - grid)
    for s in squares:
        ink[s.y - 2: s.y + s.h + 3, s.x - 2: s.x + s.w + 3] = 0
    joined = cv2.dilate(ink, np.ones((5, max(9, int(0.012 * ww))), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    clean = np.where(ink > 0, gray, 255).astype(np.uint8)
    blobs, images = [], []
    for x, y, w, h, _area in stats[1:]:
        if h < 15 or w < 15 or h > 0.08 * gray.shape[0] or ink[y: y + h, x: x + w].mean() > 0.6:
            continue  # specks, pictures, solid marks
        cleaned, box = _prep.clean(clean[y: y + h, x: x + w])
        if box is None:
            continue
        for lx, ly, lw, lh in _prep.text_lines(cleaned, box):  # a two-line label is two blobs
            blobs.append(Rect(int(x) + lx, int(y) + ly, lw, lh))
            images.append((cleaned, (lx, ly, lw, lh)))
    # one call per size: lines of one size stack cleanly (mixed sizes make tesseract merge rows)
    reads = [_tess.read_lines([_prep.fit_height(c, box, size) for c, box in images], "jpn", None) for size in LABEL_HEIGHTS]
    for i, b in enumerate(blobs):
        best = max((r[i] for r in reads), key=lambda r: (r.conf, len(r.text)))
        b.text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", best.text))
    return [b for b in blobs if b.text]


def _title(blobs: list[Rect], cells: list[Rect], hh: int) -> Rect | None:
    """The tallest printed line in the top quarter, outside the table."""
    top = [b for b in blobs if b.y < 0.25 * hh and not any(c.contains(b) for c in cells) and len(b.text) >= 2]
    return max(top, key=lambda b: b.h, default=None)


def _fields(cells: list[Rect], squares: list[Rect], blobs: list[Rect], ww: int, hh: int) -> tuple[list[dict], dict[str, str]]:
    fields: list[dict[str, Any]] = []
    reasons: dict[str, str] = {}
    used: set[str] = set()
    empty_heights = [c.h for c in cells if not any(c.contains(b) for b in blobs)] or [1]
    median_h = sorted(empty_heights)[len(empty_heights) // 2]
    grouped: set[int] = set()
    for cell in cells:
        inside = [b for b in blobs if cell.contains(b)]
        boxes = [s for s in squares if cell.contains(s)]
        if len(boxes) >= 2:
            grouped.update(id(s) for s in boxes)
            label = _label(cell, cells, blobs)
            made = _group(cell, boxes, inside, label, used, ww, hh)
            fields += [{**f, "_y": cell.y} for f in made]
            reasons[made[0]["name"]] = "□ が並んでいます"
            continue
        if inside or boxes or any(s.contains(cell) for s in squares):
            continue  # a label cell, or a □ seen as a tiny cell
        label = _label(cell, cells, blobs)
        kind, why = guess_type(label)
        if kind == "text" and cell.h > 1.6 * median_h:
            kind, why = "複数行テキスト", "欄が高い"
        name = _unique(_clean_label(label) or f"項目{len(fields) + 1}", used)
        fields.append({"name": name, "type": kind, "box": _frac(cell, ww, hh), "_y": cell.y})
        reasons[name] = why
    for s in squares:  # lone checkboxes with their label on the right
        if id(s) in grouped or any(c.contains(s) and len([q for q in squares if c.contains(q)]) >= 2 for c in cells):
            continue
        right = [b for b in blobs if b.x > s.x + s.w - 2 and s.v_overlap(b) > 0.4 and b.x - (s.x + s.w) < 3 * s.w]
        label = min(right, key=lambda b: b.x).text if right else ""
        name = _unique(_clean_label(label) or f"チェック{len(fields) + 1}", used)
        fields.append({"name": name, "type": "チェックボックス", "box": _frac(s, ww, hh), "_y": s.y})
        reasons[name] = "□"
    fields.sort(key=lambda f: f["_y"])  # stable: a group's その他 text stays after the group
    return [{k: v for k, v in f.items() if k != "_y"} for f in fields], reasons


def _group(cell: Rect, boxes: list[Rect], inside: list[Rect], label: str, used: set[str], ww: int, hh: int) -> list[dict]:
    """A チェック群 from the □s of one cell; an option named その他 gets the text field after it."""
    boxes = sorted(boxes, key=lambda s: (round(s.cy / max(s.h, 1)), s.x))
    name = _unique(_clean_label(label) or "選択", used)
    options, extra = [], []
    for i, s in enumerate(boxes):
        nxt = boxes[i + 1].x if i + 1 < len(boxes) and s.v_overlap(boxes[i + 1]) > 0.5 else cell.x + cell.w
        words = sorted((b for b in inside if s.x + s.w - 2 <= b.x < nxt and s.v_overlap(b) > 0.3), key=lambda b: b.x)
        text = words[0].text if words else ""
        option: dict[str, Any] = {"label": re.sub(r"[（）()\[\]|]", "", text) or f"選択肢{i + 1}", "box": _frac(s, ww, hh)}
        if "その他" in text or "他" in text[-3:]:
            start = words[0].x + words[0].w + 10
            closing = [b for b in words[1:] if re.fullmatch(r"[)）|]+", b.text)]
            end = (closing[-1].x - 10) if closing else nxt - 10
            if end - start > 0.05 * ww:
                linked = _unique(f"{name}（{option['label']}）", used)
                option["text"] = linked
                top, bottom = cell.y + 4, cell.y + cell.h - 4
                extra.append({"name": linked, "type": "text", "box": _frac(Rect(start, top, end - start, bottom - top), ww, hh),
                              "required": False})
        options.append(option)
    group = {"name": name, "type": "チェック群", "select": "複数" if MULTIPLE_WORDS.search(label) else "1つ", "options": options}
    return [group, *extra]


def _label(cell: Rect, cells: list[Rect], blobs: list[Rect]) -> str:
    """The printed label of a cell: the cell on its left, else text on its left, else just above."""
    left_cells = [c for c in cells if abs(c.x + c.w - cell.x) < 25 and c.v_overlap(cell) > 0.5]
    for c in left_cells:
        words = sorted((b for b in blobs if c.contains(b)), key=lambda b: (b.y, b.x))
        if words:
            return "".join(b.text for b in words)
    left = [b for b in blobs if b.x + b.w < cell.x + 5 and cell.v_overlap(b) > 0.4 and not any(c.contains(b) for c in cells)]
    if left:
        return max(left, key=lambda b: b.x).text
    above = [b for b in blobs if 0 < cell.y - (b.y + b.h) < 1.5 * b.h and b.x < cell.x + cell.w and b.x + b.w > cell.x]
    return min(above, key=lambda b: cell.y - b.y).text if above else ""


def guess_type(label: str) -> tuple[str, str]:
    """The field type a label suggests, and the word that suggested it."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))
    s = re.sub(r"[(（].*?[)）]", "", s) or s
    for pattern, kind in TYPE_WORDS:
        m = re.search(pattern, s)
        if m:
            return kind, f"「{m.group(0)}」"
    return "text", "（既定）"


def _clean_label(label: str) -> str:
    s = re.sub(r"\s+", "", label)
    s = re.sub(r"[(（][^)）]*[)）]?$", "", s)  # （複数可） and similar notes
    s = re.sub(r"(複数可|いくつでも|すべて.*|全て.*)$", "", s) or s  # the same note read without its brackets
    return re.sub(r"[:：*※\[\]{}#&|]", "", s)


def _unique(name: str, used: set[str]) -> str:
    cand, n = name, 2
    while cand in used:
        cand, n = f"{name}{n}", n + 1
    used.add(cand)
    return cand


def _grow(r: Rect, share: float, ww: int, hh: int) -> Rect:
    m = int(share * r.h)
    x, y = max(r.x - m, 0), max(r.y - m, 0)
    return Rect(x, y, min(r.w + 2 * m, ww - x), min(r.h + 2 * m, hh - y))


def _frac(r: Rect, ww: int, hh: int) -> list[float]:
    return [round(r.x / ww, 4), round(r.y / hh, 4), round(r.w / ww, 4), round(r.h / hh, 4)]


def to_yaml(t: dict[str, Any], source: str, reasons: dict[str, str]) -> str:
    """The template as commented YAML (one line per field, so the DX leader can edit it in place)."""
    q = lambda v: json.dumps(v, ensure_ascii=False)
    lines = [f"# {t['title']}（kyodo ocr new-template が白紙の様式 {source} から作った案）",
             "# 確かめること: anchor（表題）/ 項目名（name）/ 種類（type）/ 空欄でよい項目に required: false",
             "# box は印刷された用紙に対する割合 [x, y, 幅, 高さ]。kyodo ocr check でスキャンと重ねて確かめられます。",
             f"name: {q(t['name'])}", f"title: {q(t['title'])}", f"anchor: {q(t['anchor'])}",
             f"anchor_box: {t['anchor_box']}"]
    if "marks" in t:
        lines.append(f"marks: {t['marks']}  # 四隅の位置合わせマークの中心（左上・右上・右下・左下）")
    if "reference" in t:
        lines.append(f"reference: {q(t['reference'])}")
    lines.append("fields:")
    for f in t["fields"]:
        why = f"  # 種類の推定: {reasons[f['name']]}" if f["name"] in reasons else ""
        if f["type"] == "チェック群":
            lines += [f"  - name: {q(f['name'])}{why}", "    type: チェック群", f"    select: {f['select']}", "    options:"]
            for o in f["options"]:
                extra = f", text: {q(o['text'])}" if o.get("text") else ""
                lines.append(f"      - {{label: {q(o['label'])}, box: {o['box']}{extra}}}")
            continue
        req = ", required: false" if f.get("required") is False else ""
        lines.append(f"  - {{name: {q(f['name'])}, type: {f['type']}, box: {f['box']}{req}}}{why}")
    return "\n".join(lines) + "\n"
