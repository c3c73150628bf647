"""The scenario language as pydantic models: the single source for validation and JSON Schema.

A scenario is data, not code: metadata (名前, 説明, 担当課, zone), typed parameters with
defaults, and a list of steps, each calling one robot action with named arguments, or looping
over municipalities/rows with nested steps.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kyodo.core.zones import DEFAULT_ZONE
from kyodo.core.zones import ZoneName as Zone

ParamType = Literal["str", "int", "float", "bool", "path", "date", "list", "dict"]
OnError = Literal["stop", "skip_item", "retry"]
# Defaults a DX leader relies on (docs/scenario.md; pinned by tests/foundation/test_defaults.py).
DEFAULT_RETRY_TIMES = 3  # attempts of a step with ``on_error: retry`` and no ``retry:`` block
DEFAULT_BACKOFF_SECONDS = 2.0  # first wait between attempts; doubled each time
DEFAULT_TIMEOUT_MINUTES = 60  # one run's time limit


class Param(BaseModel):
    """A scenario parameter: municipalities and schedules override its default."""

    model_config = ConfigDict(extra="forbid")

    type: ParamType = Field("str", description="型: str / int / float / bool / path / date / list / dict")
    default: Any = Field(None, description="既定値（自治体ごとの設定で上書きできます）")
    description: str = Field("", description="説明（日本語）")
    required: bool = Field(False, description="true なら実行時に必ず指定が必要")


class Retry(BaseModel):
    """How often and how patiently to retry an application error (timeouts, crashes)."""

    model_config = ConfigDict(extra="forbid")

    times: int = Field(DEFAULT_RETRY_TIMES, ge=1, le=10, description="再試行の回数（業務エラーは再試行しません）")
    backoff_seconds: float = Field(DEFAULT_BACKOFF_SECONDS, ge=0, le=600, description="最初の待ち時間（秒）。毎回2倍になります")


class Step(BaseModel):
    """One step: either ``action`` (+ ``with``) or ``for_each`` (+ nested ``steps``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(None, description="ステップ名。結果を ${id} で後のステップから使えます", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    title: str | None = Field(None, description="このステップの説明（日本語、ログに表示）")
    action: str | None = Field(None, description="実行するアクション名（例: browser.open）。kyodo actions で一覧")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="アクションの引数")
    for_each: str | None = Field(None, description="繰り返す対象（例: ${municipalities}）")
    as_: str = Field("item", alias="as", description="繰り返し中の変数名（例: m → ${m.code}）", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    steps: list[Step] | None = Field(None, description="繰り返しの中で実行するステップ")
    collect: Any = Field(None, description="for_each の各回で集める値（例: {sheet: ${m.name}, table: ${table}}）。結果は ${id} のリスト")
    when: str | bool | None = Field(None, description="条件。真のときだけ実行（例: ${params.summary}）。false で一時的に止められます")
    on_error: OnError = Field("stop", description="エラー時: stop（中止）/ skip_item（その項目を飛ばして続行）/ retry（再試行）")
    retry: Retry | None = Field(None, description="on_error: retry の回数と間隔")


class Scenario(BaseModel):
    """A whole scenario file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="シナリオID（ファイル名と同じ、半角英数字と _）", pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(description="シナリオ名（日本語）")
    description: str = Field("", description="説明")
    department: str = Field("", description="担当課")
    zone: Zone = Field(DEFAULT_ZONE.value, description="実行するネットワーク: internet（インターネット接続系）/ lgwan（LGWAN接続系）/ mynumber（マイナンバー利用事務系）")
    scope: Literal["municipality", "prefecture"] = Field(
        "municipality",
        description="municipality: 自治体ごとに1回実行 / prefecture: 選んだ自治体をまとめて1回で処理（${municipalities} をループ）",
    )
    version: str = Field("1.0", description="シナリオの版")
    minutes_per_item: float = Field(0, ge=0, description="人が手作業で1件に要する分数（効果測定レポート用）")
    personal_columns: list[str] = Field(default_factory=list, description="個人情報を含む列名（ログ等でマスクされます）")
    retention_days: int | None = Field(None, ge=1, description="成果物の保存日数（kyodo artifacts purge で削除）")
    encrypt_artifacts: bool = Field(False, description="true なら成果物を暗号化して保存（鍵はシークレット ARTIFACT_KEY）")
    timeout_minutes: float = Field(DEFAULT_TIMEOUT_MINUTES, gt=0, description="1回の実行の制限時間（分）")
    params: dict[str, Param] = Field(default_factory=dict, description="パラメータ")
    steps: list[Step] = Field(min_length=1, description="手順")
