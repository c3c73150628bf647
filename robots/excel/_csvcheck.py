"""The loader policy for delimited text (CSV/TSV): decode and check a file before any parser sees it.

pandas is lenient where a municipality's data must not be: it pads short rows, renames a
duplicate header to ``氏名.1``, takes a second file's header (glued on with its BOM) as a
record, reads a DOS end-of-file byte as a row, keeps NUL bytes, and counts *records*, not
lines, in its errors. Every problem here is refused with ``file:line`` and what to fix, in
Japanese; what is accepted parses to exactly the records a person sees in a text editor.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from dataclasses import dataclass

from kyodo.core.errors import BusinessError
from kyodo.core.text import normalize_header

MAX_LINE_CHARS = 1_000_000  # one physical line; a longer one is a missing line break or not a CSV
MAX_FIELD_CHARS = 10_000_000  # csv module's per-field limit (the default 131,072 is too small for notes)
_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8-sig"))
# C0 controls except TAB/LF/CR, DEL and C1 controls: never part of a Japanese export's text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ENCODING_JA = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp932": "Shift_JIS（CP932）",
                "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class CheckedText:
    """A decoded, checked file: ``text`` (DOS EOF removed), its encoding and its delimiter."""

    text: str
    encoding: str
    delimiter: str


class Lines:
    """Line numbers of character offsets (LF, CRLF and a lone CR each end a line)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def of(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)

    def column(self, pos: int) -> int:
        return pos - self._starts[self.of(pos) - 1] + 1


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit on one side of the byte pairs (a BOM-less UTF-16 file).

    Commas, digits and line breaks give a NUL in every pair on the same side; a kanji such as 一
    (U+4E00) rarely puts one on the other side, so the test is "many on one side, few on the other".
    """
    head = raw[:4000]
    pairs = len(head) // 2
    if len(raw) % 2 or pairs < 4:
        return None  # UTF-16 is whole byte pairs
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= max(4, 0.1 * pairs) and even * 4 <= odd:
        return "utf-16-le"
    if even >= max(4, 0.1 * pairs) and odd * 4 <= even:
        return "utf-16-be"
    return None


def _decode_error(raw: bytes, name: str, enc: str, exc: UnicodeDecodeError) -> BusinessError:
    line = raw[: exc.start].count(b"\n") + 1
    return BusinessError(f"{line} 行目に {_ENCODING_JA.get(enc, enc)} として読めない文字があります"
                         f"（{exc.start + 1} バイト目: {raw[exc.start:exc.start + 4].hex(' ')}）。",
                         where=f"{name}:{line}",
                         hint="元のシステムから UTF-8 か Shift_JIS で出力し直すか、その行の文字を確認してください。"
                              "文字コードを指定している場合は encoding: auto にしてください。")


def decode(raw: bytes, name: str, encoding: str = "auto") -> tuple[str, str]:
    """(text, encoding): a BOM first (UTF-8 / UTF-16), then UTF-8, then CP932; errors name file and line."""
    if encoding != "auto":
        try:
            text = raw.decode(encoding)
            return (text[1:] if text.startswith("\ufeff") else text), encoding
        except LookupError:
            raise BusinessError(f"文字コード「{encoding}」は使えません。", where=name,
                                hint="encoding: auto（自動）か cp932 / utf-8-sig / utf-16 を指定してください。") from None
        except UnicodeDecodeError as exc:
            raise _decode_error(raw, name, encoding, exc) from None
    bom = next((enc for b, enc in _BOMS if raw.startswith(b)), None)
    guess = _utf16_without_bom(raw) if not bom else None
    candidates = [bom] if bom else [*([guess] if guess else []), "utf-8-sig", "cp932"]
    errors: list[tuple[str, UnicodeDecodeError]] = []
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            errors.append((enc, exc))
            continue
        if enc == guess and not any(ch in text[:2000] for ch in ",\t\n"):
            continue  # "UTF-16" without a single delimiter or line break: a wrong guess
        return (text[1:] if text.startswith("\ufeff") else text), enc
    errors = [e for e in errors if e[0] != guess]  # a wrong UTF-16 guess is not worth reporting
    if len(errors) == 1:
        raise _decode_error(raw, name, *errors[0])
    (e1, x1), (e2, x2) = errors
    l1, l2 = raw[: x1.start].count(b"\n") + 1, raw[: x2.start].count(b"\n") + 1
    best = max(l1, l2)
    raise BusinessError(f"CSVの文字コードを判別できません（UTF-8 としては {l1} 行目、Shift_JIS としては {l2} 行目に"
                        "読めない文字があります）。", where=f"{name}:{best}",
                        hint="元のシステムから UTF-8 か Shift_JIS で出力し直してください。"
                             "2つの文字コードのファイルを1つにつなげていないかも確認してください。")


def check_text(text: str, name: str) -> str:
    """The text without a trailing DOS EOF byte, or a located error for NUL/control characters,
    a second BOM (two files glued together) and a line too long to be a CSV line."""
    text = text.rstrip("\x1a") if text.endswith("\x1a") else text
    lines: Lines | None = None
    if (pos := text.find("\ufeff")) >= 0:
        lines = Lines(text)
        n = lines.of(pos)
        if lines.column(pos) == 1:
            raise BusinessError(f"{n} 行目に2つ目のファイルの先頭（BOM）があります。2つのCSVがつなげられています。",
                                where=f"{name}:{n}", hint="ファイルを1つずつ読み込むか、2つ目の見出し行とBOMを取り除いてください。")
        raise BusinessError(f"{n} 行目 {lines.column(pos)} 文字目に見えない文字（BOM, U+FEFF）があります。",
                            where=f"{name}:{n}:{lines.column(pos)}", hint="その文字を削除して保存し直してください。")
    if m := _CONTROL.search(text):
        lines = lines or Lines(text)
        n, col = lines.of(m.start()), lines.column(m.start())
        what = "NUL文字（0x00）" if m.group() == "\x00" else f"制御文字（U+{ord(m.group()):04X}）"
        raise BusinessError(f"{n} 行目 {col} 文字目に{what}があります。CSVの文字として使えません。",
                            where=f"{name}:{n}:{col}",
                            hint="ファイルが壊れているか、CSVではないファイルです。元のシステムから出力し直してください。")
    if len(text) > MAX_LINE_CHARS and max(map(len, text.splitlines())) > MAX_LINE_CHARS:
        longest = max(re.finditer(r"[^\r\n]*", text), key=lambda m: m.end() - m.start())
        n, size = (lines or Lines(text)).of(longest.start()), longest.end() - longest.start()
        raise BusinessError(f"{n} 行目が長すぎます（{size:,} 文字。1行 {MAX_LINE_CHARS:,} 文字まで）。", where=f"{name}:{n}",
                            hint="改行コードが失われているか、CSVではないファイルです。元のシステムから出力し直してください。")
    return text


def sniff_delimiter(text: str) -> str:
    """Tab for Excel's 'Unicode text' (UTF-16, tab-separated) and other TSV exports, else comma."""
    first = text.split("\n", 1)[0]
    return "\t" if "\t" in first and "," not in first else ","


