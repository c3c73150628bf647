import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KYODO = str(Path(sys.executable).parent / "kyodo")

SLOW = """
name: slow_job
title: 遅いテスト
zone: lgwan
timeout_minutes: 5
steps:
  - action: testing.slow_write
    with: {seconds: "${params.seconds}"}
params:
  seconds: {type: float, default: 6}
"""


class Redis:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir, self.proc = port, workdir, None

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        import redis

        while time.time() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture()
def celery_env(tmp_path, monkeypatch):
    """Real redis-server on loopback, a file SQLite store, scenarios and test actions for workers."""
    import shutil

    from kyodo.core.settings import reset_settings
    from kyodo.runner.webserver import free_port

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (make test installs it with apt)")
    port = free_port()
    redis = Redis(port, tmp_path)
    redis.start()
    scen = tmp_path / "scenarios"
    scen.mkdir()
    (scen / "slow_job.yaml").write_text(SLOW, encoding="utf-8")
    env = {
        "KYODO_HOME": str(tmp_path / "var"), "KYODO_REGISTRY": str(REPO / "config" / "municipalities.yaml"),
        "KYODO_BROKER_URL": f"redis://127.0.0.1:{port}/0", "KYODO_SCENARIOS": str(scen), "KYODO_EXECUTOR": "celery",
        "KYODO_PLUGINS": "tests.celery.slow_actions", "KYODO_TEST_MARKERS": str(tmp_path / "markers"),
        "KYODO_VISIBILITY_TIMEOUT": "4", "KYODO_RESTORE_INTERVAL": "1", "KYODO_RESTORE_THROTTLE": "1",
        "PYTHONPATH": str(REPO),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    reset_settings()
    from kyodo.runner.worker.app import celery_app

    celery_app.cache_clear()
    workers: list[subprocess.Popen] = []

    def start_worker(zone: str = "lgwan") -> subprocess.Popen:
        p = subprocess.Popen([KYODO, "worker", "--zone", zone, "--pool", "solo"], cwd=str(REPO), env=dict(os.environ),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers.append(p)
        return p

    yield {"redis": redis, "start_worker": start_worker, "markers": tmp_path / "markers", "home": tmp_path / "var"}
    for p in workers:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in workers:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    redis.stop()
    celery_app.cache_clear()
    reset_settings()


def wait_for(cond, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
