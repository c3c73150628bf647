from datetime import date, datetime

import pandas as pd
import pytest

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import (
    AmountError,
    WarekiError,
    fiscal_year,
    is_valid_corporate_number,
    is_valid_lg_code,
    is_valid_my_number,
    normalize_frame,
    normalize_header,
    normalize_series,
    normalize_text,
    parse_date,
    parse_yen,
    resolve_mmdd,
    resolve_yymmdd,
    to_fullwidth_kana,
    to_wareki,
)


@pytest.mark.parametrize("raw,expected", [
    ("ＡＢＣ１２３", "ABC123"),
    ("ｶﾞｯｺｳ", "ガッコウ"),
    ("山口市−中央１‐２－３", "山口市-中央1-2-3"),
    ("4月～6月", "4月〜6月"),
    ("4月〜6月", "4月〜6月"),
    ("０８３ー９２２ー１１１１", "083-922-1111"),
    ("　山田　　太郎 ", "山田 太郎"),
    ("コーヒー", "コーヒー"),
    (None, ""),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_kana_width():
    assert to_fullwidth_kana("ﾔﾏﾀﾞ ﾀﾛｳ 123") == "ヤマダ タロウ 123"


@pytest.mark.parametrize("raw,expected", [
    ("令和6年4月1日", date(2024, 4, 1)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("R6.4.1", date(2024, 4, 1)),
    ("R06.04.01", date(2024, 4, 1)),
    ("r6/4/1", date(2024, 4, 1)),
    ("H31.4.30", date(2019, 4, 30)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("令６．４．１", date(2024, 4, 1)),
    ("２０２４年４月１日", date(2024, 4, 1)),
    ("2024/4/1", date(2024, 4, 1)),
    ("2024-04-01", date(2024, 4, 1)),
    ("20240401", date(2024, 4, 1)),
    ("2024/04/01 9:30:15", date(2024, 4, 1)),
    (45383, date(2024, 4, 1)),
    (45383.5, date(2024, 4, 1)),
    (datetime(2024, 4, 1, 9), date(2024, 4, 1)),
])
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw,fragment", [
    ("平成31年5月1日", "平成の期間"),
    ("昭和64年1月8日", "昭和の期間"),
    ("令和元年4月30日", "令和の期間"),
    ("令和6年2月30日", "存在しない"),
    ("令和0年1月1日", "ありません"),
    ("あした", "日付として読めません"),
    ("", "空"),
])
def test_parse_date_refuses_impossible_dates(raw, fragment):
    with pytest.raises(WarekiError, match=fragment):
        parse_date(raw)


def test_to_wareki_and_era_change():
    assert to_wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert to_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert to_wareki(date(1989, 1, 7), short=True) == "S64.1.7"


def test_fiscal_year_starts_in_april():
    assert fiscal_year(date(2025, 3, 31)) == 2024
    assert fiscal_year(date(2025, 4, 1)) == 2025


def test_zengin_dates_are_resolved_from_context():
    ref = date(2026, 11, 23)
    assert resolve_yymmdd("081120", ref) == date(2026, 11, 20)   # 令和8年
    assert resolve_yymmdd("310430", date(2019, 5, 10)) == date(2019, 4, 30)  # still 平成 in a 令和 file
    assert resolve_mmdd("1227", date(2027, 1, 5)) == date(2026, 12, 27)  # year end: previous year
    assert resolve_mmdd("0105", date(2026, 12, 28)) == date(2027, 1, 5)



@pytest.mark.parametrize("fn,text,fragment", [
    (resolve_yymmdd, "      ", "日付が空です"), (resolve_yymmdd, "", "日付が空です"),
    (resolve_yymmdd, "08 120", "YYMMDD の日付ではありません"), (resolve_yymmdd, "081345", "「081345」は存在しない日付です"),
    (resolve_mmdd, "    ", "日付が空です"), (resolve_mmdd, "1301", "「1301」は存在しない日付です"),
    (resolve_mmdd, "12270", "MMDD の日付ではありません"),
])
def test_zengin_dates_refuse_blank_and_impossible_values_in_japanese(fn, text, fragment):
    with pytest.raises(WarekiError, match=fragment):
        fn(text, date(2026, 11, 23))


def test_zengin_dates_in_seireki():
    assert resolve_yymmdd("261120", date(2026, 11, 23), year_style="seireki") == date(2026, 11, 20)
    with pytest.raises(WarekiError, match="存在しない日付"):
        resolve_yymmdd("250229", date(2026, 11, 23), year_style="seireki")


@pytest.mark.parametrize("raw", ["ＡＢＣ１２３", "ｶﾞｯｺｳ", "山口市−中央１‐２－３", "4月～6月", "０８３ー９２２ー１１１１", "　山田　　太郎 ", None])
def test_normalize_series_runs_the_same_steps_as_normalize_text(raw):
    assert normalize_series(pd.Series([raw], dtype=object))[0] == normalize_text(raw)


def test_normalize_header_removes_every_space():
    assert [normalize_header(v) for v in ["期　別", " 期 別 ", "期\n別", "期別"]] == ["期別"] * 4
    assert normalize_header("宛名－番号") == "宛名-番号" and normalize_header("ＮＯ．") == "NO." and normalize_header(None) == ""


@pytest.mark.parametrize("raw,expected", [
    ("¥1,234", 1234), ("1,234円", 1234), ("△500", -500), ("▲500", -500), ("(500)", -500), ("-500", -500),
    ("１，２３４円", 1234), ("￥１２３４", 1234), (1234, 1234), (1234.0, 1234), ("1234.0", 1234), (" 12 300 円", 12300),
])
def test_parse_yen(raw, expected):
    assert parse_yen(raw) == expected


@pytest.mark.parametrize("raw", ["12.5", "abc", "", "1,2,3円x", True])
def test_parse_yen_refuses(raw):
    with pytest.raises(AmountError):
        parse_yen(raw)


def test_check_digits():
    assert is_valid_lg_code("352039") and not is_valid_lg_code("352030")
    assert is_valid_corporate_number("5835678256246") and not is_valid_corporate_number("5835678256247")
    assert is_valid_my_number("123456789018") and not is_valid_my_number("123456789012")
    assert is_valid_my_number("１２３４ ５６７８ ９０１８")


def test_normalize_frame_locates_bad_values():
    df = pd.DataFrame({"氏名": ["ﾔﾏﾀﾞ", "山田"], "納期限": ["R6.5.31", "令和6年6月31日"], "調定額": ["１，０００", "2000円"]})
    with pytest.raises(BusinessError) as e:
        normalize_frame(df, date_columns=["納期限"], amount_columns=["調定額"], where="ledger.xlsx")
    assert "ledger.xlsx 3 行目" in str(e.value) and "納期限" in str(e.value)
    df.loc[1, "納期限"] = "令和6年6月30日"
    out = normalize_frame(df, date_columns=["納期限"], amount_columns=["調定額"])
    assert out["氏名"].tolist() == ["ヤマダ", "山田"]
    assert out["納期限"].tolist() == [date(2024, 5, 31), date(2024, 6, 30)]
    assert out["調定額"].tolist() == [1000, 2000]
