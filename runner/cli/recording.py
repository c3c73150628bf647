"""The recording workflow behind ``kyodo record``: record in Chromium, write the YAML, dry-run, replay."""

from __future__ import annotations

import re
import shutil
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from kyodo.core.errors import BusinessError
from kyodo.runner.cli._common import console, friendly_errors, is_tty, load_context, municipality_code
from kyodo.runner.plan import plan_runs
from kyodo.runner.profiles import profile_dir
from kyodo.runner.recorder import Composed, Options, compose, recording_browser, write_scenario
from kyodo.runner.recorder.compose import template_url, today_name
from kyodo.runner.recorder.profile import ProfileDraft, draft_profile, write_profile
from kyodo.runner.recorder.verify import recorded_files, replay
from kyodo.runner.registry import Municipality
from kyodo.runner.scenario.dryrun import describe
from kyodo.runner.scenario.loader import load_scenario
from kyodo.runner.scenario.model import Scenario

Act = Callable[[Any, Any], None]  # (recorder, page) -> None: the person (or a test's script) working

INSTRUCTIONS = """[bold]記録中です。[/bold] 開いたブラウザで、いつもどおり作業してください。
  ・入力・選択・クリック・ダウンロード・ファイル添付を記録します（パスワードは記録しません）。
  ・画面の表を読み取るステップは、表を [bold]Alt キーを押しながらクリック[/bold] すると記録されます。
終わったら、この画面で [bold]Enter[/bold] を押すか、ブラウザを閉じてください。"""


@friendly_errors
def record_scenario(url: str, output: Path | None, municipality: str | None, title: str | None,
            headless: bool | None, verify: bool | None, profile: str | None) -> int:
    settings, registry, _store = load_context()
    m = registry.get(municipality_code(registry, municipality)) if municipality else None
    if profile is not None:
        return _record_profile(url, profile, output, m, title or "", headless, settings)
    output = output or Path(f"{today_name()}.yaml")
    composed, events = record_to_file(url, output, m, title=title or "", headless=headless, act=_wait_for_person,
                                      work_dir=settings.home / "recordings")
    return after_recording(output, composed, events, m, verify)


def record_events(url: str, *, headless: bool | None, act: Act, work_dir: Path) -> tuple[list[Any], float]:
    """Open Chromium at ``url`` and let ``act`` work; the events and the minutes it took."""
    download_dir = work_dir / datetime.now().strftime("%Y%m%d%H%M%S%f")
    with recording_browser(url, download_dir, headless=headless) as (recorder, page):
        act(recorder, page)
        recorder.pump(page)
        return list(recorder.events), recorder.minutes()


def record_to_file(url: str, output: Path, m: Municipality | None, *, title: str, headless: bool | None,
                   act: Act, work_dir: Path) -> tuple[Composed, list[Any]]:
    """Record, then write the scenario to ``output``; the events are returned too."""
    if output.suffix not in (".yaml", ".yml"):
        raise BusinessError(f"出力ファイル名「{output}」は .yaml で終わる名前にしてください。")
    events, minutes = record_events(url, headless=headless, act=act, work_dir=work_dir)
    options = Options(name=_scenario_name(output), title=title, minutes=minutes)
    if m is not None:
        creds = m.credentials
        options.portal_url = (m.portal_url or "").rstrip("/")
        options.code = m.code
        options.login_user = creds.user if creds else ""
        options.password_secret = creds.password_secret if creds else ""
    composed = compose(events, options)
    write_scenario(composed, template_url(options, url), output)
    return composed, events


def record_profile(url: str, output: Path, m: Municipality, *, title: str, headless: bool | None, act: Act,
                   work_dir: Path) -> ProfileDraft:
    """Record, then write a portal profile for the standard aggregation scenario to ``output``."""
    events, _minutes = record_events(url, headless=headless, act=act, work_dir=work_dir)
    try:
        draft = draft_profile(events, m.portal_url or "", title)
        write_profile(draft, output, template_url(Options(name="x", portal_url=m.portal_url or ""), url))
    finally:
        _forget_downloads(events)
    return draft


