"""Every ``KYODO_*`` environment variable in one model (pydantic-settings), at the bottom layer.

robots, runner and faq_bot all read their configuration here, so each variable has one name, one
default and one parser; docs/configuration.md lists them in one table and a test keeps the model,
the code and the table in step. Everything has an embedded default (SQLite and folders under
``./var``) so a new user needs nothing installed; shared deployments point ``KYODO_DB_URL`` at
PostgreSQL. Secrets (``KYODO_SECRET_<NAME>``) are a family of names, not settings: kyodo.runner.secrets
reads them.

Two ways to read: :func:`get_settings` is cached per process (paths and the database, which must
not change under a running process; tests call :func:`reset_settings` after changing variables),
:func:`load_settings` reads the environment afresh (for values that were always read at the moment
of use, such as mail servers and the browser's timeout).
"""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from kyodo.core.errors import BusinessError

ENV_PREFIX = "KYODO_"
SECRET_PREFIX = "KYODO_SECRET_"  # the secrets family (kyodo.runner.secrets), not fields of the model
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STANDARD_SCENARIOS = PACKAGE_ROOT / "scenarios"


def _is_one(value: Any) -> Any:
    """On/off variables are on only for exactly ``1`` (as kyodo has always read them)."""
    return value == "1" if isinstance(value, str) else value


Flag = Annotated[bool, BeforeValidator(_is_one)]
ResolvedPath = Annotated[Path, AfterValidator(Path.resolve)]


def _default_home() -> Path:
    return (Path.cwd() / "var").resolve()


def _default_registry() -> Path:
    local = Path.cwd() / "config" / "municipalities.yaml"
    return local if local.exists() else PACKAGE_ROOT / "config" / "municipalities.yaml"


class Settings(BaseSettings):
    """One process's configuration: a field is its variable without ``KYODO_``, lower-case; empty counts as unset."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True)

    # Storage and scenarios
    home: ResolvedPath = Field(default_factory=_default_home, description="runs, input data, SQLite database, session key")
    registry: Path = Field(default_factory=_default_registry, description="the municipality registry (YAML)")
    db_url: str = Field(default_factory=lambda data: f"sqlite:///{data['home'] / 'kyodo.db'}",
                        description="run store database (SQLAlchemy URL)")
    scenarios: str = Field("", description="extra scenario folders, os.pathsep-separated, searched first")
    executor: str = Field("local", description="local (in this process) or celery (zone workers)")
    plugins: str = Field("", description="comma-separated modules imported to register extra actions")
    # Browser robots
    chromium: str | None = Field(None, description="Chromium binary (else chromium on PATH, else /usr/bin/chromium)")
    headful: Flag = Field(False, description="1 shows the browser window (debugging)")
    browser_timeout: float = Field(15, description="seconds a browser step waits by default")
    # Mail and notifications
    smtp_url: str | None = Field(None, description="mail server: smtp[s]://user@host:port?from=addr")
    notify_email: str = Field("", description="comma-separated addresses told about every failed run")
    notify_from: str | None = Field(None, description="sender address of notifications")
    dashboard_url: str = Field("http://127.0.0.1:8600", description="dashboard address used in links in messages")
    # Dashboard and staff accounts
    session_secret: SecretStr | None = Field(None, description="key signing dashboard logins (else <home>/session.key)")
    new_password: SecretStr | None = Field(None, description="password for kyodo users add/passwd without a prompt")
    hourly_cost: str | None = Field(None, description="円 per staff hour for the effect report (２,５００円 is read)")
    # Runs
    run_stale_minutes: float = Field(10, gt=0, description="minutes without a heartbeat after which a running run is marked "
                                                           "interrupted (its machine or worker stopped)")
    # Celery executor
    broker_url: str = Field("redis://127.0.0.1:6379/0", description="Celery broker (Redis)")
    queue_per_municipality: Flag = Field(False, description="1 gives every municipality its own queue per zone")
    visibility_timeout: int = Field(4 * 3600, description="seconds before Redis redelivers an unacknowledged run")
    restore_interval: int = Field(10, description="seconds between looks for runs of dead workers (x throttle)")
    restore_throttle: int = Field(10, description="multiplier of restore_interval")
    broker_retries: int = Field(100, description="broker connection attempts before a worker gives up")
    # FAQ chatbot
    faq_dir: Path | None = Field(None, description="FAQ files (prefecture.csv, <code>.csv, localize/, offices/)")
    faq_encoder: Path | None = Field(None, description="local ONNX sentence encoder (nothing is downloaded)")
    faq_synonyms: Path | None = Field(None, description="a municipality's own synonym table (YAML)")
    faq_db_url: str = Field(default_factory=lambda data: f"sqlite:///{data['home'] / 'faq' / 'faq.db'}",
                            description="question log database (SQLAlchemy URL)")
    faq_trusted_proxies: str = Field("", description="comma-separated proxy addresses/networks whose X-Forwarded-For is used")
    faq_secret: SecretStr | None = Field(None, description="key signing feedback links (else random per start)")
    # Sample registry placeholders (config/*.yaml reads them as ${env:NAME:-default}; kyodo demo sets them)
    portal_url: str | None = Field(None, description="base URL of the demo e-application portal A")
    portal_b_url: str | None = Field(None, description="base URL of the demo e-application portal B")
    intake_url: str | None = Field(None, description="base URL of the demo intake system")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments and the environment only: no .env or secrets-folder files are read behind the operator's back."""
        return init_settings, env_settings

    @property
    def registry_path(self) -> Path:
        return self.registry

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @cached_property
    def scenario_dirs(self) -> tuple[Path, ...]:
        """``KYODO_SCENARIOS`` first, then ``./scenarios_local``, then the bundled scenarios."""
        extra = [Path(p) for p in self.scenarios.split(os.pathsep) if p]
        return (*extra, Path.cwd() / "scenarios_local", STANDARD_SCENARIOS)

    @property
    def plugin_modules(self) -> list[str]:
        return [m.strip() for m in self.plugins.split(",") if m.strip()]

    @property
    def notify_emails(self) -> tuple[str, ...]:
        return tuple(e.strip() for e in self.notify_email.split(",") if e.strip())


