"""The hostile-input corpus: every file is generated here (nothing large is committed), with its expected outcome.

Each :class:`Case` makes one file in a folder and says what kyodo must do with it:
``Refused`` (a Japanese :class:`~kyodo.core.errors.BusinessError` whose ``where`` names the place,
``file:line`` or ``file:line:column`` or the cell) or ``Accepted`` (exact values).

Write the whole corpus to a folder, e.g. to try it against another tool::

    .venv/bin/python -m tests.hostile.corpus /tmp/hostile
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Refused:
    """Must raise a BusinessError whose message matches ``match`` and whose ``where`` contains ``where``."""

    where: str
    match: str = ""


@dataclass(frozen=True)
class Accepted:
    """Must be read; ``columns`` and ``rows`` are the exact result (text cells as text)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Case:
    name: str  # the file name (also the test id)
    category: str
    make: Callable[[Path], None]  # writes the file at the given path
    expect: Refused | Accepted
    options: dict[str, Any] = field(default_factory=dict)  # reader options (encoding, sheet, header_rows, ...)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


# ── CSV / TSV ──────────────────────────────────────────────────────────────────────────────
GOOD = "受付番号,氏名,状態\r\n001,山田 太郎,受付\r\n002,佐藤 花子,完了\r\n"
GOOD_ROWS = [["001", "山田 太郎", "受付"], ["002", "佐藤 花子", "完了"]]
GOOD_COLS = ["受付番号", "氏名", "状態"]

CSV_CASES = [
    Case("utf8_bom.csv", "encoding", _bytes(GOOD.encode("utf-8-sig")), Accepted(GOOD_COLS, GOOD_ROWS)),
    Case("shift_jis.csv", "encoding", _bytes(GOOD.encode("cp932")), Accepted(GOOD_COLS, GOOD_ROWS)),
    Case("utf16_bom_tab.txt", "encoding", _bytes(GOOD.replace(",", "\t").encode("utf-16")), Accepted(GOOD_COLS, GOOD_ROWS)),
    Case("utf16le_no_bom.csv", "encoding", _bytes(GOOD.encode("utf-16-le")), Accepted(GOOD_COLS, GOOD_ROWS)),
    Case("undecodable.csv", "encoding", _bytes(GOOD.encode("utf-8") + b"003,\x81\xff\xfe,x\r\n"),
         Refused("undecodable.csv:4", "文字コードを判別できません")),
    Case("wrong_explicit_encoding.csv", "encoding", _bytes(GOOD.encode("cp932")),
         Refused("wrong_explicit_encoding.csv:1", "UTF-8 として読めない"), {"encoding": "utf-8"}),
    Case("nul_byte.csv", "control", _bytes(GOOD.encode() + b"003,\x00x,y\r\n"), Refused("nul_byte.csv:4:5", "NUL文字")),
    Case("sjis_nul_short.csv", "control", _bytes("ID,氏\x00名\r\n1,2\r\n".encode("cp932")), Refused("sjis_nul_short.csv:1:5", "NUL文字")),
    Case("bell_char.csv", "control", _bytes(GOOD.replace("佐藤", "佐\x07藤").encode()), Refused("bell_char.csv:3:6", "制御文字")),
    Case("dos_eof.csv", "control", _bytes(GOOD.encode("cp932") + b"\x1a"), Accepted(GOOD_COLS, GOOD_ROWS)),
    Case("bom_mid_line.csv", "control", _bytes(GOOD.replace("花子", "花\ufeff子").encode()), Refused("bom_mid_line.csv:3:", "BOM")),
    Case("glued_with_bom.csv", "glued", _bytes(GOOD.encode("utf-8-sig") * 2), Refused("glued_with_bom.csv:4", "つなげられています")),
    Case("glued_no_bom.csv", "glued", _bytes(GOOD.encode("cp932") * 2), Refused("glued_no_bom.csv:4", "見出し行と同じ")),
    Case("duplicate_header.csv", "header", _bytes("氏名,住所,氏名\r\n1,2,3\r\n".encode()),
         Refused("duplicate_header.csv:1", "1 列目と 3 列目")),
    Case("duplicate_after_normalising.csv", "header", _bytes("氏名,住所,氏　名 \r\n1,2,3\r\n".encode()),
         Refused("duplicate_after_normalising.csv:1", "1 列目と 3 列目")),
    Case("ragged_short.csv", "ragged", _bytes((GOOD + "003,鈴木\r\n").encode()), Refused("ragged_short.csv:4", "2 個で、見出しの 3 個")),
    Case("ragged_long.csv", "ragged", _bytes((GOOD + "003,鈴木,受付,余分\r\n").encode()), Refused("ragged_long.csv:4", "4 個")),
    # The quoted line break makes record 3 start on line 5: the error names the LINE, not pandas' record count.
    Case("unbalanced_quote.csv", "quote",
         _bytes('受付番号,備考\r\n001,"1行目\r\n2行目"\r\n002,ok\r\n"003,閉じない\r\n004,x\r\n'.encode()),
         Refused("unbalanced_quote.csv:5", "5 行目から始まる引用符")),
    Case("stray_quote.csv", "quote", _bytes(b'a,b\r\n"x"y,1\r\n'), Refused("stray_quote.csv:2", "引用符")),
    Case("quoted_newline.csv", "quote", _bytes('受付番号,備考\r\n001,"1行目\r\n2行目"\r\n002,"a,""b"""\r\n'.encode()),
         Accepted(["受付番号", "備考"], [["001", "1行目\r\n2行目"], ["002", 'a,"b"']])),
    Case("empty.csv", "size", _bytes(b""), Refused("empty.csv", "空")),
    Case("huge_single_line.csv", "size", lambda p: p.write_bytes(b"x," * 2_500_000), Refused("huge_single_line.csv:1", "長すぎます")),
    Case("long_field_200k.csv", "size", _bytes(("id,本文\r\n1," + "あ" * 200_000 + "\r\n").encode()),
         Accepted(["id", "本文"], [["1", "あ" * 200_000]])),
]


