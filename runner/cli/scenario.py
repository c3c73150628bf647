"""``kyodo scenario``: validate, show, scaffold and document scenarios; write the JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from kyodo.runner.cli._common import console, err_console, friendly_errors

app = typer.Typer(help="シナリオの確認・作成・説明。", no_args_is_help=True)


@app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="シナリオファイル・フォルダ（複数可）またはシナリオ名")) -> None:
    """シナリオの誤りを、行・列と直し方つきで全部表示します。"""
    files = [g for f in files for g in (sorted(f.glob("*.yaml")) if f.is_dir() else [f])]
    from kyodo.core.errors import KyodoError
    from kyodo.core.yamlfile import Problem
    from kyodo.runner.scenario.loader import scenario_path
    from kyodo.runner.scenario.overlay import check_overlay
    from kyodo.runner.scenario.validate import validate_file

    bad = 0
    scenarios: dict | None = None  # loaded once, for every municipality file given
    for f in files:
        try:
            path = scenario_path(str(f))
            if _is_registry_file(path):
                err_console.print(f"[yellow]![/] {escape(str(path))}: これはシナリオではなく自治体台帳（またはプロファイル）です。"
                                  f"kyodo registry validate {escape(str(path))} で確認してください。", highlight=False)
                bad += 1
                continue
            if _is_overlay_file(path):
                if scenarios is None:
                    scenarios = _valid_scenarios()
                problems: list[str] | list[Problem] = check_overlay(path, scenarios)
            else:
                _, problems = validate_file(path)
        except KyodoError as exc:
            err_console.print(f"[red]×[/] {escape(str(exc))}", highlight=False)
            bad += 1
            continue
        if problems:
            bad += 1
            err_console.print(f"[red]×[/] {escape(str(path))}: {len(problems)} 件の誤り", highlight=False)
            for p in problems:
                err_console.print(f"  {escape(str(p))}", highlight=False)
        else:
            console.print(f"[green]✓[/] {escape(str(path))}: 問題ありません", highlight=False)
    raise typer.Exit(1 if bad else 0)


def _is_registry_file(path: Path) -> bool:
    """The registry itself, or a portal profile: checked by ``kyodo registry validate``, not as a scenario."""
    import yaml

    from kyodo.core.settings import get_settings

    if path.resolve() == Path(get_settings().registry_path).resolve() or path.parent.name == "profiles":
        return True
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except Exception:  # noqa: BLE001 - unreadable: the scenario check explains it
        return False
    return isinstance(data, dict) and "municipalities" in data and "steps" not in data


def _is_overlay_file(path: Path) -> bool:
    """``config/municipalities/<code>.yaml``: a municipality's own settings, not a scenario."""
    from kyodo.core.settings import get_settings
    from kyodo.runner.scenario.overlay import overlay_dir

    return path.stem.isdigit() and path.parent.resolve() == overlay_dir(get_settings().registry_path).resolve()


def _valid_scenarios() -> dict:
    """Every available scenario that loads (name → Scenario), to check municipality files against."""
    from kyodo.core.errors import KyodoError
    from kyodo.runner.scenario.loader import available_scenarios, load_scenario

    scenarios = {}
    for name, f in available_scenarios().items():
        try:
            scenarios[name] = load_scenario(f)
        except KyodoError:
            continue  # a broken scenario is reported when it is validated itself
    return scenarios


@app.command("schema")
def schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="書き出すファイル（省略で画面に表示）"),
    registry: bool = typer.Option(False, "--registry", help="自治体台帳用のスキーマを出力"),
    profile: bool = typer.Option(False, "--profile", help="プロファイル（config/profiles/*.yaml）用のスキーマを出力"),
) -> None:
    """エディタ補完用の JSON Schema（draft-07）を出力します。"""
    from kyodo.runner.scenario.schema import dumps, profile_schema, registry_schema, scenario_schema

    text = dumps(profile_schema() if profile else registry_schema() if registry else scenario_schema())
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"書き出しました: {output}")
    else:
        typer.echo(text)


@app.command("docs")
def docs(output: Path = typer.Option(Path("docs/actions.md"), "--output", "-o", help="書き出すファイル")) -> None:
    """アクション一覧（docs/actions.md）をコードから生成します。"""
    from kyodo.runner.scenario.docs import actions_markdown

    output.write_text(actions_markdown(), encoding="utf-8")
    console.print(f"書き出しました: {output}")


