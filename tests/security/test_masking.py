"""The one masking function: shapes (check digits), secrets in their escaped forms, per-run personal values."""

import threading

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.jp import cn, in_

from kyodo.core.privacy import _values, mask_text, personal_scope, register_personal, register_personal_columns, register_secret
from kyodo.core.privacy._values import ValueSet


def my_number(body: str) -> str:
    return body + in_.calc_check_digit(body)


def corporate(body: str) -> str:
    return cn.calc_check_digit(body) + body


def test_numbers_masked_only_with_a_valid_check_digit():
    good = my_number("12345678901")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    out = mask_text(f"番号 {good} / {bad} / {good[:4]}-{good[4:8]}-{good[8:]}")
    assert out == f"番号 [個人番号] / {bad} / [個人番号]"
    fw = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert mask_text(f"全角 {fw}") == "全角 [個人番号]"
    corp = corporate("700011000015")
    assert mask_text(f"法人 {corp} 金額 1234567890123") == "法人 [法人番号] 金額 1234567890123"
    assert mask_text("受付番号 20261123000123 は14桁") == "受付番号 20261123000123 は14桁"


@pytest.mark.parametrize("text, expected", [
    ("電話 083-922-1111 まで", "電話 [電話番号] まで"),
    ("携帯 090-1234-5678", "携帯 [電話番号]"),
    ("携帯 09012345678", "携帯 [電話番号]"),
    ("電話 ０８３－９２２－１１１１", "電話 [電話番号]"),
    ("〒753-8501 山口市", "[郵便番号] 山口市"),
    ("連絡先 taro.yamada+x@city.yamaguchi.lg.jp", "連絡先 [メール]"),
    ("金額 12,345円、2026-11-23 受付、センター", "金額 12,345円、2026-11-23 受付、センター"),
    # digests and IDs stay whole (an audit entry must still show which version ran); numbers beside them do not
    ("scenario_sha256=a09012345678bcde 携帯 09012345678", "scenario_sha256=a09012345678bcde 携帯 [電話番号]"),
    ("TEL09012345678", "TEL[電話番号]"),
])
def test_patterns(text, expected):
    assert mask_text(text) == expected


def test_secrets_are_masked_in_their_escaped_forms_too():
    pw = 'Kn0wn<&"pw'
    register_secret(pw)
    register_secret("abc")  # too short to be a secret: not registered, logs stay readable
    page = '<input value="Kn0wn&lt;&amp;&quot;pw"> q=Kn0wn%3C%26%22pw json="Kn0wn<&\\"pw" abc'
    out = mask_text(page)
    assert "Kn0wn" not in out and out.count("＊＊＊＊") == 3 and out.endswith(" abc")


def test_personal_values_are_per_run_and_reach_helper_threads():
    with personal_scope():
        register_personal(["山田 太郎", "山田", None, "x"])
        assert mask_text("申請者 山田 太郎丸 / 山田") == "申請者 ＊＊＊丸 / ＊＊＊"
        seen = []
        t = threading.Thread(target=lambda: seen.append(mask_text("別スレッド 山田 太郎")))
        t.start()
        t.join()
        assert seen == ["別スレッド ＊＊＊"]
    assert mask_text("終了後 山田 太郎") == "終了後 山田 太郎"


def test_overlapping_values_leave_nothing_half_masked():
    with personal_scope():
        register_personal(["山田 太", "太郎 様"])
        assert mask_text("宛名 山田 太郎 様 へ") == "宛名 ＊＊＊ へ"


def test_personal_columns_of_a_table():
    df = pd.DataFrame({"氏名": ["佐藤 花子", None, "鈴木 一郎"], "宛名番号": [1234567.0, None, 7654321.0], "金額": [100, 200, 300]})
    register_personal_columns(df, ["氏名"])  # outside a run: nothing to register into, no error
    with personal_scope():
        register_personal_columns(df, ["氏名", "宛名番号", "ない列"])
        out = mask_text("行 3: 鈴木 一郎（宛名番号 7654321）の金額 300 が不正")
    assert out == "行 3: ＊＊＊（宛名番号 ＊＊＊）の金額 300 が不正"


def test_personal_values_are_masked_as_read_and_as_normalised():
    """A ledger holds ﾔﾏﾀﾞ ﾀﾛｳ and 山田　花子; messages quote the normalised ヤマダ タロウ, 山田 花子 or 山田花子."""
    df = pd.DataFrame({"氏名": ["ﾔﾏﾀﾞ ﾀﾛｳ", "山田　花子"]})
    with personal_scope():
        register_personal_columns(df, ["氏名"])
        for quoted in ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ", "山田　花子", "山田 花子", "山田花子"):
            assert mask_text(f"未納: {quoted} 様") == "未納: ＊＊＊ 様", quoted


def test_many_values_registered_in_small_batches():
    names = [f"住民{i:05d}号" for i in range(3000)]
    with personal_scope() as scope:
        for i in range(0, len(names), 7):  # a robot registering row by row
            register_personal(names[i:i + 7])
            assert mask_text(f"エラー {names[i]} です") == "エラー ＊＊＊ です"
        assert len(scope) == 3000
        text = " ".join(names[::97])
        assert set(mask_text(text).split()) == {"＊＊＊"}


alphabet = st.sampled_from(list("山田太郎花子 -1"))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(values=st.lists(st.text(alphabet, min_size=2, max_size=6), max_size=30), text=st.text(alphabet, max_size=80),
       batch=st.integers(1, 10))
def test_no_registered_value_survives(values, text, batch):
    old, _values._SMALL = _values._SMALL, 3  # exercise both automata and their rebuilds
    try:
        vs = ValueSet("＊")
        for i in range(0, len(values), batch):
            vs.add(values[i:i + batch])
            vs.sub(text)
        out = vs.sub(text)
    finally:
        _values._SMALL = old
    for v in vs.values:
        assert v not in out
