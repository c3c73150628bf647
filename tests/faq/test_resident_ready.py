"""Issue 16: placeholders filled or withheld, routing to the topic's office, a private log,
safe page headers, streamed body limit, trusted proxies, languages, ONNX plug-in."""

import json
import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kyodo.core.errors import BusinessError
from kyodo.faq_bot import placeholders
from kyodo.faq_bot.api import create_app
from kyodo.faq_bot.data import load_faq
from kyodo.faq_bot.localize import ALL, localize, read_workbook, write_workbook
from kyodo.faq_bot.privacy import mask_question
from kyodo.faq_bot.questionlog import QuestionStore
from kyodo.faq_bot.report import build_report


def test_placeholders_found_and_filled():
    text = "毎回○日（○日が休日の場合の取り扱いを記載してください。例「○日が休日のときはその前営業日」）。（自治体の担当課等の名称）（電話番号）／（開庁時間）○○課"
    found = [p.text for p in placeholders.find(text)]
    assert "（自治体の担当課等の名称）" in found and "（電話番号）" in found and "（開庁時間）" in found and "○○課" in found
    assert any("記載してください" in f for f in found)
    filled, missing = placeholders.fill(text, {"（電話番号）": "083-000-1111"})
    assert "083-000-1111" in filled and "（開庁時間）" in missing and "○○課" in missing
    # a template's sample answer after a note is part of the note (another city's text must not leak)
    sample = "（支払方法を記載してください。）\n例「口座振替です。渋谷区では…\n（自治体HP内関連ページのURL）」\n以上です。"
    [whole] = placeholders.find(sample)
    assert whole.text.endswith("URL）」") and placeholders.fill(sample, {whole.text: "口座振替です。"})[0] == "口座振替です。\n以上です。"


def test_demo_answers_are_clean_and_route_to_topic_offices(faq_service):
    entries = faq_service.entries("352039")
    assert len(entries) == 661
    text = "\n".join(e.question + e.answer for e in entries)
    import re

    assert not re.search(r"（[^）]*記載してください|例「|(?<![A-Za-z])(AA|BB)(?![A-Za-z])|渋谷", text) and "○" not in text and "（電話番号）" not in text and "山口市課" not in text
    by_id = {e.id: e for e in entries}
    assert by_id["82"].department == "こども家庭課" and by_id["332"].department == "ごみ減量推進課"
    assert all("デジタル" not in e.department and "情報政策" not in e.department for e in entries)


def test_localize_workbook_round_trip_and_withholding(tmp_path):
    faq = [{"ID": "1", "質問": "○○市の開庁時間は？", "回答": "（開庁時間）です。（自治体の担当課等の名称）（電話番号）"},
           {"ID": "2", "質問": "ごみの日は？", "回答": "月曜日です。"}]
    (tmp_path / "p.json").write_text(json.dumps(faq, ensure_ascii=False), encoding="utf-8")
    entries = load_faq(tmp_path / "p.json")
    shown, withheld = localize(entries, {})
    assert [e.id for e in shown] == ["2"] and withheld[0].entry.id == "1"
    book = write_workbook(tmp_path / "fill.xlsx", entries, {(ALL, "○○市"): "山口市"}, "山口市")
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb.active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert ("*", "全体", "○○市", "（すべてのFAQ）", "山口市") in rows and any(r[2] == "（電話番号）" and "【（電話番号）】" in r[3] for r in rows)
    for r in range(3, ws.max_row + 1):
        ph = ws.cell(r, 3).value
        ws.cell(r, 5).value = {"（開庁時間）": "平日8時30分～17時15分", "（自治体の担当課等の名称）": "市民課", "（電話番号）": "083-000-0001"}.get(ph, ws.cell(r, 5).value)
    wb.save(book)
    shown, withheld = localize(entries, read_workbook(book))
    assert not withheld and shown[0].question == "山口市の開庁時間は？" and shown[0].answer == "平日8時30分～17時15分です。市民課083-000-0001"