def _record_profile(url: str, name: str, output: Path | None, m: Municipality | None, title: str,
                    headless: bool | None, settings: Any) -> int:
    if m is None:
        raise BusinessError("プロファイルとして記録するには -m で自治体を指定してください（ポータルURLを自治体設定から取ります）。")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise BusinessError(f"プロファイル名「{name}」には半角英小文字・数字・_ を使ってください（例: denshi_c）。")
    output = output or profile_dir(settings.registry_path) / f"{name}.yaml"
    draft = record_profile(url, output, m, title=title, headless=headless, act=_wait_for_person,
                           work_dir=settings.home / "recordings")
    console.print(f"プロファイルを書き出しました: [bold]{output}[/bold]")
    for note in draft.notes:
        console.print(f"[yellow]確認してください:[/yellow] {note}")
    console.print(f"台帳の自治体に [bold]profile: {name}[/bold] と書くと、標準シナリオ「電子申請データ取りまとめ」がこのシステムに使えます。"
                  " 確認: kyodo registry validate")
    return 0


def after_recording(output: Path, composed: Composed, events: list[Any], m: Municipality | None, verify: bool | None) -> int:
    """Tell the DX leader what was written and what to do next; validate, dry-run and replay on request."""
    console.print(f"シナリオを書き出しました: [bold]{output}[/bold]（{len(composed.scenario['steps'])} ステップ）")
    for name in composed.secrets:
        console.print(f"パスワードは記録していません。保存してください: [bold]kyodo secret set {name}[/bold]")
    for warning in composed.warnings:
        console.print(f"[yellow]注意:[/yellow] {warning}")
    scenario = load_scenario(output)  # raises a located Japanese error if the recording produced something invalid
    console.print("シナリオの検査: 問題ありません。")
    code = 0
    if m is not None:
        _dry_run(scenario, m)
    if m is not None and _want_replay(verify):
        report = replay(output, m.code, recorded_files(composed, events))
        for line in report.lines():
            console.print(line)
        code = 0 if report.ok else 1
    elif m is None:
        console.print("試しに実行するには: kyodo run " + f"{output} -m 自治体コード --dry-run")
    _forget_downloads(events)
    return code


def _dry_run(scenario: Scenario, m: Municipality) -> None:
    """What each step would do for ``m`` (nothing is touched: no browser, no secrets)."""
    settings, registry, _store = load_context()
    console.print(f"試しの確認（--dry-run、{m.name}）:")
    for plan in plan_runs(scenario, registry, [m.code], {}, dry_run=True):
        for line in describe(plan, scenario, registry, settings):
            console.print("  " + escape(line), highlight=False)


def _wait_for_person(recorder: Any, page: Any) -> None:
    """Wait until the person presses Enter here or closes the browser, keeping events flowing."""
    console.print(INSTRUCTIONS)
    done = threading.Event()

    def read_line() -> None:
        sys.stdin.readline()
        done.set()

    if sys.stdin is not None:  # a line (or the end of a piped input) ends the recording
        threading.Thread(target=read_line, daemon=True).start()
    while not done.is_set() and not page.is_closed():
        try:
            recorder.pump(page, 0.25)
        except Exception:  # the person closed the browser window
            break


def _want_replay(verify: bool | None) -> bool:
    if verify is not None:
        return verify
    return is_tty() and typer.confirm("今すぐ試しに実行して、ダウンロードしたファイルが記録時と同じか確かめますか？", default=True)


def _forget_downloads(events: list[Any]) -> None:
    """The recording's own downloads may hold personal data: they are deleted once compared."""
    folders = {Path(e.saved_to).parent for e in events if getattr(e, "saved_to", "")}
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _scenario_name(output: Path) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", output.stem.lower()).strip("_")
    return name if name and name[0].isalpha() else f"recorded_{name}".rstrip("_")
