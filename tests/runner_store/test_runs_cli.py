"""``kyodo runs list/show``: filters by municipality, scenario, status and Japanese date; clear errors."""

from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from kyodo.runner.cli import app


@pytest.fixture()
def history(kyodo_home):
    from kyodo.runner.store import open_store

    store = open_store()

    def add(code, scenario, status, created, **extra):
        r = store.create_run(scenario=scenario, version="1.0", municipality=code, municipalities=[code], trigger="schedule",
                             params={}, artifact_dir="", logical_date=created.date())
        store.update_run(r.id, status=status, created_at=created, started_at=created, **extra)
        return r.id

    ids = {
        "ube_ok": add("352021", "e_application_aggregation", "succeeded", datetime(2026, 10, 1, 0, 5, tzinfo=UTC), items_ok=12),
        # 2026-10-02 08:00 JST is 2026-10-01 23:00 UTC: a 2 October run for staff
        "yama_fail": add("352039", "e_application_aggregation", "failed", datetime(2026, 10, 1, 23, 0, tzinfo=UTC),
                         error_class="business", error_message="ログインできませんでした（電話 083-922-1111 に確認）"),
        "yama_tax": add("352039", "tax_reconciliation", "partial", datetime(2026, 10, 3, 1, 0, tzinfo=UTC)),
    }
    sid = store.start_step(ids["yama_fail"], 1, "login", "browser.login", "山口市(352039)")
    store.finish_step(sid, "failed", "ログインできませんでした")
    return store, ids


def kyodo(*args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_list_filters(history):
    _, ids = history
    code, out = kyodo("runs", "list", "--municipality", "山口市")
    assert code == 0 and ids["yama_fail"] in out and ids["yama_tax"] in out and ids["ube_ok"] not in out
    _, out = kyodo("runs", "list", "--status", "失敗")
    assert ids["yama_fail"] in out and ids["yama_tax"] not in out
    _, out = kyodo("runs", "list", "--scenario", "tax_reconciliation")
    assert ids["yama_tax"] in out and ids["yama_fail"] not in out
    _, out = kyodo("runs", "list", "--date", "2026/10/02")  # the JST day, not the UTC one
    assert ids["yama_fail"] in out and ids["ube_ok"] not in out and ids["yama_tax"] not in out
    assert "2026-10-02 08:00" in out
    _, out = kyodo("runs", "list", "--since", "２０２６－１０－０２", "--until", "2026-10-03")
    assert ids["yama_fail"] in out and ids["yama_tax"] in out and ids["ube_ok"] not in out
    _, out = kyodo("runs", "list", "--municipality", "352021", "--status", "failed")
    assert "条件に合う実行はありません" in out


def test_show_masks_personal_data_and_offers_a_rerun(history):
    _, ids = history
    code, out = kyodo("runs", "show", ids["yama_fail"])
    assert code == 0 and "失敗" in out and "業務（データ）" in out and "ログインする" in out  # the step title, not its id
    assert "083-922-1111" not in out and "[電話番号]" in out
    assert f"kyodo runs rerun {ids['yama_fail']}" in out


@pytest.mark.parametrize("args, message", [
    (("runs", "list", "--since", "10月1日"), "--since の日付「10月1日」を読めません"),
    (("runs", "list", "--status", "broken"), "状態「broken」はありません"),
    (("runs", "show", "20990101T000000-deadbeef"), "実行ID「20990101T000000-deadbeef」はありません"),
    (("runs", "rerun", "20990101T000000-deadbeef"), "kyodo runs list で実行IDを確認してください"),
])
def test_mistakes_are_japanese_messages_not_tracebacks(history, args, message):
    code, out = kyodo(*args)
    assert code == 2 and message in out and "Traceback" not in out


def test_rerun_refuses_a_run_that_is_still_going(history):
    store, _ = history
    live = store.create_run(scenario="e_application_aggregation", version="1.0", municipality="352039",
                            municipalities=["352039"], trigger="manual", params={}, artifact_dir="",
                            logical_date=date(2026, 10, 5))
    code, out = kyodo("runs", "rerun", live.id)  # this very process runs it: alive, not a crash
    assert code == 2 and "まだ実行中です" in out
    assert store.get_run(live.id).status == "running"