def test_lint_and_localize_commands(tmp_path):
    import subprocess
    import sys

    faq = [{"ID": "1", "質問": "○○市の開庁時間は？", "回答": "（開庁時間）です。"}]
    (tmp_path / "prefecture.json").write_text(json.dumps(faq, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "KYODO_FAQ_DIR": str(tmp_path), "KYODO_REGISTRY": str(Path("config/municipalities.yaml").resolve())}
    kyodo = str(Path(sys.executable).parent / "kyodo")
    p = subprocess.run([kyodo, "faq", "lint", "-m", "352039"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert p.returncode == 1 and "FAQ 1" in p.stdout and "（開庁時間）" in p.stdout
    p = subprocess.run([kyodo, "faq", "localize", "-m", "352039"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "localize" / "352039.xlsx").exists()
    p = subprocess.run([kyodo, "faq", "ask", "開庁時間\x1b[31m\r\nX", "-m", "352039"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert "\x1b" not in p.stdout + p.stderr and "\r" not in p.stdout


def test_faq_file_errors_are_located(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(BusinessError, match="入れ子が深すぎます"):
        load_faq(deep)
    j = tmp_path / "a.json"
    j.write_text(json.dumps([{"id": 1, "question": "q", "answer": "a"}, {"id": 2, "question": "q"}]), encoding="utf-8")
    with pytest.raises(BusinessError) as e:
        load_faq(j)
    assert "2 件目" in str(e.value) and "行目" not in str(e.value)
    c = tmp_path / "a.csv"
    c.write_text("ID,質問,回答\n1,q,a\n,,\n\n2,q2,a2\n3,q3,\n", encoding="utf-8")
    with pytest.raises(BusinessError) as e:
        load_faq(c)
    assert "6 行目" in str(e.value)
    c.write_text("ID,質問,回答\n1,q,a\n,,\n2,q2,a2\n", encoding="utf-8")
    assert [x.id for x in load_faq(c)] == ["1", "2"]


def test_question_masking():
    masked = mask_question("山田太郎です。山口県山口市滝町1番1号に住んでいます。番号は123456789012です")
    assert "山田" not in masked and "太郎" not in masked and "滝町1番1号" not in masked and "123456789012" not in masked
    assert "[氏名]" in masked and "[住所]" in masked


@pytest.fixture()
def store(tmp_path):
    return QuestionStore(f"sqlite:///{tmp_path / 'private' / 'faq.db'}")


@pytest.fixture()
def client(faq_service, store):
    with TestClient(create_app(faq_service, store, rate_per_minute=1000, trusted_proxies="10.0.0.0/8")) as c:
        yield c


def test_log_keeps_only_unanswered_and_thumbs_down_privately(client, store, tmp_path):
    d = client.post("/api/352039/ask", json={"question": "粗大ごみの申込方法を教えてください"}).json()
    assert d["kind"] == "answer" and d["contact"]["office"] == "ごみ減量推進課" and d["log_id"] is None
    assert store.all() == []  # answered questions are not stored
    client.post("/api/352039/feedback", json={"token": d["feedback_token"], "helpful": True})
    assert store.all() == []
    client.post("/api/352039/feedback", json={"token": d["feedback_token"], "helpful": False})
    assert [(r.kind, r.helpful) for r in store.all()] == [("answer", False)]
    assert client.post("/api/352021/feedback", json={"token": d["feedback_token"], "helpful": False}).status_code == 404
    n = client.post("/api/352039/ask", json={"question": "山田太郎です。宇宙飛行士になるには"}).json()
    assert n["kind"] == "not_sure" and "デジタル" not in n["contact"]["office"] and n["log_id"]
    assert "山田" not in store.all()[-1].question
    db = tmp_path / "private" / "faq.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600 and stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_log_failure_never_blocks_the_answer(faq_service, tmp_path):
    import sqlite3

    store = QuestionStore(f"sqlite:///{tmp_path / 'faq.db'}")
    other = sqlite3.connect(tmp_path / "faq.db")
    other.execute("BEGIN EXCLUSIVE")  # another process holds the log
    try:
        with TestClient(create_app(faq_service, store, rate_per_minute=1000)) as c:
            r = c.post("/api/352039/ask", json={"question": "宇宙飛行士になるには"})
            assert r.status_code == 200 and r.json()["kind"] == "not_sure" and r.json()["log_id"] is None
            a = c.post("/api/352039/ask", json={"question": "粗大ごみの申込方法を教えてください"}).json()
            f = c.post("/api/352039/feedback", json={"token": a["feedback_token"], "helpful": False})
            assert f.status_code == 200
    finally:
        other.rollback()
        other.close()


def test_report_escapes_formulas_and_uses_jst(store, tmp_path):
    store.add("352039", '=HYPERLINK("http://evil","x")', "not_sure", None, 0.1)
    path, _ = build_report(store, tmp_path / "r.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(path)["質問一覧"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    assert "日時（日本時間）" in header
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and not c.value.startswith("=") for c in cells)
    assert any("日本時間" in str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def test_pages_headers_unknown_town_and_languages(client):
    r = client.get("/m/352039")
    assert "nonce-" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" not in r.headers["content-security-policy"]
    u = client.get("/m/999999")
    assert u.status_code == 404 and "text/html" in u.headers["content-type"] and "見つかりませんでした" in u.text and "/m/352039" in u.text
    assert "English" in client.get("/m/352039?lang=en").text and "しつもん" in client.get("/m/352039?lang=easy").text
    en = client.post("/api/352039/ask", json={"question": "Where can I ask about anything?"}).json()
    assert en["lang"] == "en" and en["message"].isascii()
    easy = client.post("/api/352039/ask", json={"question": "", "lang": "easy"}).json()
    assert "しつもん" in easy["message"]


def test_chunked_body_over_limit_is_cut_off(client):
    def body():
        yield b'{"question": "'
        for _ in range(2000):
            yield b"a" * 1024
        yield b'"}'

    r = client.post("/api/352039/ask", content=body(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "大きすぎます" in r.json()["error"]


def test_forwarded_for_trusted_only_from_configured_proxies():
    from starlette.requests import Request

    from kyodo.faq_bot.api import _proxies, client_address

    def req(peer, xff):
        return Request({"type": "http", "client": (peer, 1), "headers": [(b"x-forwarded-for", xff.encode())]})

    nets = _proxies("10.0.0.0/8")
    assert client_address(req("127.0.0.1", "1.2.3.4"), nets) == "127.0.0.1"  # loopback is not a proxy
    assert client_address(req("10.1.1.1", "1.2.3.4, 10.2.2.2"), nets) == "1.2.3.4"
    assert client_address(req("10.1.1.1", "1.2.3.4"), []) == "10.1.1.1"


def test_warm_start_first_answer_fast(faq_service, store):
    import time

    app = create_app(faq_service, store, warm=["352039"])
    with TestClient(app) as c:
        t0 = time.perf_counter()
        assert c.post("/api/352039/ask", json={"question": "児童手当はいつ振り込まれますか"}).status_code == 200
        assert time.perf_counter() - t0 < 1.0


def test_onnx_encoder_plugin(tmp_path):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from kyodo.faq_bot.demo import generic_corpus
    from kyodo.faq_bot.encoder import OnnxEncoder
    from kyodo.faq_bot.retriever import Retriever

    rng = np.random.default_rng(0)
    emb = numpy_helper.from_array(rng.normal(size=(4096, 16)).astype(np.float32), "emb")
    graph = helper.make_graph(
        [helper.make_node("Gather", ["emb", "input_ids"], ["tok"]), helper.make_node("ReduceMean", ["tok"], ["vec"], axes=[1], keepdims=0)],
        "tiny", [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [None, None])],
        [helper.make_tensor_value_info("vec", TensorProto.FLOAT, [None, 16])], [emb])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    helper.set_model_props(model, {"vocab_size": "4096"})
    onnx.save(model, tmp_path / "tiny.onnx")
    enc = OnnxEncoder(tmp_path / "tiny.onnx")
    v = enc.encode(["児童手当", "児童手当", "ごみ"])
    assert v.shape == (3, 16) and np.allclose(v[0], v[1]) and not np.allclose(v[0], v[2])
    r = Retriever(generic_corpus()[:50], encoder=enc)
    assert "encoder" in r.scores("母子手帳") and r.search("母子手帳", 3)[0]
    with pytest.raises(BusinessError, match="見つかりません"):
        OnnxEncoder(tmp_path / "none.onnx")


@pytest.mark.parametrize("trusted,expected", [(None, [200, 200, 200, 429]), ("127.0.0.1", [200, 200, 200, 200])])
def test_spoofed_forwarded_for_does_not_skip_the_rate_limit_on_the_real_server(faq_service, store, trusted, expected):
    import threading
    import time

    import httpx
    import uvicorn

    from kyodo.faq_bot.api import server_config
    from kyodo.runner.webserver import free_port

    port = free_port()
    server = uvicorn.Server(server_config(create_app(faq_service, store, rate_per_minute=3, trusted_proxies=trusted), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        with httpx.Client(timeout=60) as c:
            codes = [c.post(f"http://127.0.0.1:{port}/api/352039/ask", json={"question": "保育園の見学"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
    finally:
        server.should_exit = True
        thread.join(10)
    assert codes == expected