@app.command("new")
@friendly_errors
def new(name: str = typer.Argument(..., help="シナリオID（半角英小文字・数字・_）"),
        title: str = typer.Option("新しいシナリオ", "--title", help="日本語の名前"),
        directory: Path = typer.Option(Path("scenarios_local"), "--dir", help="作成するフォルダ")) -> None:
    """説明つきのシナリオの下書きを作ります。"""
    import re

    from kyodo.core.errors import BusinessError
    from kyodo.runner.scenario.scaffold import scaffold

    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise BusinessError(f"シナリオID「{name}」には半角英小文字・数字・_ だけを使ってください（先頭は英字）。")
    directory.mkdir(parents=True, exist_ok=True)
    dest = directory / f"{name}.yaml"
    if dest.exists():
        raise BusinessError(f"{dest} は既にあります。", hint="別の名前にするか、既存のファイルを編集してください。")
    dest.write_text(scaffold(name, title), encoding="utf-8")
    console.print(f"作成しました: {dest}\n次に: kyodo scenario validate {dest}")


@app.command("show")
@friendly_errors
def show(name: str = typer.Argument(..., help="シナリオ名またはファイル"),
         municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コード"),
         param: list[str] | None = typer.Option(None, "--param", "-p", help="パラメータ 名前=値（kyodo run と同じ）")) -> None:
    """自治体ごとの設定を反映した「実際に使われる」シナリオを表示します。"""
    import yaml
    from rich.table import Table

    from kyodo.core.settings import get_settings
    from kyodo.runner.cli._common import parse_params
    from kyodo.runner.plan import effective_params
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.loader import load_scenario, scenario_path
    from kyodo.runner.scenario.overlay import effective_view, file_params_for

    settings = get_settings()
    reg = load_registry(settings.registry_path)
    m = reg.get(municipality)
    sc = load_scenario(name)
    console.print(f"[bold]{escape(sc.title)}[/]（{sc.name} v{sc.version}） / {m.name}({m.code}) / ファイル: {escape(str(scenario_path(name)))}")
    own_file, file_params = file_params_for(settings.registry_path, m.code, sc.name)
    cli = parse_params(param)
    effective_params(sc, m, cli)  # unknown or unreadable values: the same error a run would give
    values = effective_view(sc, m, cli=cli, file_params=file_params)
    t = Table(title="パラメータ（優先順: シナリオ既定値 < 自治体台帳 < 自治体ファイル < スケジュール < コマンド）")
    for c in ("名前", "値", "設定元"):
        t.add_column(c)
    for pv in values:
        t.add_row(pv.name, escape(yaml.safe_dump(pv.value, allow_unicode=True, default_flow_style=True).strip().removesuffix("...").strip()),
                  pv.source + (f"（{own_file.name}）" if own_file and pv.source.startswith("自治体ファイル") else ""))
    console.print(t)
    _show_profile(reg, m)
    data = {"name": sc.name, "title": sc.title, "zone": sc.zone, "scope": sc.scope,
            **sc.model_dump(by_alias=True, exclude_defaults=True, exclude={"params", "steps"}),
            "params": {pv.name: pv.value for pv in values},
            "steps": [st.model_dump(by_alias=True, exclude_defaults=True) for st in sc.steps]}
    console.print(escape(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)), highlight=False)


def _show_profile(reg: Any, m: Any) -> None:
    """The portal profile this municipality uses, with its own overrides applied (what ${m.profile} reads)."""
    import yaml

    name = m.profile or (reg.default_profile if m.portal_url else None)
    if not name:
        return
    from kyodo.runner.profiles import profile_files

    files = {f.stem: f for f in profile_files(reg.source or get_registry_path())}
    where = files.get(name, "台帳の profiles")
    extra = f" ＋ この自治体の profile_overrides: {', '.join(m.profile_overrides)}" if m.profile_overrides else ""
    console.print(f"[bold]プロファイル[/] {escape(name)}（{escape(str(where))}）{escape(extra)}  ※ シナリオからは ${{m.profile...}} で読みます",
                  highlight=False)
    console.print(escape(yaml.safe_dump(m.profile_view, allow_unicode=True, sort_keys=False)), highlight=False)


def get_registry_path() -> Path:
    from kyodo.core.settings import get_settings

    return Path(get_settings().registry_path)
