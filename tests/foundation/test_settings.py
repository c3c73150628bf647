"""One settings model for every ``KYODO_*`` variable, one table documenting them, kept in step.

A variable read somewhere in the code but missing from the model or from docs/configuration.md
fails here, so a new one cannot be added silently; the parsing rules the old ``os.environ`` readers
had (only ``1`` turns a flag on, comma lists, defaults that follow ``KYODO_HOME``) are pinned too.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from pydantic_core import PydanticUndefined

from kyodo.core.errors import BusinessError
from kyodo.core.settings import (
    SECRET_PREFIX,
    Settings,
    env_name,
    get_settings,
    load_settings,
    reset_settings,
    variable_names,
)

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "configuration.md"
CODE_DIRS = ("core", "robots", "runner", "faq_bot", "scenarios", "bench")
YAML_DIRS = ("config", "scenarios")
NAME = re.compile(r"KYODO_[A-Z0-9_]*[A-Z0-9]")
SECRET_ROW = "KYODO_SECRET_<NAME>"


def _python_files(dirs: tuple[str, ...] = CODE_DIRS) -> list[Path]:
    return [p for d in dirs for p in sorted((REPO / d).rglob("*.py")) if "alembic" not in p.parts]


def _names_in_strings(path: Path) -> set[str]:
    """``KYODO_`` names inside string literals (identifiers such as ``KYODO_MARKS`` are constants, not variables)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return {n for t in tokens if t.type == tokenize.STRING for n in NAME.findall(t.string)}


def used_names() -> dict[str, str]:
    """Every ``KYODO_`` variable name the shipped code and configuration mention -> one file that does."""
    found: dict[str, str] = {}
    for path in _python_files():
        for n in _names_in_strings(path):
            found.setdefault(n, str(path.relative_to(REPO)))
    for d in YAML_DIRS:
        for path in sorted((REPO / d).rglob("*.y*ml")):
            for n in re.findall(r"\$\{env:(KYODO_[A-Z0-9_]+)", path.read_text(encoding="utf-8")):
                found.setdefault(n, str(path.relative_to(REPO)))
    return {n: where for n, where in found.items() if not (n + "_").startswith(SECRET_PREFIX)}


