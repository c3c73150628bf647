"""``kyodo scenarios list``: the standard scenario catalogue for a DX leader choosing what to adopt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from kyodo.core.zones import ZONE_JA
from kyodo.runner.cli._common import console, friendly_errors

if TYPE_CHECKING:
    from kyodo.runner.registry import Registry

app = typer.Typer(help="シナリオカタログ（標準シナリオの一覧と利用状況）。", no_args_is_help=True)


@dataclass
class CatalogueRow:
    """One scenario as the catalogue shows it."""

    name: str
    title: str
    department: str
    zone: str
    minutes_per_item: float
    scheduled: list[str] = field(default_factory=list)   # municipalities with a schedule for it
    configured: list[str] = field(default_factory=list)  # municipalities with their own settings for it
    problem: str = ""

    @property
    def users(self) -> list[str]:
        return list(dict.fromkeys(self.scheduled + self.configured))


def catalogue_rows(registry: Registry) -> list[CatalogueRow]:
    """Every scenario found (standard and local), with who schedules or configures it; broken files are listed too."""
    from kyodo.core.errors import KyodoError
    from kyodo.runner.scenario.loader import available_scenarios, load_scenario

    rows = []
    towns = [registry.prefecture, *registry.municipalities]
    for name in sorted(available_scenarios()):
        try:
            sc = load_scenario(name)
        except KyodoError as exc:
            rows.append(CatalogueRow(name, "（読み込めません）", "", "", 0, problem=exc.message.splitlines()[0]))
            continue
        rows.append(CatalogueRow(
            name, sc.title, sc.department, sc.zone, sc.minutes_per_item,
            scheduled=[m.name for m in towns if any(s.scenario == name for s in m.schedules)],
            configured=[m.name for m in towns if name in m.overrides],
        ))
    return rows


@app.command("list")
@friendly_errors
def list_(municipality: str | None = typer.Option(None, "--municipality", "-m", help="この自治体が使うものだけ表示")) -> None:
    """標準シナリオのカタログ: 名称・ネットワーク・手作業の分数（1件）・利用している自治体を表示します。"""
    from rich.table import Table

    from kyodo.core.settings import get_settings
    from kyodo.runner.registry import load_registry

    registry = load_registry(get_settings().registry_path)
    rows = catalogue_rows(registry)
    if municipality:
        name = registry.get(municipality).name
        rows = [r for r in rows if name in r.users]
    t = Table(title=f"シナリオカタログ（{len(rows)} 件）", show_lines=True)
    for col in ("シナリオ", "名称", "担当課", "ネットワーク", "手作業（分/件）", "利用自治体"):
        t.add_column(col, overflow="fold")
    for r in rows:
        users = "、".join(r.users) if r.users else "（未設定: どの自治体も設定なしで実行できます）"
        detail = f"{len(r.users)} 団体: {users}" if r.users else users
        if r.problem:
            detail = f"[red]{r.problem}[/]"
        t.add_row(r.name, r.title, r.department, ZONE_JA.get(r.zone, r.zone), f"{r.minutes_per_item:g}", detail)
    console.print(t)
    console.print("詳しくは docs/catalogue.md。実行: kyodo run シナリオ -m 自治体コード / 自治体ごとの設定: config/municipalities/<コード>.yaml",
                  highlight=False)
