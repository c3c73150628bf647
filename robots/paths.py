"""Which action arguments are file paths, and the one rule for each kind.

An action reads inputs only inside the municipality's folders and writes outputs only into
its run folder. The same rule is applied twice: by ``kyodo scenario validate`` on what a
scenario literally says (with line numbers, before anything runs) and by
:class:`kyodo.robots.context.RunContext` on the final value at run time. A write path is refused,
never shortened to its file name: a DX leader who wrote ``../共有/結果.xlsx`` must learn that
the file will not go there.
"""

from __future__ import annotations

import posixpath
import re
from enum import Enum


class PathRole(str, Enum):
    """What an action does with a path argument."""

    INPUT = "input"  # read from the municipality's input folders
    OUTPUT = "output"  # written into this run's folder


# Arguments whose role does not follow from the naming convention below.
_EXPLICIT: dict[tuple[str, str], PathRole | None] = {
    ("ocr.read_forms", "templates"): None,  # form names or files: resolved by the OCR robot itself
    ("workbook.write_column", "path"): PathRole.INPUT,  # writes results back into the staff's own workbook
    ("file.copy", "to"): PathRole.INPUT,  # a folder inside the municipality's folders
    ("file.move", "to"): PathRole.INPUT,
    ("file.archive", "name"): PathRole.OUTPUT,  # the ZIP, in the run folder
}
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def path_role(action: str, arg: str) -> PathRole | None:
    """The role of ``arg`` of ``action`` (``excel.read_csv``, ``path``), or None when it is not a path.

    Convention: ``filename`` is written; ``path`` is read by ``read*`` actions and written by
    ``write*``/``fill*`` ones; ``paths``, ``folder`` and ``template`` are read.
    """
    if (action, arg) in _EXPLICIT:
        return _EXPLICIT[(action, arg)]
    verb = action.rsplit(".", 1)[-1]
    if arg == "filename":
        return PathRole.OUTPUT
    if arg == "path":
        if verb.startswith("read"):
            return PathRole.INPUT
        if verb.startswith(("write", "fill", "save", "export")):
            return PathRole.OUTPUT
    if arg in ("paths", "folder", "template"):
        return PathRole.INPUT
    return None


def output_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an output file name in the run folder, or None (Japanese, for staff)."""
    text = str(name).strip()
    if not text or text in (".", ".."):
        return "出力ファイル名が空です。ファイル名（例: 結果.xlsx）を書いてください"
    if "/" in text or "\\" in text or _DRIVE.match(text):
        return (f"出力先「{name}」にフォルダが含まれています。出力はこの実行の成果物フォルダにだけ作られます。"
                "フォルダを書かず、ファイル名だけ（例: 結果.xlsx）にしてください")
    return None


def input_path_problem(path: str) -> str | None:
    """Why ``path`` can never be inside a municipality's input folders (absolute, or ``..`` above it), else None.

    Whether a relative path exists is a run-time question; this only catches what no folder allows.
    """
    text = str(path).strip().replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(str(path).strip()) or text.startswith("~"):
        return (f"入力「{path}」は絶対パスです。シナリオは全自治体で共有するため、"
                "自治体の入力フォルダからの相対パス（例: 台帳/調定.xlsx）で書いてください")
    if posixpath.normpath(text).split("/")[0] == "..":
        return f"入力「{path}」は「..」で入力フォルダの外を指しています。入力フォルダの中の相対パスにしてください"
    return None
