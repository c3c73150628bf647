"""Municipality registry: who takes part, where their systems are, when their robots run.

One YAML file (``config/municipalities.yaml``) lists the prefecture and its municipalities.
What differs between municipalities (portal URL, credentials *reference*, folders, schedule,
per-scenario overrides) lives here, never in a copy of the standard scenario.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from kyodo.core.errors import BusinessError
from kyodo.core.lgcode import lg_code_valid
from kyodo.core.yamlfile import load_yaml
from kyodo.core.zones import DEFAULT_ZONE
from kyodo.core.zones import ZoneName as Zone
from kyodo.runner.notify.channels import NotifyChannels
from kyodo.runner.profiles import profile_view, read_profile_files, resolve_profile
from kyodo.runner.scenario.overlay import apply_overlay_files


class ScheduleEntry(BaseModel):
    """One scheduled scenario for one municipality."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(description="シナリオ名（例: e_application_aggregation）")
    when: str = Field(description="cron式（例: '0 9 * * 1-5'）または『毎営業日 9:00』『毎月第3営業日 8:30』『月末営業日 17:00』")
    params: dict[str, Any] = Field(default_factory=dict, description="このスケジュールでのパラメータ")
    enabled: bool = True


class Credentials(BaseModel):
    """Portal login: the user name and the *name* of the secret holding the password."""

    model_config = ConfigDict(extra="forbid")

    user: str
    password_secret: str = Field(description="シークレット名（値はここに書かない: kyodo secret set で登録）")


class Municipality(BaseModel):
    """A municipality (or the prefecture itself) taking part in shared use."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="全国地方公共団体コード（6桁、検査数字付き）")
    name: str
    kind: Literal["prefecture", "city", "town", "village"] = "city"
    zone: Zone = DEFAULT_ZONE.value
    portal_url: str | None = None
    credentials: Credentials | None = None
    input_dir: str | None = Field(None, description="入力フォルダ（省略時 var/data/<code>）")
    output_dir: str | None = Field(None, description="出力フォルダ（省略時 var/runs/<code>）")
    office: str | None = Field(None, description="問い合わせ先（FAQボットの案内先など）")
    phone: str | None = None
    closure_days: list[date] = Field(default_factory=list, description="自治体独自の閉庁日")
    schedules: list[ScheduleEntry] = Field(default_factory=list)
    notify: NotifyChannels = Field(default_factory=NotifyChannels, description="失敗の知らせ先（メール・Teams・Slack互換・LINE WORKS）")
    overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="シナリオ名 → 上書き設定（params など）"
    )
    profile: str | None = Field(None, description="使っている電子申請システムのプロファイル名（config/profiles/<名前>.yaml）")
    profile_overrides: dict[str, Any] = Field(
        default_factory=dict, description="この自治体だけプロファイルと違うところ（例: {columns: {申請者名: 申請者氏名}}）"
    )
    # Set when this municipality's own file (municipalities/<code>.yaml) is broken: its runs are
    # refused with this message, every other municipality keeps running.
    _config_problem: str | None = PrivateAttr(None)
    # The resolved portal profile (kyodo.runner.profiles.profile_view), set by load_registry.
    _profile_view: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def config_problem(self) -> str | None:
        return self._config_problem

    @property
    def profile_view(self) -> dict[str, Any]:
        """``${m.profile}``: the portal profile with this municipality's overrides ({} when it has none)."""
        return self._profile_view

    @field_validator("code", mode="before")
    @classmethod
    def _check_code(cls, v: Any) -> str:
        code = str(v).strip()
        if not lg_code_valid(code):
            raise ValueError(f"全国地方公共団体コード「{code}」の検査数字が正しくありません")
        return code


class Registry(BaseModel):
    """The whole registry file."""

    model_config = ConfigDict(extra="forbid")

    prefecture: Municipality
    municipalities: list[Municipality]
    default_profile: str | None = Field(None, description="profile を書いていない自治体が使うプロファイル名")
    profiles: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="台帳に直接書くプロファイル（名前 → 内容）。普通は config/profiles/<名前>.yaml に置きます"
    )
    source: str | None = Field(None, exclude=True)

    def get(self, code: str) -> Municipality:
        """Look up by code (or by name); unknown codes are a business error with the valid list."""
        for m in [self.prefecture, *self.municipalities]:
            if m.code == code or m.name == code:
                return m
        if not lg_code_valid(code):
            raise BusinessError(
                f"自治体コード「{code}」は全国地方公共団体コードとして正しくありません（検査数字の誤り）。",
                where=self.source,
                hint="6桁のコードを確認してください（例: 山口市 352039）。",
            )
        known = ", ".join(f"{m.code} {m.name}" for m in self.municipalities[:5])
        raise BusinessError(
            f"自治体コード「{code}」は台帳に登録されていません。",
            where=self.source,
            hint=f"登録済み: {known} …（kyodo municipalities で一覧）",
        )

    def all(self) -> list[Municipality]:
        return list(self.municipalities)

    def names(self) -> dict[str, str]:
        """Code → name for the prefecture and every municipality (for lists and reports)."""
        return {m.code: m.name for m in [self.prefecture, *self.municipalities]}


def load_registry(path: str | Path) -> Registry:
    """Load and validate the registry, reporting every problem with its location in Japanese."""
    path = Path(path)
    data = load_yaml(path, expand=True)
    try:
        reg = Registry.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            lines.append(f"  - {loc}: {err['msg']}")
        raise BusinessError(
            "自治体台帳の内容に誤りがあります:\n" + "\n".join(lines), where=str(path), hint="台帳ファイルを修正してください。"
        ) from None
    codes = [m.code for m in reg.municipalities]
    dups = sorted({c for c in codes if codes.count(c) > 1})
    if dups:
        raise BusinessError(f"自治体コードが重複しています: {', '.join(dups)}", where=str(path))
    reg.source = str(path)
    apply_profiles(reg, path)
    return apply_overlay_files(reg, path)


def apply_profiles(reg: Registry, path: str | Path) -> Registry:
    """Resolve each municipality's portal profile; a broken profile stops only the towns using it."""
    files, _ = read_profile_files(path)
    bodies = {**files, **reg.profiles}
    for m in [reg.prefecture, *reg.municipalities]:
        name = m.profile or (reg.default_profile if m.portal_url else None)
        if not name:
            continue
        try:
            m._profile_view = profile_view(resolve_profile(name, bodies, m.profile_overrides))
        except BusinessError as exc:
            m._config_problem = f"プロファイル「{name}」: {exc}"
            logging.getLogger("kyodo.registry").warning("プロファイルに誤りがあるため %s(%s) の実行を止めます: %s",
                                                        m.name, m.code, exc.message)
    return reg
