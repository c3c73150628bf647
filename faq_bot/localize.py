"""Filling template FAQs with one municipality's values: the fill-in workbook and its use.

``kyodo faq localize`` writes one row per placeholder (FAQ ID, where, the placeholder, the text
around it, 値); rows with ID ``*`` apply to every FAQ (○○市 → the town's name). Loading the FAQ
applies the saved workbook; entries with anything left unfilled are withheld from residents
and listed by ``kyodo faq lint``.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from kyodo.core.errors import BusinessError
from kyodo.faq_bot import placeholders
from kyodo.faq_bot.data import FaqEntry
from kyodo.faq_bot.offices import OfficeDirectory, OfficeInfo

HEADER = ("ID", "場所", "プレースホルダ", "前後の文", "値")
ALL = "*"
Values = dict[tuple[str, str], str]


@dataclass
class Withheld:
    entry: FaqEntry
    missing: list[str]


def localize(entries: list[FaqEntry], values: Values) -> tuple[list[FaqEntry], list[Withheld]]:
    """Entries with placeholders filled (shown) and those still incomplete (withheld)."""
    shown, withheld = [], []
    by_id: dict[str, dict[str, str]] = {}
    for (i, p), v in values.items():
        by_id.setdefault(i, {})[p] = v
    common = by_id.get(ALL, {})
    for e in entries:
        per = {**common, **by_id.get(e.id, {})}
        q, miss_q = placeholders.fill(e.question, per, "質問")
        a, miss_a = placeholders.fill(e.answer, per, "回答")
        if miss_q or miss_a:
            withheld.append(Withheld(e, sorted(set(miss_q + miss_a))))
        else:
            shown.append(replace(e, question=q, answer=a))
    return shown, withheld


def rows_for(entries: list[FaqEntry], values: Values) -> list[tuple[str, str, str, str, str]]:
    """The workbook rows: each placeholder of each entry, with any value already known."""
    rows, seen = [], set()
    for e in entries:
        for field, text in (("質問", e.question), ("回答", e.answer)):
            for p in placeholders.find(text, field):
                if (e.id, p.text) in seen:
                    continue
                seen.add((e.id, p.text))
                value = values.get((e.id, p.text), values.get((ALL, p.text), ""))
                rows.append((e.id, field, p.text, p.context(text), value))
    return rows


def write_workbook(dest: Path, entries: list[FaqEntry], values: Values, municipality: str) -> Path:
    """Write the fill-in workbook atomically (existing values are kept)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "記入表"
    ws.append([(f"{municipality} FAQ 記入表: 「値」の列に自治体の内容を書いてください。職員向けのメモを消すときは「{placeholders.DELETE}」と書きます。"
                "値が空のFAQは住民に表示されません。ID が * の行はすべてのFAQに使われます。")])
    ws.append(list(HEADER))
    for c in ws[2]:
        c.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in [(ALL, "全体", k[1], "（すべてのFAQ）", v) for k, v in values.items() if k[0] == ALL] + rows_for(entries, values):
        ws.append([_text(x) for x in row])
        ws.cell(ws.max_row, 5).fill = fill
        ws.cell(ws.max_row, 4).alignment = Alignment(wrap_text=True)
    for col, width in zip("ABCDE", (8, 6, 30, 60, 40)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dest


def _text(value: str) -> str:
    """Cells are plain text: a leading = + - @ would make Excel evaluate them."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


def read_workbook(path: Path) -> Values:
    """Values from a filled-in workbook (located Japanese errors)."""
    if not path.exists():
        return {}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:  # a damaged or foreign file
        raise BusinessError(f"記入表を開けません（{type(exc).__name__}）。Excel形式（.xlsx）で保存してください。", where=path.name) from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if len(rows) < 2 or tuple(str(c or "") for c in rows[1][:5]) != HEADER:
        raise BusinessError(f"記入表の2行目は見出し（{', '.join(HEADER)}）である必要があります。", where=f"{path.name} 2行目")
    values: Values = {}
    for n, row in enumerate(rows[2:], 3):
        fid, _, ph, _, value = (list(row) + [None] * 5)[:5]
        if fid is None and ph is None:
            continue
        if not ph:
            raise BusinessError("「プレースホルダ」の列が空です。", where=f"{path.name} {n}行目 C列")
        v = "" if value is None else str(value)
        values[(str(fid or ALL).strip(), str(ph))] = v.removeprefix("'")
    return values


# --- demo values: fictional but plausible, so every demo answer reads clean ---------------

_NUMBER_AFTER = {"時": "8", "分": "30", "日": "10", "月": "4", "年": "2027", "歳": "1", "か": "3", "ヶ": "3", "階": "2",
                 "回": "1", "人": "120", "面": "2", "園": "12", "館": "3", "校": "15", "丁": "1", "～": "3"}
_EXAMPLE = re.compile(r"例[「｢](.+?)[」｣]")


def demo_values(entries: list[FaqEntry], name: str, pref: str, code: str, directory: OfficeDirectory) -> Values:
    """Values a demo municipality would have written into its workbook."""
    values: Values = {(ALL, "○○市"): name, (ALL, "○○"): name, (ALL, "●●県"): pref, (ALL, "○○県"): pref,
                      (ALL, "（開庁時間）"): directory.general.hours, (ALL, "………"): placeholders.DELETE}
    for e in entries:
        office = office_for(e, directory)
        for field, text in (("質問", e.question), ("回答", e.answer)):
            for p in placeholders.find(text, field):
                if (ALL, p.text) not in values:
                    values[(e.id, p.text)] = _demo_value(p, text, name, code, e, office)
    return values


def office_for(e: FaqEntry, directory: OfficeDirectory) -> OfficeInfo:
    """The office for an entry: its own 担当課, else its category's office, else the general desk."""
    if e.department and not placeholders.find(e.department):
        known = directory.by_name(e.department)
        return known or OfficeInfo(e.department, e.phone)
    return directory.for_category(e.category) or directory.general


def _example_text(t: str) -> tuple[str, bool] | None:
    """The sample answer in a placeholder (例「…」) without its brackets, and whether it sat
    inside the note's own brackets (（…例「○日が休日のときは…」）) or after it."""
    i = t.find("例「")
    if i < 0:
        return None
    close = t.find("）")
    in_note = t.startswith("（") and (close < 0 or i < close)
    body = t[i + 2:]
    body = body[:-1] if in_note and body.endswith("）") else body
    return (body[:-1] if body.endswith("」") else body), in_note


def _numbers(text: str, name: str) -> str:
    """Fill ○ runs inside an example with a town name or a number fitting the next character."""
    out, pos = [], 0
    for p in placeholders.find(text):
        out.append(text[pos:p.start])
        nxt = text[p.end:p.end + 1]
        if p.text.startswith("○○"):
            out.append(name)
        elif p.text in ("AAA", "AA", "BBB", "BB"):
            out.append("中央" if p.text[0] == "A" else "北部")
        else:
            out.append(_NUMBER_AFTER.get(nxt, "1") if p.text[0] in "○×△" else p.text)
        pos = p.end
    return "".join(out) + text[pos:]


def _demo_note(inner: str, after: str, name: str, office: OfficeInfo) -> str:
    """What a town would write for a 「…を記載してください」 note, fitted to the words after it."""
    if "場所" in inner or "施設" in inner:
        return f"{name}役所本庁舎1階"
    if after.startswith(("です", "で", "に", "を", "が", "の")):
        return f"{office.name}の窓口"
    return f"詳しくは{office.name}（{office.phone}）にお問い合わせください" + ("" if after.startswith("。") else "。")


def _demo_fill(text: str, name: str, code: str, e: FaqEntry, office: OfficeInfo, depth: int) -> str:
    """A template's sample answer with its own placeholders filled (they nest one level)."""
    values: dict[str, str] = {}
    for p in placeholders.find(text):
        if p.text in ("○○市", "○○"):
            values[p.text] = name
        elif depth < 2:
            values.setdefault(p.text, _demo_value(p, text, name, code, e, office, depth + 1))
    return placeholders.fill(text, values)[0]


def _demo_value(p: placeholders.Placeholder, text: str, name: str, code: str, e: FaqEntry, office: OfficeInfo,
                depth: int = 0) -> str:
    t, inner = p.text, p.text.strip("（）")
    nxt = text[p.end:p.end + 1]
    if "時" in t and re.search(r"[○×]時", t):
        return "（8時30分～17時15分）" if t.startswith("（") else "8時30分～17時15分"
    if re.fullmatch(r"[○×]+(から|～|~)[○×]+", t):
        return "3～5"
    example = _example_text(t)
    if example is not None and ("記載" in inner or "記入" in inner or not example[1]):
        body, in_note = example
        if any(w in body for w in ("渋谷", "東京都", "ハチ公")):  # another city's sample: not ours to reuse
            return _demo_note(inner, text[p.end:p.end + 2], name, office)
        # the template's own sample answer, as a town adopting it would (inside brackets if it was)
        filled = _demo_fill(body, name, code, e, office, depth)
        return "（" + filled + "）" if in_note else filled
    if "URL" in inner:
        return f"https://www.example.lg.jp/{code}/faq/{e.id}"
    if "記載" in inner or "記入" in inner or "考えられます" in inner or "←" in inner:
        if "←" in inner:
            return "2"
        return _demo_note(inner, text[p.end:p.end + 2], name, office)
    if "電話番号" in inner:
        return office.phone
    if "開庁時間" in inner:
        return office.hours
    if any(w in inner for w in ("担当課", "水道局")):
        return office.name
    if any(w in inner for w in ("住所", "所在場所", "実施場所", "受けられる場所", "実施施設")):
        return f"{name}役所本庁舎1階"
    if inner in ("地区名", "地域名"):
        return "中央町"
    if t.startswith("（"):
        example_match = _EXAMPLE.search(inner)
        if example_match:  # （子どもが遊べる施設等（例「AA緑地、BB公園」）） → 中央緑地、北部公園
            return _demo_fill(example_match.group(1), name, code, e, office, depth)
        body = re.sub(r"^(自治体|市|所在する都道府県)(の|が|で実施されている|が開催する|が実施する|が行う|が定める|が設置する)?", "", inner)
        body = re.sub(r"(等の名称|の名称|等)$", "", body)
        filled = _numbers(body, name)
        return f"{name}{filled}" if filled.endswith(("センター", "施設", "クラブ", "学級", "教室")) else filled
    if t in ("AAA", "AA"):
        return "中央"
    if t in ("BBB", "BB"):
        return "北部"
    if t.endswith("課"):
        return office.name
    suffix = t.lstrip("○●△×◎□")
    if suffix in ("市", "町", "村", "区") or t.startswith("□"):
        return name
    if suffix == "税務署":
        return name.rstrip("市町村") + suffix
    if suffix in ("子育て支援センター", "保育園", "幼稚園", "清掃事務所"):
        return name + suffix
    if suffix:
        return "中央" + suffix
    if t.startswith(("◎", "△")) and nxt not in _NUMBER_AFTER:
        return "東部"
    return _NUMBER_AFTER.get(nxt, "1")
