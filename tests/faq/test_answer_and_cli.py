import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo.faq_bot.answer import NOT_SURE, Office, reply

KYODO = str(Path(sys.executable).parent / "kyodo")
OFFICE = Office("山口市 デジタル推進課", "083-000-0000")


@pytest.mark.parametrize("text,kind", [
    ("", "empty"), ("   ", "empty"), ("😀😀🎉", "unreadable"), ("？？！！…", "unreadable"), ("こんにちは！", "greeting"),
    ("ありがとうございました", "greeting"), ("ばかじゃないの", "abusive"),
])
def test_odd_input_gets_a_graceful_reply(generic_retriever, text, kind):
    r = reply(generic_retriever, text, OFFICE)
    assert r.kind == kind and r.message


def test_long_question_is_cut_not_crashed(generic_retriever):
    r = reply(generic_retriever, "児童手当" * 2500, OFFICE)
    assert r.kind in ("answer", "not_sure")


def test_not_sure_points_to_the_office_with_suggestions(generic_retriever):
    r = reply(generic_retriever, "宇宙飛行士になるにはどうすればいいですか", OFFICE)
    assert r.kind == "not_sure" and r.message.startswith(NOT_SURE)
    assert (r.contact["office"], r.contact["phone"]) == ("山口市 デジタル推進課", "083-000-0000") and len(r.suggestions) == 3


def test_confident_answer_carries_its_source(generic_retriever):
    r = reply(generic_retriever, "粗大ごみの申込方法を教えてください", OFFICE)
    assert r.kind == "answer" and r.answer["id"] == "332" and r.confidence >= 0.5


def run(*args):
    return subprocess.run([KYODO, "faq", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KYODO_REGISTRY": str(Path("config/municipalities.yaml").resolve())})


def test_eval_command_json_keys_and_values(tmp_path):
    corpus = [{"id": "a", "question": "ごみの出し方を教えてください", "answer": "朝8時までに出してください"},
              {"id": "b", "question": "児童手当の申請方法を教えてください", "answer": "窓口で申請してください"},
              {"id": "c", "question": "図書館の開館時間を教えてください", "answer": "9時から19時です"}]
    (tmp_path / "c.json").write_text(json.dumps(corpus, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps({"1": "ゴミはいつ出せばいい", "2": "図書館は何時まで開いてる"}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps({"1": {"a": 1}, "2": {"c": 2}}), encoding="utf-8")
    p = run("eval", "--corpus", str(tmp_path / "c.json"), "--queries", str(tmp_path / "q.json"), "--qrels", str(tmp_path / "r.json"), "--json")
    assert p.returncode == 0, p.stderr
    m = json.loads(p.stdout)
    assert list(m) == ["sr@1", "sr@3", "sr@5", "mrr", "map", "ndcg@10", "p50_ms", "p95_ms"]
    assert m["sr@1"] == 1.0 and m["mrr"] == 1.0 and m["p95_ms"] >= m["p50_ms"] > 0
    bad = run("eval", "--corpus", str(tmp_path / "nope.json"), "--queries", str(tmp_path / "q.json"), "--qrels", str(tmp_path / "r.json"))
    assert bad.returncode == 2 and "見つかりません" in bad.stderr and "Traceback" not in bad.stderr


def test_ask_command(tmp_path):
    p = run("ask", "粗大ごみの申込方法を教えてください", "--municipality", "352039", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["kind"] == "answer" and d["answer"]["id"] == "332"
    p = run("ask", "こんにちは", "--municipality", "999999")
    assert p.returncode == 2 and "検査数字" in p.stderr
