"""Japanese help screens: Typer/Click print their own English boilerplate and Python type names.

Click and Typer have no Japanese catalogue, so the few fixed strings they print (「Usage:」,
「Show this message and exit.」, panel titles, ``<list[str]>``) are replaced here once, at
import of ``kyodo.runner.cli``. Staff read 「オプション」 and 「文字（複数可）」, never ``TEXT`` or ``list[str]``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.core
import typer.rich_utils as ru
from typer import _click as tclick
from typer._click import formatting as tformatting

HELP_TEXT = "このヘルプを表示して終了します。"
USAGE_WORDS = {"[OPTIONS]": "[オプション]", "COMMAND [ARGS]...": "コマンド [引数]...", "[ARGS]...": "[引数]..."}
TYPE_JA = {"str": "文字", "int": "整数", "float": "数値", "Path": "パス", "bool": "", "datetime": "日時", "date": "日付",
           "TEXT": "文字", "INTEGER": "整数", "FLOAT": "数値", "PATH": "パス", "FILE": "ファイル", "BOOLEAN": ""}


def _type_ja(self: Any, ctx: Any) -> str | None:
    """The value type in words staff know (``文字（複数可）``), nothing for on/off flags (installed as a method)."""
    if getattr(self, "metavar", None):
        return self.metavar
    desc = getattr(self, "type_descriptor", None)
    if getattr(self, "is_flag", False) or getattr(desc, "annotation", None) is bool:
        return None
    if desc is not None and desc.is_choice:
        return "|".join(str(c) for c in desc.choices or ())
    annotation = getattr(desc, "annotation", None)
    if desc is not None and desc.is_list:
        args = getattr(annotation, "__args__", None) or (str,)
        return f"{TYPE_JA.get(getattr(args[0], '__name__', 'str'), '値')}（複数可）"
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "パス"
    label = TYPE_JA.get(getattr(annotation, "__name__", "str"), "値")
    return (label + "…") if getattr(self, "nargs", 1) != 1 and label else (label or None)


def _help_option(original: Any) -> Any:
    def get_help_option(self: Any, ctx: Any) -> Any:
        opt = original(self, ctx)
        if opt is not None:
            opt.help = HELP_TEXT
        return opt

    return get_help_option


def _usage(original: Any) -> Any:
    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [USAGE_WORDS.get(p, p) for p in original(self, ctx)]

    return collect_usage_pieces


def _write_usage(original: Any) -> Any:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "使い方: " if prefix is None else prefix)

    return write_usage


ERRORS = [  # Click's usage errors, in the words staff read
    (re.compile(r"^Missing argument '(.+)'\.$"), "引数 {0} を指定してください。"),
    (re.compile(r"^Missing option '(.+)'\.(.*)$"), "オプション {0} を指定してください。{1}"),
    (re.compile(r"^No such option: (\S+)(?: \(Possible options: (.+)\))?$"), "オプション {0} はありません。{1}"),
    (re.compile(r"^No such command '(.+?)'\.*(?:\s*Did you mean '?(.+?)'?\?)?$"), "コマンド「{0}」はありません。{1}"),
    (re.compile(r"^Invalid value for (.+?): (.+)$"), "{0} の値が正しくありません: {1}"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$"), "余分な引数があります（{0}）。"),
    (re.compile(r"^Missing command\.$"), "コマンドを指定してください。"),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "オプション {0} には値が必要です。"),
]


VALUE_ERRORS = {"valid integer": "整数で指定してください。", "valid number": "数値で指定してください。",
                "valid boolean": "true / false で指定してください。", "valid date": "日付（例: 2026-04-01）で指定してください。",
                "valid datetime": "日時（例: 2026-04-01 09:00）で指定してください。"}


def japanese_error(message: str) -> str:
    """A Click usage error in Japanese (unknown messages pass through unchanged)."""
    for key, text in VALUE_ERRORS.items():
        if f"Input should be a {key}" in message:
            message = re.sub(r"Input should be a .*$", text, message, flags=re.S)
    for pattern, template in ERRORS:
        m = pattern.match(message.strip())
        if m:
            groups = list(m.groups())
            if template.startswith("オプション {0} はありません") and groups[1]:
                groups[1] = f"使えるのは {groups[1]} です。"
            elif template.startswith("コマンド「") and groups[1]:
                groups[1] = f"「{groups[1]}」ですか?"
            return template.format(*(g or "" for g in groups)).strip()
    return message


def _format_message(original: Any) -> Any:
    def format_message(self: Any) -> str:
        return japanese_error(original(self))

    return format_message


def install() -> None:
    """Replace the English fixed strings (idempotent)."""
    if getattr(tclick.core.Command, "_kyodo_ja", False):
        return
    ru.DEFAULT_STRING, ru.ENVVAR_STRING, ru.REQUIRED_LONG_STRING = "[既定: {}]", "[環境変数: {}]", "[必須]"
    ru.ARGUMENTS_PANEL_TITLE, ru.OPTIONS_PANEL_TITLE, ru.COMMANDS_PANEL_TITLE = "引数", "オプション", "コマンド"
    ru.ERRORS_PANEL_TITLE, ru.ABORTED_TEXT = "エラー", "中止しました。"
    ru.RICH_HELP = "使い方は [blue]'{command_path} {help_option}'[/] で表示できます。"
    ru.DEPRECATED_STRING = "（廃止予定）"
    typer.core.TyperOption.display_type_rich = _type_ja  # type: ignore[method-assign]
    typer.core.TyperArgument.display_type_rich = _type_ja  # type: ignore[method-assign]
    base = tclick.core.Command
    base.get_help_option = _help_option(base.get_help_option)  # type: ignore[method-assign]
    for cls in (base, typer.core.TyperCommand, typer.core.TyperGroup):
        cls.collect_usage_pieces = _usage(cls.collect_usage_pieces)  # type: ignore[method-assign]
    tformatting.HelpFormatter.write_usage = _write_usage(tformatting.HelpFormatter.write_usage)  # type: ignore[method-assign]
    from typer import exceptions as typer_exc
    from typer._click import exceptions as texc

    for exc_cls in (typer_exc.TyperException, texc.BadParameter, texc.MissingParameter, texc.NoSuchOption, texc.FileError):
        if "format_message" in vars(exc_cls):
            exc_cls.format_message = _format_message(vars(exc_cls)["format_message"])  # type: ignore[method-assign]
    base._kyodo_ja = True  # type: ignore[attr-defined]
