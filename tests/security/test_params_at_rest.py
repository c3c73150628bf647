"""Run parameters given with --param are masked in the run store; a masked run is not re-run with ＊＊＊."""

import json
import sqlite3

import pytest

from kyodo.core.errors import BusinessError
from kyodo.runner.plan import rerun_plan
from kyodo.runner.submit import run_scenario

MY_NUMBER = "123456789018"  # valid check digit
PHONE = "090-1234-5678"

SCENARIO = """name: echo_params
title: パラメータ確認
zone: lgwan
params:
  my_number: {type: str, default: ""}
  phone: {type: str, default: ""}
  office: {type: str, default: ""}
steps:
  - action: flow.log
    with: {message: "受付 ${params.office}"}
"""


def test_params_are_masked_in_the_database_and_refused_for_rerun(user_scenarios, kyodo_home):
    user_scenarios("echo_params", SCENARIO)
    [r] = run_scenario("echo_params", ["352021"], {"my_number": MY_NUMBER, "phone": PHONE, "office": "市民課"})
    assert r.status == "succeeded", r.error
    con = sqlite3.connect(kyodo_home / "kyodo.db")
    dump = "\n".join(str(row) for row in con.execute("select * from runs"))
    dump += "\n".join(json.dumps(json.loads(p), ensure_ascii=False) for (p,) in con.execute("select params from runs"))
    con.close()
    assert MY_NUMBER not in dump and "1234-5678" not in dump and "市民課" in dump, dump
    from kyodo.runner.store import open_store

    run = open_store().get_run(r.run_id)
    assert run.params["office"] == "市民課" and run.params["my_number"] != MY_NUMBER
    with pytest.raises(BusinessError, match="my_number、phone") as err:
        rerun_plan(run)
    assert "--param" in (err.value.hint or "")


def test_plain_params_still_rerun(user_scenarios, kyodo_home):
    user_scenarios("echo_params", SCENARIO)
    [r] = run_scenario("echo_params", ["352021"], {"office": "市民課"})
    from kyodo.runner.store import open_store

    plan = rerun_plan(open_store().get_run(r.run_id))
    assert plan.params["office"] == "市民課" and plan.rerun_of == r.run_id
