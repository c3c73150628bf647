"""Demo inputs and runs for the catalogue scenarios (転記, 時間外, ふるさと納税, 施設予約, 住民異動).

Which municipality gets which input variant is fixed here and mirrors what its own file
(``config/municipalities/<code>.yaml``) configures: the demo shows one standard scenario serving
differing inputs by configuration alone. The third variant of each input is held out of the
demo and used only by ``tests/catalogue`` (configured there, never tuned on).
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kyodo.core.settings import Settings
from kyodo.runner.demo.catalogue.facility import write_facility
from kyodo.runner.demo.catalogue.furusato import write_furusato
from kyodo.runner.demo.catalogue.overtime import write_overtime
from kyodo.runner.demo.catalogue.residents import write_residents
from kyodo.runner.demo.intake.app import IntakeOptions
from kyodo.runner.demo.intake.data import write_workbook
from kyodo.runner.demo.intake.serve import start_intake
from kyodo.runner.registry import Registry
from kyodo.runner.submit import run_scenario

ENTRY = "child_allowance_entry"
FILE_SCENARIOS = ("overtime_aggregation", "furusato_donations", "facility_usage", "resident_change_notice")
CATALOGUE = (ENTRY, *FILE_SCENARIOS)
TOWN_ENTRY = frozenset({"352012", "353418"})      # own 受付一覧 layout (column_map in their files)
TOWN_OVERTIME = frozenset({"352012", "353418"})   # own 時間外勤務簿 column names
FACILITY_V2 = frozenset({"352012", "352063", "353418"})
RESIDENTS_B = frozenset({"352063", "353418"})
# 転記 drives a browser through three pages per item: the demo samples these municipalities
# (both workbook layouts); every municipality can run it by configuration.
ENTRY_SAMPLE = ("352012", "352039", "352063", "353418", "355020")
ENTRY_ITEMS = 4


def entry_workbook(code: str) -> str:
    return "転記/児童手当_請求一覧.xlsx" if code in TOWN_ENTRY else "転記/児童手当_受付一覧.xlsx"


def write_inputs(base: Path, code: str, name: str) -> None:
    """All catalogue inputs of one municipality under its input folder (the 転記 ones fresh every time)."""
    entry = base / "転記"
    shutil.rmtree(entry, ignore_errors=True)  # the demo system starts empty: so must the journal
    write_workbook(base / entry_workbook(code), code, name, n=ENTRY_ITEMS,
                   layout="town" if code in TOWN_ENTRY else "standard", problems=False)
    if not (base / "時間外").exists():
        write_overtime(base / "時間外" / "令和7年度", code, long_layout="town" if code in TOWN_OVERTIME else "long")
    if not (base / "ふるさと納税").exists():
        write_furusato(base / "ふるさと納税", code)
    if not (base / "施設予約").exists():
        write_facility(base / "施設予約", code, version="v2" if code in FACILITY_V2 else "v3")
    if not (base / "住民異動").exists():
        write_residents(base / "住民異動", code, vendor="B" if code in RESIDENTS_B else "A")


@dataclass
class CatalogueRuns:
    results: dict[str, list[Any]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _run_file_scenarios(names: list[str]) -> list[tuple[str, Any, float]]:
    """Worker process: run ``names`` for every municipality (settings and secrets come from the environment)."""
    out = []
    for name in names:
        started = time.monotonic()
        results = [replace(r, outputs={}) for r in run_scenario(name, None, executor="local")]
        out.append((name, results, time.monotonic() - started))
    return out


def run_catalogue(registry: Registry, settings: Settings, store: Any, progress: Any = None) -> CatalogueRuns:
    """Write the inputs, then run the five scenarios: the four file scenarios in two worker processes
    while this process drives the browser through the 転記 sample against the demo 基幹 system."""
    for m in registry.all():
        write_inputs(settings.data_dir / m.code, m.code, m.name)
    out = CatalogueRuns()
    halves = [list(FILE_SCENARIOS[0::2]), list(FILE_SCENARIOS[1::2])]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_run_file_scenarios, h) for h in halves]
        server = start_intake(registry, IntakeOptions(session_seconds=300, slow_every=20, slow_seconds=0.5))  # slow now and then
        try:
            started = time.monotonic()
            sample = [c for c in ENTRY_SAMPLE if c in {m.code for m in registry.all()}]
            out.results[ENTRY] = [r for code in sample for r in run_scenario(
                ENTRY, [code], {"system_url": f"{server.url}/{code}/kikan"}, registry=registry, store=store,
                settings=settings, progress=progress, executor="local")]
            out.seconds[ENTRY] = time.monotonic() - started
        finally:
            server.stop()
        for fut in futures:
            for name, results, seconds in fut.result():
                out.results[name], out.seconds[name] = results, seconds
    return out