# ── xlsx ──────────────────────────────────────────────────────────────────────────────────
def deflate_bomb(p: Path, megabytes: int = 30) -> None:
    """A valid workbook whose one cell inflates to ``megabytes`` MB (compressed ~1000x)."""
    from openpyxl import Workbook

    small = p.with_suffix(".seed.xlsx")
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(small)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, data)
                continue
            with z.open(info.filename, "w") as f:
                f.write(data.split(b"<sheetData>")[0] + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
                for _ in range(megabytes):
                    f.write(b"A" * 1_000_000)
                f.write(b"</t></is></c></row></sheetData></worksheet>")
    small.unlink()


def _workbook(build: Callable[[Any], None]) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        build(wb)
        wb.save(p)

    return make


def _cover_then_ledger(wb: Any) -> None:
    wb.active.title = "表紙"
    wb.active["A1"] = "令和6年度 調定台帳"
    ws = wb.create_sheet("台帳")
    ws.append(["宛名番号", "氏名"])
    ws.append(["0000000001", "山田"])


def _two_row_header(merge_down: bool) -> Callable[[Any], None]:
    def build(wb: Any) -> None:
        ws = wb.active
        ws.title = "台帳"
        ws.append(["宛名番号", "氏名", "住所", None])
        ws.append([None, None, "市区町村", "番地"])
        ws.merge_cells("C1:D1")
        if merge_down:
            ws.merge_cells("A1:A2")
            ws.merge_cells("B1:B2")
        ws.append(["0000000001", "山田", "山口市", "1-2"])
        ws.append(["0000000002", "佐藤", "宇部市", "3"])

    return build


def _merged_heading_over_data(wb: Any) -> None:
    """氏名 merged over two columns in a one-row header, data (姓 | 名) right below: that row is data."""
    ws = wb.active
    ws.append(["宛名番号", "氏名", None])
    ws.merge_cells("B1:C1")
    ws.append(["0000000001", "山田", "太郎"])


def _wareki_weekday(weekday: str) -> Callable[[Any], None]:
    def build(wb: Any) -> None:
        ws = wb.active
        ws.append(["宛名番号", "納期限"])
        ws.append(["0000000001", f"令和6年4月15日（{weekday}）"])

    return build


def _truncated(p: Path) -> None:
    _workbook(_cover_then_ledger)(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


LEDGER = {"required_columns": ["宛名番号"]}
XLSX_CASES = [
    Case("deflate_bomb.xlsx", "xlsx-size", deflate_bomb, Refused("deflate_bomb.xlsx", "開く前に止めました"), LEDGER),
    Case("truncated.xlsx", "xlsx-broken", _truncated, Refused("truncated.xlsx", "開けません"), LEDGER),
    Case("wrong_default_sheet.xlsx", "xlsx-sheet", _workbook(_cover_then_ledger), Refused("wrong_default_sheet.xlsx", "表紙、台帳"), LEDGER),
    Case("named_sheet.xlsx", "xlsx-sheet", _workbook(_cover_then_ledger), Accepted(["宛名番号", "氏名"], [["0000000001", "山田"]]),
         {**LEDGER, "sheet": "台帳"}),
    Case("two_row_header_merged_down.xlsx", "xlsx-header", _workbook(_two_row_header(True)),
         Accepted(["宛名番号", "氏名", "住所/市区町村", "住所/番地"], [["0000000001", "山田", "山口市", "1-2"],
                                                               ["0000000002", "佐藤", "宇部市", "3"]]),
         {"required_columns": ["宛名番号", "氏名"], "header_rows": 2}),
    Case("two_row_header_not_merged.xlsx", "xlsx-header", _workbook(_two_row_header(False)),
         Accepted(["宛名番号", "氏名", "住所/市区町村", "住所/番地"], [["0000000001", "山田", "山口市", "1-2"],
                                                               ["0000000002", "佐藤", "宇部市", "3"]]),
         {"required_columns": ["宛名番号", "氏名"], "header_rows": 2}),
    # No header_rows given: the row of sub-headings under a merged heading is found, never returned as data.
    Case("two_row_header_auto.xlsx", "xlsx-header", _workbook(_two_row_header(False)),
         Accepted(["宛名番号", "氏名", "住所/市区町村", "住所/番地"], [["0000000001", "山田", "山口市", "1-2"],
                                                               ["0000000002", "佐藤", "宇部市", "3"]]),
         {"required_columns": ["宛名番号", "氏名"]}),
    Case("two_row_header_group_only.xlsx", "xlsx-header", _workbook(_two_row_header(False)),
         Refused("two_row_header_group_only.xlsx / 1〜2 行目", "上の段で、下の段は 市区町村・番地"), {"required_columns": ["住所"]}),
    Case("one_row_header_merged_over_data.xlsx", "xlsx-header", _workbook(_merged_heading_over_data),
         Accepted(["宛名番号", "氏名", "氏名_2"], [["0000000001", "山田", "太郎"]]), LEDGER),
    Case("wareki_with_weekday.xlsx", "xlsx-values", _workbook(_wareki_weekday("月")),
         Accepted(["宛名番号", "納期限"], [["0000000001", "2024-04-15"]]), {**LEDGER, "date_columns": ["納期限"]}),
    Case("wareki_wrong_weekday.xlsx", "xlsx-values", _workbook(_wareki_weekday("火")),
         Refused("wareki_wrong_weekday.xlsx", "曜日が日付と合いません"), {**LEDGER, "date_columns": ["納期限"]}),
]


# ── YAML ──────────────────────────────────────────────────────────────────────────────────
def _alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


YAML_CASES = [
    Case("alias_bomb.yaml", "yaml-alias", lambda p: p.write_text(_alias_bomb(), encoding="utf-8"),
         Refused("alias_bomb.yaml:6:", "展開が大きすぎます")),
    Case("recursive_alias.yaml", "yaml-alias", lambda p: p.write_text("name: x\nloop: &a\n  - *a\n", encoding="utf-8"),
         Refused("recursive_alias.yaml:3:5", "循環する別名")),
    Case("nul.yaml", "yaml-control", _bytes(b"name: x\ntitle: \"a\x00b\"\n"), Refused("nul.yaml:2:10", "NUL文字")),
    Case("octal_code.yaml", "yaml-code", lambda p: p.write_text("code: 011002\nname: 札幌市\n", encoding="utf-8"),
         Refused("octal_code.yaml:1:7", '"011002" と引用符')),
    Case("sexagesimal_time.yaml", "yaml-code", lambda p: p.write_text("name: x\nat: 10:30\n", encoding="utf-8"),
         Refused("sexagesimal_time.yaml:2:5", '630')),
    Case("quoted_code.yaml", "yaml-code", lambda p: p.write_text('code: "011002"\nzip: 0600001x\n', encoding="utf-8"),
         Accepted(["code", "zip"], [["011002", "0600001x"]])),
    Case("deep_nesting.yaml", "yaml-structure", lambda p: p.write_text("a: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8"),
         Refused("deep_nesting.yaml:1:", "深すぎます")),
]

ALL = CSV_CASES + XLSX_CASES + YAML_CASES


def write_all(folder: Path) -> list[Path]:
    """Generate every corpus file into ``folder`` (for inspection or other tools)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in ALL:
        case.make(folder / case.name)
        out.append(folder / case.name)
    return out


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")):
        print(path)
