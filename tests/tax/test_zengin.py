from datetime import date

import pytest

from kyodo.core.errors import BusinessError
from kyodo.robots.zengin import parse_zengin, write_zengin
from kyodo.robots.zengin.actions import _reference

REF = date(2026, 11, 23)
FURIKAE_ROWS = [
    {"預金者名": "ヤマダ タロウ", "引落金額": 12300, "顧客番号": "0000000001202601".ljust(20), "振替結果コード": 0},
    {"預金者名": "サトウ ハナコ", "引落金額": 5000, "顧客番号": "0000000002202601".ljust(20), "振替結果コード": 1},
    {"預金者名": "スズキ イチロウ", "引落金額": 7000, "顧客番号": "0000000003202601".ljust(20), "振替結果コード": 2},
]


def furikae(**kw):
    return write_zengin("91", {"委託者名": "ヤマグチシ", "引落日": date(2026, 10, 27)}, FURIKAE_ROWS, **kw)


def nyukin(**kw):
    rows = [{"照会番号": 1, "勘定日": date(2026, 11, 5), "起算日": date(2026, 11, 5), "金額": 3000,
             "振込依頼人名": "ｶ)ﾔﾏｸﾞﾁｼｮｳｼﾞ", "EDI情報": "0000000009202602"},
            {"照会番号": 2, "勘定日": date(2026, 11, 6), "起算日": date(2026, 11, 6), "金額": 800, "取消区分": "1",
             "振込依頼人名": "ﾃｽﾄ", "EDI情報": ""}]
    return write_zengin("01", {"作成日": date(2026, 11, 20), "勘定日自": date(2026, 11, 1), "勘定日至": date(2026, 11, 20)}, rows, **kw)


@pytest.mark.parametrize("kw", [{"crlf": True}, {"crlf": False}, {"crlf": True, "eof": True}, {"crlf": False, "eof": True}])
def test_furikae_with_and_without_crlf_and_eof(kw):
    raw = furikae(**kw)
    if not kw["crlf"]:
        assert len(raw.rstrip(b"\x1a")) == 120 * 6
    z = parse_zengin(raw, "f.txt", REF)
    assert z.header["委託者名"] == "ヤマグチシ" and z.header["引落日"] == date(2026, 10, 27)
    assert [r["振替結果"] for r in z.rows] == ["振替済", "資金不足", "預金取引なし"]
    assert z.rows[0]["預金者名"] == "ヤマダ タロウ"  # half-width kana in the file, full-width for staff
    assert z.trailer["振替済金額"] == 12300 and z.trailer["振替不能件数"] == 2


def test_record_text_is_halfwidth_cp932_in_the_file():
    raw = furikae()
    assert "ﾔﾏﾀﾞ ﾀﾛｳ".encode("cp932") in raw and all(len(rec) == 120 for rec in raw.split(b"\r\n")[:-1])


def test_nyukin_dates_are_wareki_and_cancellations_are_counted():
    z = parse_zengin(nyukin(), "n.txt", REF)
    assert z.header["作成日"] == date(2026, 11, 20)
    assert z.rows[0]["勘定日"] == date(2026, 11, 5) and z.rows[0]["振込依頼人名"] == "カ)ヤマグチショウジ"
    assert z.trailer == {"データ区分": 8, "振込合計件数": 1, "振込合計金額": 3000, "取消合計件数": 1, "取消合計金額": 800}


def test_wrong_record_length_names_the_line():
    lines = furikae().split(b"\r\n")
    lines[2] = lines[2][:-1]
    with pytest.raises(BusinessError) as e:
        parse_zengin(b"\r\n".join(lines), "bad.txt", REF)
    assert "bad.txt 3 行目" in str(e.value) and "119 バイト" in str(e.value)


def test_unbroken_file_with_bad_length():
    with pytest.raises(BusinessError, match="倍数ではありません"):
        parse_zengin(furikae(crlf=False)[:-3], "bad.txt", REF)


def test_trailer_mismatch_says_which_totals_differ():
    raw = bytearray(furikae(crlf=False))
    trailer_at = 120 * 4
    raw[trailer_at + 7: trailer_at + 19] = b"000000099999"  # 合計金額
    with pytest.raises(BusinessError) as e:
        parse_zengin(bytes(raw), "t.txt", REF)
    msg = str(e.value)
    assert "合計金額: トレーラー 99,999 ／ データ 24,300" in msg and "合計件数" not in msg


def test_unknown_record_type_and_missing_trailer():
    lines = furikae().split(b"\r\n")
    lines[2] = b"5" + lines[2][1:]
    with pytest.raises(BusinessError, match="データ区分「5」は不明"):
        parse_zengin(b"\r\n".join(lines), "u.txt", REF)
    lines = furikae().split(b"\r\n")
    del lines[4]
    with pytest.raises(BusinessError, match="トレーラーレコード"):
        parse_zengin(b"\r\n".join(lines), "u.txt", REF)


def test_unknown_file_kind():
    with pytest.raises(BusinessError, match="種別コード「21」"):
        parse_zengin(b"121" + b" " * 117, "x.txt", REF)


def _patch(raw: bytes, line: int, start: int, value: bytes) -> bytes:
    """``raw`` with bytes ``start``.. (1-based, as in the layouts) of one CRLF line replaced."""
    lines = raw.split(b"\r\n")
    rec = lines[line - 1]
    lines[line - 1] = rec[: start - 1] + value + rec[start - 1 + len(value):]
    return b"\r\n".join(lines)


def test_blank_creation_date_is_a_japanese_error_naming_file_line_and_field():
    raw = _patch(nyukin(), 1, 5, b" " * 6)  # 作成日: bytes 5-10 of the header
    with pytest.raises(BusinessError) as e:
        parse_zengin(raw, "n.txt", REF)
    msg = str(e.value)
    assert "n.txt 1 行目" in msg and "作成日" in msg and "日付が空です" in msg
    assert "invalid literal" not in msg


@pytest.mark.parametrize("year_style", ["wareki", "seireki"])
def test_impossible_date_is_a_japanese_error_naming_file_line_and_field(year_style):
    raw = _patch(nyukin(), 2, 8, b"081345")  # 勘定日 of the first data record: 13月45日
    with pytest.raises(BusinessError) as e:
        parse_zengin(raw, "n.txt", REF, year_style=year_style)
    msg = str(e.value)
    assert "n.txt 2 行目" in msg and "勘定日" in msg and "「081345」は存在しない日付です" in msg
    assert "month must be" not in msg


def test_impossible_debit_date_in_a_furikae_file():
    raw = _patch(furikae(), 1, 55, b"0230")  # 引落日 (MMDD): bytes 55-58 of the header
    with pytest.raises(BusinessError) as e:
        parse_zengin(raw, "f.txt", REF)
    msg = str(e.value)
    assert "f.txt 1 行目" in msg and "引落日" in msg and "存在しない日付" in msg


def test_writer_and_parser_agree_on_trailer_totals():
    from kyodo.robots.zengin import trailer_totals

    z = parse_zengin(furikae(), "f.txt", REF)
    assert {k: z.trailer[k] for k in trailer_totals("91", z.rows)} == trailer_totals("91", FURIKAE_ROWS)


@pytest.mark.parametrize("blank", ["", "  ", "\u3000", None])
def test_a_blank_reference_date_means_none(blank):
    assert _reference(blank) is None
    assert _reference(" 令和6年6月10日 ").isoformat() == "2024-06-10"
