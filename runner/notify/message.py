"""The Japanese texts staff receive: one failed run, and the day's summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kyodo.core.errors import ErrorKind
from kyodo.core.jst import jst
from kyodo.core.privacy import mask_text
from kyodo.core.status import RERUNNABLE, STATUS_JA, TRIGGER_JA
from kyodo.runner.scenario.titles import scenario_title

HINT_MARK = "→ 対処:"
GENERIC_HINT: dict[str, str] = {
    ErrorKind.BUSINESS: "入力データや設定を確認し、直してから再実行してください。",
    ErrorKind.APPLICATION: "一時的な障害の可能性があります。ダッシュボードの「同じ条件で再実行する」で再実行してください。"
                   "続けて失敗するときはシステム担当にご連絡ください。",
}


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    link: str | None = None


def split_hint(error: str | None) -> tuple[str, str | None]:
    """A stored error message is ``what happened`` + ``→ 対処: what to do``; split the two."""
    if not error:
        return "", None
    head, sep, hint = error.partition(HINT_MARK)
    return head.strip(), (hint.strip() or None) if sep else None


def run_link(base_url: str, run_id: str) -> str:
    return f"{base_url.rstrip('/')}/runs/{run_id}"


def failure_message(run: Any, municipality: str, base_url: str, part: str | None = None) -> Message:
    """A mail a clerk can act on: who, which robot, what went wrong, what to do, where to look.

    ``part`` is this municipality's own error when the run covered several municipalities.
    """
    title = scenario_title(run.scenario)
    status = STATUS_JA.get(run.status, run.status)
    error, hint = split_hint(mask_text(part or run.error_message or ""))
    hint = hint or GENERIC_HINT.get(run.error_class or "", GENERIC_HINT[ErrorKind.APPLICATION])
    link = run_link(base_url, run.id)
    lines = [
        f"{municipality}の「{title}」が{status}しました。" if status.endswith("失敗") else f"{municipality}の「{title}」は「{status}」で終わりました。",
        "",
        f"自治体: {municipality}",
        f"処理: {title}",
        f"結果: {status}（処理 {run.items_ok} 件、エラー {run.items_failed} 件）",
        f"対象日: {run.logical_date or '-'}　起動: {TRIGGER_JA.get(run.trigger, run.trigger)}　終了: {jst(run.finished_at)}（日本時間）",
        "",
        f"エラー: {error or '（詳細は実行の画面をご覧ください）'}",
        f"対処: {hint}",
        "",
        f"実行の詳細（画面・ログ・再実行）: {link}",
        "",
        "— kyodo（共同利用RPA）からの自動送信です。このメールに返信しても届きません。",
    ]
    subject = f"【kyodo】{status}: {municipality} {title}（{run.logical_date or jst(run.finished_at, '%Y-%m-%d')}）"
    return Message(subject, "\n".join(lines), link)


def summary_message(day: date, runs: Iterable[Any], names: dict[str, str], base_url: str, scope: str) -> Message:
    """The day's runs in a few lines: counts by result, then every run that needs a person."""
    runs = list(runs)
    counts = Counter(r.status for r in runs)
    bad = [r for r in runs if r.status in RERUNNABLE]
    saved = sum(r.items_ok * (r.minutes_per_item or 0) for r in runs) / 60
    lines = [f"{scope}の {day:%Y年%m月%d日} のロボット実行のまとめです。", ""]
    if not runs:
        lines.append("この日の実行はありませんでした。")
    else:
        lines.append("結果: " + "、".join(f"{STATUS_JA.get(s, s)} {n} 件" for s, n in counts.most_common()))
        lines.append(f"処理件数: {sum(r.items_ok for r in runs):,} 件　削減時間: 約 {saved:,.1f} 時間")
    if bad:
        lines += ["", "確認が必要な実行:"]
        for r in bad:
            error, _ = split_hint(mask_text(r.error_message or ""))
            lines.append(f"・{names.get(r.municipality, r.municipality)} {scenario_title(r.scenario)}: "
                         f"{STATUS_JA.get(r.status, r.status)} — {error[:120]}")
            lines.append(f"  {run_link(base_url, r.id)}")
    lines += ["", f"ダッシュボード: {base_url.rstrip('/')}/", "— kyodo（共同利用RPA）からの自動送信です。"]
    mark = f"要確認 {len(bad)} 件" if bad else "問題なし"
    return Message(f"【kyodo】{day:%m月%d日}の実行まとめ（{scope}・{mark}）", "\n".join(lines), f"{base_url.rstrip('/')}/")
