"""Value normalisation as read options, and one header rule for every place that names a column."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from kyodo.core.errors import BusinessError
from kyodo.core.privacy import mask_text, personal_scope
from kyodo.robots import RunContext
from kyodo.robots.excel.actions import read_csv
from kyodo.robots.normalize import format_date, parse_datetime

CSV = ('"受付番号","受付日時","氏名（漢字）","氏名（カナ）","電話番号","状態"\r\n'
       '"Ｎ－１","R6.4.1 09:30","山田 太郎","ﾔﾏﾀﾞ ﾀﾛｳ","０８３－２２－１２３４","処理中"\r\n'
       '"Ｎ－２","令和6年4月15日（月）","佐藤 花子","ｻﾄｳ ﾊﾅｺ","083-922-1111","返戻"\r\n'
       '"Ｎ－３","令和元年5月1日 9時05分","鈴木 一郎","ｽｽﾞｷ ｲﾁﾛｳ","０８３９２２１１１１","処理中"\r\n')


@pytest.mark.parametrize("text, expected", [
    ("R6.4.1 09:30", datetime(2024, 4, 1, 9, 30)), ("令和6年4月1日", datetime(2024, 4, 1)),
    ("令和6年4月15日（月）", datetime(2024, 4, 15)), ("令和元年5月1日", datetime(2019, 5, 1)),
    ("２０２４／４／１　９：３０", datetime(2024, 4, 1, 9, 30)), ("2024-04-01T09:30:15", datetime(2024, 4, 1, 9, 30, 15)),
    ("R06.04.01 午後1:05", datetime(2024, 4, 1, 13, 5)), ("令和6年4月1日 9時30分", datetime(2024, 4, 1, 9, 30)),
])
def test_datetimes_as_portals_write_them(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("bad", ["平成31年5月1日 10:00", "R6.2.30", "2024/4/1 25:00", "来週"])
def test_impossible_datetimes_are_refused_with_a_reason(bad):
    with pytest.raises(ValueError, match="平成の期間|存在しない|時刻|読めません"):
        parse_datetime(bad)


def test_dates_written_the_way_a_form_wants_them():
    d = date(2026, 7, 1)
    assert [format_date(d, f) for f in ("iso", "yyyy/mm/dd", "wareki", "wareki_short", "wareki_padded", "yyyy年m月d日")] == [
        "2026-07-01", "2026/07/01", "令和8年7月1日", "R8.7.1", "R08.07.01", "2026年7月1日"]
    assert format_date("令和元年5月1日", "yyyymmdd") == "20190501" and format_date("", "iso") == ""
    with pytest.raises(ValueError, match="形式"):
        format_date(d, "dd-MON")


@pytest.fixture()
def ctx(tmp_path):
    f = tmp_path / "in" / "a.csv"
    f.parent.mkdir()
    f.write_bytes(CSV.encode("cp932"))
    return RunContext(run_id="t", artifact_dir=tmp_path / "out", input_dirs=(f.parent,),
                      settings={"personal_columns": ["氏名（漢字）", "電話番号"]})


def test_read_options_normalise_values_and_map_statuses(ctx):
    df = read_csv(ctx, path="a.csv", parse_dates=["受付日時"], fullwidth_kana=True, number_columns=["電話番号", "受付番号"],
                  status_column="状態", status_map={"処理中": "審査中", "返戻": "差戻し"}, statuses=["受付済", "審査中", "差戻し"])
    assert list(df["受付番号"]) == ["N-1", "N-2", "N-3"]
    assert list(df["電話番号"]) == ["083-22-1234", "083-922-1111", "0839221111"]
    assert list(df["氏名(カナ)"]) == ["ヤマダ タロウ", "サトウ ハナコ", "スズキ イチロウ"]
    assert list(df["状態"]) == ["審査中", "差戻し", "審査中"]
    assert list(df["受付日時"]) == [pd.Timestamp(2024, 4, 1, 9, 30), pd.Timestamp(2024, 4, 15), pd.Timestamp(2019, 5, 1, 9, 5)]
    narrowed = read_csv(ctx, path="a.csv", parse_dates=["受付日時"], date_from="2024/4/2", date_to="令和6年12月31日")
    assert list(narrowed["受付番号"]) == ["Ｎ－２"]


def test_a_status_word_the_profile_does_not_map_stops_with_row_and_fix(ctx):
    with pytest.raises(BusinessError) as e:
        read_csv(ctx, path="a.csv", status_column="状態", status_map={"処理中": "審査中"}, statuses=["受付済", "審査中", "差戻し"])
    msg = str(e.value)
    assert "「返戻」" in msg and "3 行目" in msg and "statuses" in msg


def test_every_place_naming_a_column_uses_the_readers_header_rule(ctx):
    """The CSV's own header 氏名（漢字） works in required, parse_dates and personal columns alike."""
    with personal_scope():
        df = read_csv(ctx, path="a.csv", required_columns=["氏名（漢字）", "受付 日時"], parse_dates=["受付　日時"],
                      rename={"氏名（カナ）": "カナ"})
        assert "カナ" in df.columns and df["受付日時"].notna().all()
        assert "山田 太郎" not in mask_text("申請者 山田 太郎 の件"), "personal_columns: [氏名（漢字）] masks"
    with pytest.raises(BusinessError, match="parse_dates の列「受付日」"):
        read_csv(ctx, path="a.csv", parse_dates=["受付日"])
