"""A clerk's day without the browser: history paging, filters and exports, schedule control and calendar,
one municipality's part of a multi-municipality run. Isolated store and registry copy per test."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.dashboard.conftest import csrf_of
from tests.dashboard.conftest import make_run as _run


def test_history_pages_filters_and_exports_only_ones_own_runs(office):
    client, store, _, _ = office
    for i in range(60):
        _run(store, "352021", "failed" if i % 10 == 0 else "succeeded", "=HYPERLINK(\"http://x\") ログインできません" if i == 0 else None, minutes=i)
    _run(store, "352039", minutes=100)
    c = client("ube")
    first = c.get("/").text
    assert first.count('data-label="開始"') == 50 and "1 / 2 ページ" in first and 'id="next-page"' in first
    assert "電子申請データ取りまとめ" in first and ">e_application_aggregation<" not in first
    second = c.get("/?page=2").text
    assert second.count('data-label="開始"') == 10 and "2 / 2 ページ" in second and 'rel="prev"' in second
    failed = c.get("/?status=failed").text
    assert failed.count('data-label="開始"') == 6 and "（6 件）" in failed.replace("実行の一覧（新しい順、", "（")
    assert c.get("/?since=2026-11-03").text.count('data-label="開始"') == 0
    r = c.get("/runs.csv?status=failed")
    assert r.status_code == 200 and r.content[:3] == b"\xef\xbb\xbf" and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 6 and {x["自治体"] for x in rows} == {"宇部市"} and rows[0]["シナリオ"] == "電子申請データ取りまとめ"
    assert rows[-1]["内容"].startswith("'=HYPERLINK")  # a spreadsheet shows it as text, never runs it
    x = c.get("/runs.xlsx")
    ws = load_workbook(io.BytesIO(x.content))["実行履歴"]
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    body = [v for v in values if v and v[-1] and str(v[-1])[:4] == "2026"]
    assert len(body) == 60 and not any("山口市" in str(v) for v in values)
    cell = next(cell for row in ws.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # stored as text, not as a formula
    assert c.get("/?municipality=352039").text.count('data-label="開始"') == 0  # another town: nothing


def test_pause_resume_and_run_now_write_the_municipality_file_atomically_and_are_audited(office):
    from kyodo.runner.audit import entries
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scheduler.service import next_fire_times

    client, _, registry_path, submitted = office
    own = registry_path.parent / "municipalities" / "352021.yaml"
    own.parent.mkdir(exist_ok=True)
    own.write_text("# 宇部市のDXリーダーが管理\ne_application_aggregation:\n  params: {procedure: 児童手当 現況届}\n", encoding="utf-8")
    c = client("ube")
    page = c.get("/schedule").text
    token = csrf_of(page)
    assert "宇部市" in page and "山口市" not in page.split('id="schedule"')[1].split("</table>")[0]
    r = c.post("/schedule/pause", data={"csrf": token, "code": "352021", "scenario": "e_application_aggregation"},
               follow_redirects=True)
    assert r.status_code == 200 and "一時停止しました" in r.text and "一時停止中" in r.text
    text = own.read_text(encoding="utf-8")
    assert text.startswith("# 宇部市のDXリーダーが管理\ne_application_aggregation:\n  params: {procedure: 児童手当 現況届}\n")
    assert "schedule:" in text and "dashboard:ube" in text
    registry = load_registry(registry_path)  # the file still loads, its params still apply
    assert registry.get("352021").overrides["e_application_aggregation"]["params"]["procedure"] == "児童手当 現況届"
    [row] = [x for x in next_fire_times(registry)[0] if x.code == "352021"]
    assert row.paused and row.paused["by"] == "dashboard:ube"
    assert c.post("/schedule/pause", data={"csrf": token, "code": "352039", "scenario": "e_application_aggregation"}).status_code == 404
    assert c.post("/schedule/pause", data={"code": "352021", "scenario": "e_application_aggregation"}).status_code == 403
    r = c.post("/schedule/resume", data={"csrf": token, "code": "352021", "scenario": "e_application_aggregation"},
               follow_redirects=True)
    assert "再開しました" in r.text and "schedule:" not in own.read_text(encoding="utf-8")
    assert not [x for x in next_fire_times(load_registry(registry_path))[0] if x.code == "352021"][0].paused
    r = c.post("/schedule/run", data={"csrf": token, "code": "352021", "scenario": "e_application_aggregation"},
               follow_redirects=True)
    assert "開始しました" in r.text
    [plan] = submitted
    assert (plan.owner, plan.municipalities, plan.trigger, plan.requested_by) == ("352021", ["352021"], "manual", "dashboard:ube")
    actions = [(e.action, e.target) for e in entries() if e.action.startswith("schedule.")]
    assert ("schedule.pause", "e_application_aggregation/352021") in actions
    assert ("schedule.resume", "e_application_aggregation/352021") in actions and ("schedule.run_now", "e_application_aggregation/352021") in actions


def test_month_calendar_marks_holidays_year_end_and_closures(office):
    client, *_ = office
    c = client("yamaguchi")
    dec = c.get("/schedule?month=2026-12").text
    cal = dec.split('id="calendar"')[1]
    assert "2026年12月のカレンダー（山口市）" in dec
    assert 'class="k-closure" data-date="2026-12-28"' in cal  # 山口市's own closure day
    assert 'class="k-year_end" data-date="2026-12-29"' in cal and 'class="k-weekend" data-date="2026-12-05"' in cal
    day = cal.split('data-date="2026-12-01"')[1].split("</td>")[0]
    assert 'title="山口市 電子申請データ取りまとめ">09:00' in day and "3 件" in day
    assert "09:00" not in cal.split('data-date="2026-12-28"')[1].split("</td>")[0]  # no run on the closure day
    jan = c.get("/schedule?month=２０２７/０１").text.split('id="calendar"')[1]
    assert "成人の日" in jan.split('data-date="2027-01-11"')[1].split("</td>")[0]


def test_each_municipality_sees_and_reruns_its_own_part_of_a_prefecture_run(office, kyodo_home):
    client, store, _, submitted = office
    run_id = _run(store, "350001", "partial", "1 件の項目でエラーがありました", towns=["352021", "352039"])
    folder = kyodo_home / "runs" / "350001" / run_id
    folder.mkdir(parents=True)
    for name in ("failure-01-352021-login.png", "failure-02-352039-open.png", "電子申請取りまとめ.xlsx"):
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"PK")
    store.update_run(run_id, artifact_dir=str(folder))
    store.record_artifacts(run_id, folder)
    for seq, (item, status, msg) in enumerate([("宇部市(352021)", "failed", "ログインできませんでした（宇部市）\n  → 対処: パスワードを確認してください。"),
                                               ("山口市(352039)", "succeeded", "True")], 1):
        sid = store.start_step(run_id, seq, "login", "browser.login", item)
        store.finish_step(sid, status, msg)
    ube = client("ube")
    assert f"/runs/{run_id}" in ube.get("/").text  # listed for 宇部市, although the prefecture owns it
    page = ube.get(f"/runs/{run_id}").text
    assert "宇部市の分を表示しています" in page and "ログインできませんでした（宇部市）" in page and "対処: パスワードを確認" in page
    assert "failure-01-352021-login.png" in page and "352039" not in page.split('id="main"')[1].split("再実行元")[0]
    assert "ログインする" in page and "browser.login" not in page  # the action's Japanese title
    assert ube.get(f"/runs/{run_id}/files/failure-02-352039-open.png").status_code == 404
    assert ube.get(f"/runs/{run_id}/files/電子申請取りまとめ.xlsx").status_code == 404
    assert ube.get(f"/runs/{run_id}/files/failure-01-352021-login.png").status_code == 200
    r = ube.post(f"/runs/{run_id}/rerun", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    [plan] = submitted
    assert (plan.owner, plan.municipalities, plan.rerun_of) == ("352021", ["352021"], run_id)
    assert store.get_run(plan.run_id).status == "queued"  # recorded before it starts: a second click is refused
    store.update_run(plan.run_id, status="failed")  # that re-run failed again: 宇部市's part may be re-run once more
    yam = client("yamaguchi").get(f"/runs/{run_id}").text
    assert 'id="status">成功' in yam and 'id="rerun"' not in yam and ">完了<" in yam and ">True<" not in yam
    pref = client("pref").get(f"/runs/{run_id}").text
    parts = pref.split('id="parts"')[1].split("</table>")[0]
    assert parts.index("宇部市") < parts.index("山口市") and "宇部市だけ再実行" in parts


def test_a_running_run_shows_how_far_it_got(office):
    client, store, _, _ = office
    run_id = _run(store, "352021", "running")
    store.update_run(run_id, progress={"done": 7, "total": 19, "failed": 1, "item": "萩市(352047)"}, finished_at=None)
    c = client("ube")
    page = c.get(f"/runs/{run_id}").text
    assert 'id="bar" max="19" value="7"' in page and "進み具合: 7 / 19 件" in page and "処理中: 萩市(352047)" in page
    assert "実行中（7/19）" in c.get("/").text
