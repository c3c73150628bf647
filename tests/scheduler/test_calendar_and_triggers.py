import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from kyodo.core.errors import BusinessError
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.loader import available_scenarios
from kyodo.runner.scheduler.calendar import is_business_day, last_business_day, next_business_day, nth_business_day
from kyodo.runner.scheduler.service import SchedulerLock, build_scheduler, next_fire_times, plan_jobs
from kyodo.runner.scheduler.triggers import TZ, parse_schedule


def jst(*a):
    return datetime(*a, tzinfo=TZ)


@pytest.mark.parametrize("d,open_", [
    (date(2026, 1, 12), False),   # 成人の日 (holiday Monday)
    (date(2026, 5, 6), False),    # 振替休日
    (date(2026, 9, 22), False),   # 国民の休日 (between 敬老の日 and 秋分の日)
    (date(2026, 12, 28), True),
    (date(2026, 12, 29), False),  # 年末年始
    (date(2027, 1, 3), False),
    (date(2027, 1, 4), True),
    (date(2026, 11, 23), False),  # 勤労感謝の日
    (date(2026, 11, 21), False),  # Saturday
])
def test_business_days(d, open_):
    assert is_business_day(d) is open_


def test_month_boundaries_and_closures():
    assert last_business_day(2026, 5) == date(2026, 5, 29)      # 31st is a Sunday
    assert nth_business_day(2027, 1, 1) == date(2027, 1, 4)     # after 年末年始
    assert nth_business_day(2026, 5, 3) == date(2026, 5, 8)     # 5/1, then Golden Week (4-6), 5/7, 5/8
    assert nth_business_day(2026, 12, 3, [date(2026, 12, 2)]) == date(2026, 12, 4)
    assert next_business_day(date(2026, 12, 29)) == date(2027, 1, 4)


def test_friendly_forms_fire_on_business_days():
    t = parse_schedule("毎営業日 9:00")
    assert t.get_next_fire_time(None, jst(2026, 12, 28, 10, 0)) == jst(2027, 1, 4, 9, 0)
    t = parse_schedule("月末営業日 17:00")
    assert t.get_next_fire_time(None, jst(2026, 5, 1, 0, 0)) == jst(2026, 5, 29, 17, 0)
    t = parse_schedule("毎月第３営業日　８：３０")  # full-width digits, colon and space
    assert t.get_next_fire_time(None, jst(2026, 5, 1, 0, 0)) == jst(2026, 5, 8, 8, 30)
    t = parse_schedule("毎週月曜 10:00")
    assert t.get_next_fire_time(None, jst(2026, 1, 10, 0, 0)) == jst(2026, 1, 13, 10, 0)  # 成人の日 → Tuesday
    t = parse_schedule("毎月1日 9:00")
    assert t.get_next_fire_time(None, jst(2026, 12, 15, 0, 0)) == jst(2027, 1, 4, 9, 0)  # 元日 → first business day
    t = parse_schedule("毎営業日 9:00", frozenset({date(2026, 12, 28)}))
    assert t.get_next_fire_time(None, jst(2026, 12, 25, 10, 0)) == jst(2027, 1, 4, 9, 0)
    prev = jst(2026, 11, 20, 9, 0)
    assert parse_schedule("毎営業日 9:00").get_next_fire_time(prev, prev) == jst(2026, 11, 24, 9, 0)


def test_cron_and_errors():
    t = parse_schedule("0 9 * * 1-5")
    assert t.get_next_fire_time(None, jst(2026, 11, 21, 12, 0)) == jst(2026, 11, 23, 9, 0)  # cron runs as written
    # standard cron counts weekdays from Sunday=0; APScheduler 3 from Monday=0: kyodo converts
    t = parse_schedule("30 8 * * 0,6")
    assert t.get_next_fire_time(None, jst(2026, 11, 23, 12, 0)) == jst(2026, 11, 28, 8, 30)  # Saturday
    t = parse_schedule("0 7 * * 7")
    assert t.get_next_fire_time(None, jst(2026, 11, 23, 12, 0)) == jst(2026, 11, 29, 7, 0)  # Sunday
    t = parse_schedule("0 7 * * */2")
    assert t.get_next_fire_time(None, jst(2026, 11, 23, 12, 0)) == jst(2026, 11, 24, 7, 0)  # Sun, Tue, Thu, Sat
    with pytest.raises(BusinessError, match="cron式"):
        parse_schedule("0 25 * * *", where="山口市")
    with pytest.raises(BusinessError, match="読み取れません"):
        parse_schedule("毎日いい感じに")
    with pytest.raises(BusinessError, match="時刻"):
        parse_schedule("毎営業日 25:00")


def test_bad_entries_are_skipped_and_the_rest_served():
    reg = load_registry(Path("config/municipalities.yaml"))
    reg.get("352039").schedules[0].when = "0 99 * * *"
    reg.get("352012").schedules[0].scenario = "no_such_scenario"
    known = set(available_scenarios())
    jobs, problems = plan_jobs(reg, known)
    assert len(problems) == 2 and any("no_such_scenario" in p.message for p in problems)
    assert any(j.code == "352039" and j.scenario == "tax_reconciliation" for j in jobs)
    assert len(jobs) == sum(len(m.schedules) for m in reg.all()) - 2
    rows, _ = next_fire_times(reg, jst(2026, 11, 20, 12, 0), known)
    assert rows[0].next_run >= jst(2026, 11, 20, 12, 0) and all(r.next_run for r in rows)


def test_a_real_scheduler_fires_the_submit_callable():
    from kyodo.runner.registry import ScheduleEntry

    reg = load_registry(Path("config/municipalities.yaml"))
    for m in reg.all():
        m.schedules = []
    reg.get("352039").schedules = [ScheduleEntry(scenario="e_application_aggregation", when="* * * * *", params={"procedure": "施設予約"})]
    fired = []
    done = threading.Event()

    def submit(scenario, code, params, trigger, logical):
        fired.append((scenario, code, params, trigger, logical.tzinfo))
        done.set()

    sched, problems = build_scheduler(reg, submit, {"e_application_aggregation"}, background=True)
    assert not problems
    [job] = sched.get_jobs()
    assert str(job.trigger.timezone) == "Asia/Tokyo"
    sched.start()
    try:
        sched.get_jobs()[0].modify(next_run_time=datetime.now(TZ))
        assert done.wait(10)
    finally:
        sched.shutdown(wait=False)
    assert fired[0][:4] == ("e_application_aggregation", "352039", {"procedure": "施設予約"}, "schedule")
    assert str(fired[0][4]) == "Asia/Tokyo", "the logical date handed to submit is Tokyo time"


def test_second_scheduler_process_is_refused(tmp_path):
    code = (f"import sys,time; sys.path.insert(0, {str(Path.cwd())!r}); from pathlib import Path; "
            "from kyodo.runner.scheduler.service import SchedulerLock\n"
            f"with SchedulerLock(Path({str(tmp_path)!r})):\n    print('locked', flush=True); time.sleep(30)")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "locked"
        with pytest.raises(BusinessError, match="既に別のプロセス"):
            with SchedulerLock(tmp_path):
                pass
    finally:
        p.kill()
        p.wait()
    with SchedulerLock(tmp_path):  # the dead process's lock is gone
        pass
