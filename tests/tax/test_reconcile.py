import pandas as pd
import pytest

from kyodo.core.errors import BusinessError
from kyodo.robots.reconcile.match import CLASSES, reconcile, summarize

KEYS = ["宛名番号", "年度", "税目", "期別"]


def frame(rows, amount):
    return pd.DataFrame([dict(zip(KEYS, r[:4]), **{amount: r[4]}) for r in rows])


def test_every_classification():
    a = frame([("A", "2026", "01", "01", 1000), ("B", "2026", "01", "01", 1000), ("C", "2026", "01", "01", 1000),
               ("D", "2026", "01", "01", 1000), ("E", "2026", "01", "01", 1000), ("F", "2026", "01", "01", 1000)], "調定額")
    a["氏名"] = list("アイウエオカ")
    p = frame([("A", "2026", "01", "01", 1000),                                # 完納
               ("B", "2026", "01", "01", 400),                                 # 一部納付
               ("C", "2026", "01", "01", 1500),                                # 過誤納
               ("D", "2026", "01", "01", 1000), ("D", "2026", "01", "01", 1000),  # 重複納付
               ("F", "2026", "01", "01", 600), ("F", "2026", "01", "01", 400),   # 分割で完納
               ("Z", "2026", "01", "01", 700)], "収納額")                        # 収納のみ
    r = reconcile(a, p, KEYS).set_index("宛名番号")
    assert r.loc["A", "区分"] == "完納"
    assert (r.loc["B", "区分"], r.loc["B", "差額"]) == ("一部納付", -600)
    assert (r.loc["C", "区分"], r.loc["C", "差額"]) == ("過誤納", 500)
    assert (r.loc["D", "区分"], r.loc["D", "収納件数"]) == ("重複納付", 2)
    assert (r.loc["E", "区分"], r.loc["E", "収納額"]) == ("未納", 0)
    assert (r.loc["F", "区分"], r.loc["F", "収納件数"]) == ("完納", 2)
    assert r.loc["Z", "区分"] == "収納のみ" and pd.isna(r.loc["Z", "調定額"])
    assert r.loc["B", "氏名"] == "イ"
    s = summarize(r.reset_index()).set_index("区分")
    assert list(s.index) == [*CLASSES, "合計"]
    assert s.loc["完納", "件数"] == 2 and s.loc["合計", "件数"] == 7
    assert s.loc["合計", "収納額"] == 1000 + 400 + 1500 + 2000 + 1000 + 700


def test_keys_are_configurable_and_missing_columns_are_named():
    a = pd.DataFrame({"法人番号": ["1"], "事業年度": ["2025"], "税額": [500]})
    p = pd.DataFrame({"法人番号": ["1"], "事業年度": ["2025"], "入金": [500]})
    r = reconcile(a, p, ["法人番号", "事業年度"], assessed_column="税額", paid_column="入金")
    assert r["区分"].tolist() == ["完納"]
    with pytest.raises(BusinessError, match="収納データに列「事業年度」"):
        reconcile(a, p.drop(columns="事業年度"), ["法人番号", "事業年度"], assessed_column="税額", paid_column="入金")


def test_duplicate_assessment_keys_are_refused():
    a = frame([("A", "2026", "01", "01", 1000), ("A", "2026", "01", "01", 1000)], "調定額")
    with pytest.raises(BusinessError, match="重複"):
        reconcile(a, pd.DataFrame(columns=[*KEYS, "収納額"]), KEYS)
