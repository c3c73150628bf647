import json

import pytest

from kyodo.core.errors import BusinessError
from kyodo.faq_bot.data import load_faq, merge

HEADER = "全国地方公共団体コード,ID,質問,回答,カテゴリ,担当課,電話番号,URL,更新日,別の聞き方\n"


def test_csv_in_cp932_and_utf8_bom(tmp_path):
    body = HEADER + '352039,1,ごみの出し方は？,"分別して朝8時までに出してください。\n詳しくは冊子を。",ごみ,環境課,083-000-0000,,2026-04-01,ゴミ捨て｜ごみの日\n'
    for enc in ("cp932", "utf-8-sig"):
        f = tmp_path / f"faq_{enc}.csv"
        f.write_bytes(body.encode(enc))
        [e] = load_faq(f)
        assert (e.id, e.department, e.alternatives) == ("1", "環境課", ["ゴミ捨て", "ごみの日"])
        assert "\n" in e.answer


def test_missing_columns_duplicates_and_bad_encoding(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("ID,質問\n1,こんにちは\n", encoding="utf-8")
    with pytest.raises(BusinessError, match="回答"):
        load_faq(f)
    f.write_text(HEADER + "352039,1,q,a,,,,,,\n352039,1,q2,a2,,,,,,\n", encoding="utf-8")
    with pytest.raises(BusinessError, match="ID「1」が重複"):
        load_faq(f)
    f.write_bytes(b"ID,\x81\xff\xfe garbage \xff")
    with pytest.raises(BusinessError, match="文字コード"):
        load_faq(f)
    j = tmp_path / "a.json"
    j.write_text('[{"id": 1, "question": "q"', encoding="utf-8")
    with pytest.raises(BusinessError, match="a.json:1"):
        load_faq(j)


def test_municipality_overrides_prefecture_by_id(tmp_path):
    j = tmp_path / "p.json"
    j.write_text(json.dumps([{"id": 1, "question": "q1", "answer": "県の回答"}, {"id": 2, "question": "q2", "answer": "x"}]), encoding="utf-8")
    m = tmp_path / "m.json"
    m.write_text(json.dumps([{"id": 1, "question": "q1", "answer": "市の回答"}, {"id": 9, "question": "q9", "answer": "y"}]), encoding="utf-8")
    merged = merge(load_faq(j), load_faq(m))
    assert [(e.id, e.answer) for e in merged] == [("1", "市の回答"), ("2", "x"), ("9", "y")]


def test_demo_sets_fill_placeholders(faq_service):
    entries = faq_service.entries("352039")
    text = " ".join(e.question + e.answer for e in entries)
    assert "○○市" not in text and "（自治体HP内関連ページのURL）" not in text
    assert "山口市" in text
