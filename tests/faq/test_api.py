"""The residents' API: answers, feedback, masking before storage, limits, never a 500."""

import pytest
from fastapi.testclient import TestClient

from kyodo.faq_bot.api import create_app
from kyodo.faq_bot.questionlog import QuestionStore
from kyodo.faq_bot.report import build_report


@pytest.fixture()
def store(tmp_path):
    return QuestionStore(f"sqlite:///{tmp_path / 'faq.db'}")


@pytest.fixture()
def client(faq_service, store):
    with TestClient(create_app(faq_service, store, rate_per_minute=1000)) as c:
        yield c


def ask(client, q, code="352039"):
    return client.post(f"/api/{code}/ask", json={"question": q})


def test_answer_and_feedback_round_trip(client, store):
    r = ask(client, "粗大ごみの申込方法を教えてください")
    assert r.status_code == 200
    d = r.json()
    assert d["kind"] == "answer" and d["answer"]["id"] == "332" and d["answer"]["url"].startswith("https://")
    f = client.post("/api/352039/feedback", json={"token": d["feedback_token"], "helpful": False})
    assert f.status_code == 200 and f.json()["ok"]
    assert [x.helpful for x in store.all()] == [False]
    n = ask(client, "宇宙飛行士になるには").json()
    assert client.post("/api/352021/feedback", json={"log_id": n["log_id"], "helpful": True}).status_code == 404
    assert client.post("/api/352039/feedback", json={"token": "forged", "helpful": False}).status_code == 404


@pytest.mark.parametrize("body", [
    {"question": ""}, {"question": "😀" * 50}, {"question": "？！" * 20}, {"question": "あ" * 10_000},
    {"question": 123}, {}, {"question": None}, {"question": "<script>alert(1)</script>"},
])
def test_bad_input_never_500(client, body):
    r = client.post("/api/352039/ask", json=body)
    assert r.status_code in (200, 413, 422), r.text
    assert "error" in r.json() or "message" in r.json()


def test_not_json_unknown_town_and_huge_body(client):
    assert client.post("/api/352039/ask", content=b"\xff\xfe", headers={"content-type": "application/json"}).status_code == 422
    assert client.post("/api/352038/ask", json={"question": "x"}).status_code == 404
    r = client.post("/api/352039/ask", content=b'{"question": "' + b"a" * 20000 + b'"}', headers={"content-type": "application/json"})
    assert r.status_code == 413 and "大きすぎます" in r.json()["error"]


def test_personal_data_is_masked_before_storage(client, store):
    ask(client, "私のマイナンバーは123456789018で電話は090-1234-5678、メール taro@example.jp です。宇宙のことを教えて")
    [row] = store.all()
    assert "123456789018" not in row.question and "090-1234-5678" not in row.question and "taro@example.jp" not in row.question
    assert "[個人番号]" in row.question and "[電話番号]" in row.question


def test_rate_limit(faq_service, store):
    with TestClient(create_app(faq_service, store, rate_per_minute=3)) as c:
        codes = [c.post("/api/352039/ask", json={"question": "保育園の見学"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_chat_page_escapes_and_credits(client):
    html = client.get("/m/352039").text
    assert "山口市" in html and "出典: 子育てオープンデータ協議会 汎用FAQ (CC BY 4.0)" in html
    assert 'aria-live="polite"' in html and "textContent" in html and "innerHTML" not in html
    assert client.get("/m/000000").status_code == 404


def test_improvement_report_clusters_unanswered_questions(client, store, tmp_path):
    for q in ["宇宙飛行士になりたい", "宇宙飛行士の試験", "宇宙飛行士の給料", "株を買いたい", "株式投資のやり方", "おすすめの株の銘柄"]:
        assert ask(client, q).json()["kind"] == "not_sure"
    path, topics = build_report(store, tmp_path / "report.xlsx")
    assert path.exists() and topics["件数"].sum() == 6 and len(topics) == 2
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["トピック", "質問一覧"]
    examples = [r[2] for r in wb["トピック"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert any("宇宙" in e and "株" not in e for e in examples) and any("株" in e and "宇宙" not in e for e in examples)
