"""Benchmark: dispatch 1,741 municipalities x 5 scenarios (8,705 no-op runs) through Celery.

Starts its own redis-server on loopback and 2 worker processes, with a file SQLite run store.
Reports runs/second, the per-run overhead of going through Celery compared with calling the
engine directly for the same kind of run (measured in the same process run), and the time to
compute all next fire times for the 8,705 schedules. Targets: overhead < 20 ms per run,
next fire times < 1 s.

Run: .venv/bin/python bench/bench_dispatch.py [--runs 8705] [--direct 300]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

NOOP = """name: {name}
title: 何もしないシナリオ {i}
zone: lgwan
steps:
  - action: flow.log
    with: {{message: "${{municipality.code}}", count: 1}}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=8705)
    ap.add_argument("--direct", type=int, default=300)
    args = ap.parse_args()
    from bench_schedule import SCENARIOS, synthetic_registry

    tmp = Path(tempfile.mkdtemp(prefix="kyodo-bench-"))
    scen = tmp / "scenarios"
    scen.mkdir()
    for i, s in enumerate(SCENARIOS):
        (scen / f"{s}.yaml").write_text(NOOP.format(name=s, i=i), encoding="utf-8")
    reg = synthetic_registry()
    import yaml

    reg_file = tmp / "registry.yaml"
    reg_file.write_text(yaml.safe_dump(reg.model_dump(mode="json", exclude_none=True), allow_unicode=True), encoding="utf-8")
    from kyodo.runner.webserver import free_port

    port = free_port()
    env = {"KYODO_HOME": str(tmp / "var"), "KYODO_REGISTRY": str(reg_file), "KYODO_SCENARIOS": str(scen),
           "KYODO_BROKER_URL": f"redis://127.0.0.1:{port}/0", "KYODO_EXECUTOR": "celery"}
    os.environ.update(env)
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        time.sleep(0.5)
        from kyodo.core.settings import get_settings
        from kyodo.runner.engine import execute
        from kyodo.runner.plan import RunPlan
        from kyodo.runner.registry import load_registry
        from kyodo.runner.scenario.loader import load_scenario
        from kyodo.runner.scheduler.service import next_fire_times
        from kyodo.runner.store import open_store

        settings = get_settings()
        registry = load_registry(reg_file)
        t0 = time.perf_counter()
        rows, _ = next_fire_times(registry, datetime(2026, 11, 23, 12, 0).astimezone(), SCENARIOS)
        t_fire = time.perf_counter() - t0

        # direct: the same no-op runs through the engine in this process
        store = open_store()
        sc = load_scenario(SCENARIOS[0])
        munis = registry.all()
        t0 = time.perf_counter()
        for m in munis[: args.direct]:
            execute(RunPlan(scenario=sc.name, owner=m.code, municipalities=[m.code]), sc, registry, store, settings)
        t_direct = (time.perf_counter() - t0) / args.direct

        kyodo = str(Path(sys.executable).parent / "kyodo")
        for _ in range(2):
            workers.append(subprocess.Popen([kyodo, "worker", "--zone", "lgwan", "--pool", "solo"], env=dict(os.environ),
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(3)
        from kyodo.runner.executors.celery import CeleryExecutor

        plans = [RunPlan(scenario=s, owner=m.code, municipalities=[m.code], logical_date=date(2026, 11, 24), trigger="schedule")
                 for m in munis for s in SCENARIOS][: args.runs]
        ex = CeleryExecutor(registry, store, settings, check_workers=False)
        t0 = time.perf_counter()
        ex.submit(plans)
        t_submit = time.perf_counter() - t0
        from sqlalchemy import func, select

        from kyodo.runner.store.models import Run

        while True:
            with store.session() as s:
                done = s.scalar(select(func.count()).select_from(Run).where(Run.status == "succeeded", Run.trigger == "schedule"))
            if done >= len(plans) or time.perf_counter() - t0 > 3600:
                break
            time.sleep(1)
        wall = time.perf_counter() - t0
        per_run_worker_time = wall * len(workers) / len(plans)
        print(f"next fire times for {len(rows):,} schedules: {t_fire:.3f} s (target < 1 s: {'OK' if t_fire < 1 else 'MISSED'})")
        print(f"direct engine call: {t_direct * 1000:.1f} ms per no-op run ({args.direct} runs)")
        print(f"celery, 2 workers: {len(plans):,} runs in {wall:.1f} s = {len(plans) / wall:.0f} runs/s "
              f"(submit {t_submit:.1f} s = {t_submit / len(plans) * 1000:.1f} ms per run)")
        wall_per_run = wall / len(plans)
        overhead = wall_per_run - t_direct
        print(f"per-run overhead, end to end: {overhead * 1000:.1f} ms (wall {wall_per_run * 1000:.1f} ms per run through "
              f"Celery vs {t_direct * 1000:.1f} ms direct = {wall_per_run / t_direct:.2f}x; target < 20 ms: "
              f"{'OK' if overhead < 0.020 else 'MISSED'})")
        print(f"per-run overhead, per worker: {(per_run_worker_time - t_direct) * 1000:.1f} ms of worker time "
              f"({per_run_worker_time * 1000:.1f} ms per run per worker: with SQLite the two workers' writes are "
              f"serialised; use PostgreSQL for parallel writers)")
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
        redis.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