def doc_rows() -> dict[str, list[str]]:
    """Variable -> the cells of its row in the one table of docs/configuration.md."""
    rows: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(KYODO_[^`]+)` \|", line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} is listed twice in {DOC.name}"
            rows[m.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")]
    return rows


def _shown(value: object) -> str:
    """A default as the table writes it: flags as 0/1, whole floats without ``.0``."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ``KYODO_*`` variable from the outer environment leaks into a parsing test."""
    for k in list(os.environ):
        if k.upper().startswith("KYODO_"):
            monkeypatch.delenv(k)
    return monkeypatch


def test_every_kyodo_name_in_the_code_is_declared_and_documented():
    used = used_names()
    # the scan itself works: names in messages, docstrings, the demo and the sample registry are seen
    assert {"KYODO_SMTP_URL", "KYODO_VISIBILITY_TIMEOUT", "KYODO_FAQ_DIR", "KYODO_PORTAL_URL", "KYODO_INTAKE_URL"} <= set(used)
    declared, documented = set(variable_names()), set(doc_rows())
    undeclared = {n: w for n, w in used.items() if n not in declared}
    undocumented = {n: w for n, w in used.items() if n not in documented}
    assert not undeclared, f"add these to Settings in core/settings.py: {undeclared}"
    assert not undocumented, f"add these to the table in docs/configuration.md: {undocumented}"


def test_the_table_lists_exactly_the_model_with_the_models_defaults():
    rows = doc_rows()
    assert set(rows) == {*variable_names(), SECRET_ROW}
    assert all(len(cells) == 6 for cells in rows.values())  # variable, area, meaning, 意味, default, example
    for field, info in Settings.model_fields.items():
        cell = rows[env_name(field)][4]
        if info.default_factory is not None:
            continue  # derived from the working folder or KYODO_HOME: described in words
        assert info.default is not PydanticUndefined, f"{field} has no default: kyodo must start with nothing set"
        if info.default in (None, ""):
            assert cell.startswith("—"), f"{env_name(field)}: the model has no default, the table says {cell!r}"
        else:
            assert f"`{_shown(info.default)}`" in cell, f"{env_name(field)}: model default {info.default!r}, table {cell!r}"


def test_defaults_with_nothing_set(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    s = load_settings()
    assert s.home == (tmp_path / "var").resolve()
    assert s.db_url == f"sqlite:///{tmp_path.resolve() / 'var' / 'kyodo.db'}"
    assert s.faq_db_url == f"sqlite:///{tmp_path.resolve() / 'var' / 'faq' / 'faq.db'}"
    assert s.registry_path.name == "municipalities.yaml" and s.registry_path.is_file()  # the package's copy
    assert s.scenario_dirs[0] == tmp_path / "scenarios_local" and s.scenario_dirs[-1].name == "scenarios"
    assert (s.executor, s.browser_timeout, s.headful, s.dashboard_url) == ("local", 15, False, "http://127.0.0.1:8600")
    assert (s.broker_url, s.visibility_timeout, s.restore_interval, s.restore_throttle, s.broker_retries) == (
        "redis://127.0.0.1:6379/0", 4 * 3600, 10, 10, 100)
    assert s.smtp_url is None and s.notify_emails == () and s.plugin_modules == [] and s.faq_dir is None


def test_parsing_is_what_the_old_readers_did(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    clean_env.setenv("KYODO_HOME", "home2")  # relative: resolved against the working folder
    clean_env.setenv("KYODO_SCENARIOS", os.pathsep.join(["/a", "", "/b"]))
    clean_env.setenv("KYODO_NOTIFY_EMAIL", " ops@x.lg.jp, ,dx@x.lg.jp ")
    clean_env.setenv("KYODO_PLUGINS", "tests.celery.slow_actions, ,other.mod")
    clean_env.setenv("KYODO_HEADFUL", "true")  # only exactly 1 turns a flag on
    clean_env.setenv("KYODO_QUEUE_PER_MUNICIPALITY", "1")
    clean_env.setenv("KYODO_BROWSER_TIMEOUT", "")  # empty counts as unset
    clean_env.setenv("KYODO_VISIBILITY_TIMEOUT", "4")
    s = load_settings()
    assert s.home == tmp_path.resolve() / "home2" and s.db_url == f"sqlite:///{tmp_path.resolve() / 'home2' / 'kyodo.db'}"
    assert s.scenario_dirs[:2] == (Path("/a"), Path("/b"))
    assert s.notify_emails == ("ops@x.lg.jp", "dx@x.lg.jp")
    assert s.plugin_modules == ["tests.celery.slow_actions", "other.mod"]
    assert (s.headful, s.queue_per_municipality, s.browser_timeout, s.visibility_timeout) == (False, True, 15, 4)
    clean_env.setenv("KYODO_HEADFUL", "1")
    assert load_settings().headful is True


def test_a_bad_value_stops_with_a_japanese_message_naming_the_variable(clean_env):
    clean_env.setenv("KYODO_VISIBILITY_TIMEOUT", "4h")
    with pytest.raises(BusinessError) as err:
        load_settings()
    assert err.value.where == "KYODO_VISIBILITY_TIMEOUT" and "「4h」" in err.value.message and "整数" in err.value.hint
    clean_env.setenv("KYODO_VISIBILITY_TIMEOUT", "60")
    clean_env.setenv("KYODO_BROWSER_TIMEOUT", "十五")
    with pytest.raises(BusinessError, match="KYODO_BROWSER_TIMEOUT"):
        load_settings()


def test_get_settings_is_fixed_until_reset_load_settings_follows_the_environment(clean_env, tmp_path):
    clean_env.setenv("KYODO_HOME", str(tmp_path / "one"))
    clean_env.setenv("KYODO_SMTP_URL", "smtp://one.example.lg.jp")
    reset_settings()
    try:
        first = get_settings()
        clean_env.setenv("KYODO_HOME", str(tmp_path / "two"))
        clean_env.setenv("KYODO_SMTP_URL", "smtp://two.example.lg.jp")
        assert get_settings() is first and first.home == tmp_path / "one"
        assert load_settings().smtp_url == "smtp://two.example.lg.jp"  # read at the moment of use
        reset_settings()
        assert get_settings().home == tmp_path / "two"
    finally:
        reset_settings()


def test_secrets_stay_out_of_the_model_and_out_of_sight(clean_env):
    from kyodo.core.settings import _snapshot

    clean_env.setenv("KYODO_SECRET_PORTAL_TEST", "pw-never-cached")
    clean_env.setenv("KYODO_SESSION_SECRET", "session-key-value")
    s = load_settings()
    assert not any(k.startswith(SECRET_PREFIX) for k, _ in _snapshot())
    assert "pw-never-cached" not in repr(s) and "session-key-value" not in repr(s) and "session-key-value" not in str(s.model_dump())
    assert s.session_secret is not None and s.session_secret.get_secret_value() == "session-key-value"


def test_no_module_reads_a_kyodo_variable_behind_the_models_back():
    """``os.environ`` / ``os.getenv`` reads of a ``KYODO_`` name belong in core/settings.py (secrets aside).

    bench/ is left out: benchmarks prepare the environment of the kyodo processes they measure.
    """
    offenders = []
    for path in _python_files(("core", "robots", "runner", "faq_bot", "scenarios")):
        if path == REPO / "core" / "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            arg = None
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv", "environ.get") and node.args:
                arg = node.args[0]
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and ast.unparse(node.value) in ("os.environ", "environ"):
                arg = node.slice
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("KYODO_") \
                    and not arg.value.startswith(SECRET_PREFIX):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {arg.value}")
    assert not offenders, "read these through kyodo.core.settings: " + ", ".join(offenders)


def test_the_settings_model_sits_below_the_runner():
    """robots and faq_bot read settings from the core, which loads nothing above it."""
    code = ("import sys, kyodo.core.settings; "
            "print(sorted(m for m in sys.modules if m.startswith(('kyodo.robots', 'kyodo.runner', 'kyodo.faq_bot'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