def check_records(text: str, name: str, delimiter: str = ",") -> int:
    """Header names unique after normalisation, every record as wide as the header, quotes balanced.

    Returns the number of records. Line numbers are physical lines of the file (a quoted line
    break inside a field counts), the way an editor shows them.
    """
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    normalised: list[str] = []
    records, end = 0, 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not row:
                continue  # an empty line (pandas skips it too)
            if header is None:
                header = row
                _unique_header(row, name, start)
                normalised = [normalize_header(h) for h in row]
                continue
            if len(row) != len(header):
                raise BusinessError(f"{start} 行目の項目数が {len(row)} 個で、見出しの {len(header)} 個と合いません。",
                                    where=f"{name}:{start}",
                                    hint="区切りの「,」の数、引用符（\"）で囲まれていない「,」や改行がないか確認してください。")
            if row[0] == header[0] and len(header) > 1 and [normalize_header(v) for v in row] == normalised:
                raise BusinessError(f"{start} 行目が見出し行と同じです。2つのCSVがつなげられていませんか。",
                                    where=f"{name}:{start}", hint="ファイルを1つずつ読み込むか、2つ目の見出し行を取り除いてください。")
            records += 1
    except csv.Error as exc:
        opened = end + 1
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise BusinessError(f"{opened} 行目から始まる引用符（\"）が閉じられていません。",
                                where=f"{name}:{opened}", hint="その行の \" の数を確認してください（値の中の \" は \"\" と2つ重ねます）。") from None
        at = reader.line_num
        raise BusinessError(f"{at} 行目の引用符（\"）の使い方が正しくありません（{exc}）。", where=f"{name}:{at}",
                            hint="\" で囲んだ値の後ろに文字が続いていないか確認してください（値の中の \" は \"\" と2つ重ねます）。") from None
    return records


def _unique_header(row: list[str], name: str, line: int) -> None:
    """Refuse two columns whose names are the same after normalisation (``氏名`` and ``氏 名``)."""
    first: dict[str, int] = {}
    for j, h in enumerate(row, 1):
        key = normalize_header(h)
        if not key:
            continue
        if key in first:
            raise BusinessError(f"見出し「{key}」が {first[key]} 列目と {j} 列目の2か所にあります"
                                f"（「{row[first[key] - 1]}」と「{h}」）。", where=f"{name}:{line}",
                                hint="どちらかの列名を変えるか、不要な列を削除してください（全角・半角や空白の違いは同じ名前とみなします）。")
        first[key] = j


def load_text(raw: bytes, name: str, encoding: str = "auto") -> CheckedText:
    """Decode ``raw`` and apply the whole policy; the result is safe to hand to a CSV parser."""
    text, enc = decode(raw, name, encoding)
    text = check_text(text, name)
    delimiter = sniff_delimiter(text)
    check_records(text, name, delimiter)
    return CheckedText(text, enc, delimiter)