def env_name(field: str) -> str:
    """``browser_timeout`` -> ``KYODO_BROWSER_TIMEOUT``."""
    return ENV_PREFIX + field.upper()


def variable_names() -> list[str]:
    """Every variable the model declares (the secrets family aside)."""
    return [env_name(f) for f in Settings.model_fields]


def _japanese(exc: ValidationError) -> BusinessError:
    """A staff-readable error naming the variable, instead of pydantic's English report."""
    first = exc.errors()[0]
    name = env_name(str(first["loc"][0])) if first.get("loc") else ENV_PREFIX + "*"
    kind = {"int_parsing": "整数", "float_parsing": "数値"}.get(first["type"], "正しい形式")
    shown = str(first.get("input", ""))[:40]
    return BusinessError(f"環境変数 {name} の値「{shown}」が読めません。", where=name,
                         hint=f"{kind}で指定するか、変数を消して既定値を使ってください（docs/configuration.md）。")


def _snapshot() -> tuple[tuple[str, str], ...]:
    """The variables the model may read (secrets left out: they are not settings)."""
    return tuple(sorted((k, v) for k, v in os.environ.items()
                        if k.upper().startswith(ENV_PREFIX) and not k.upper().startswith(SECRET_PREFIX)))


@lru_cache(maxsize=16)
def _load(snapshot: tuple[tuple[str, str], ...], cwd: str) -> Settings:
    """Parse once per distinct environment (and working folder, which the defaults are relative to)."""
    try:
        return Settings()
    except ValidationError as exc:
        raise _japanese(exc) from None


def load_settings() -> Settings:
    """The environment as it is now: not cached across changes, so it suits values read at the moment of use."""
    return _load(_snapshot(), os.getcwd())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (cached; call :func:`reset_settings` after changing ``KYODO_*``)."""
    return load_settings()


def reset_settings() -> None:
    """Forget cached settings (after changing ``KYODO_*`` variables)."""
    get_settings.cache_clear()
    _load.cache_clear()


__all__ = ["PACKAGE_ROOT", "SECRET_PREFIX", "STANDARD_SCENARIOS", "Settings", "env_name", "get_settings",
           "load_settings", "reset_settings", "variable_names"]
