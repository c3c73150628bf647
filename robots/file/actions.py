"""File actions: list input files, copy/move them (e.g. into 処理済), archive them into a ZIP.

Every path goes through ``ctx.input_path`` (the municipality's folders, no ``../``) or
``ctx.artifact_path`` (this run's folder), so a scenario cannot touch anything else. Copies and
moves never overwrite silently, and an empty listing fails unless the scenario allows it.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any, Literal

from kyodo.core.errors import BusinessError
from kyodo.core.zones import ZONES
from kyodo.robots import RunContext, action
from kyodo.robots.excel import atomic_path

_ALL = ZONES


def _flat(paths: Any) -> list[Any]:
    if isinstance(paths, (str, Path)):
        return [paths]
    return [x for p in paths for x in _flat(p)]


def _paths(ctx: RunContext, paths: Any, folders: bool = False) -> list[Path]:
    out = []
    for p in _flat(paths):
        p = Path(p)
        path = p if p.is_absolute() and ctx.artifact_dir.resolve() in p.resolve().parents else ctx.input_path(p)
        if folders and path.is_dir():
            out.extend(sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith((".", "~$"))))
            continue
        if not path.is_file():
            raise BusinessError(f"ファイルが見つかりません: {p.name}", hint="ファイル名と入力フォルダを確認してください。")
        out.append(path)
    if not out:
        raise BusinessError("対象のファイルがありません。", hint="paths に1つ以上のファイルを指定してください。")
    return out


def _destination(ctx: RunContext, to: str) -> Path:
    folder = ctx.input_path(to)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@action("file.list", title="フォルダのファイル一覧を取る", zones=_ALL, example="""
    - id: files
      action: file.list
      with:
        folder: furusato/portals
        pattern: "*.csv"
    """)
def list_files(ctx: RunContext, *, folder: str, pattern: str = "*", recursive: bool = False, min_files: int = 1) -> list[Path]:
    """入力フォルダの中のファイルを名前順に一覧にします（隠しファイルと作業中の一時ファイルは除きます）。

    引数:
      folder: フォルダ（自治体の入力フォルダからの相対パス）。
      pattern: ファイル名の型（例: "*.csv", "時間外_*.xlsx"）。
      recursive: true ならサブフォルダも探します。
      min_files: これより少なければ止めます（既定 1: ファイルが無いのに成功にしない）。0 で空を許します。

    戻り値: ファイルのパスの一覧（for_each でそのまま回せます）。
    """
    base = ctx.input_path(folder)
    if not base.is_dir():
        raise BusinessError(f"フォルダ「{folder}」がありません。", hint="入力フォルダにフォルダを作り、ファイルを置いてください。")
    found = base.rglob(pattern) if recursive else base.glob(pattern)
    files = sorted(p for p in found if p.is_file() and not p.name.startswith((".", "~$")))
    if len(files) < min_files:
        raise BusinessError(f"フォルダ「{folder}」に「{pattern}」に合うファイルが {len(files)} 件しかありません（必要 {min_files} 件）。",
                            hint="ファイルを置いたか、pattern を確認してください。")
    ctx.log.info("ファイル一覧: %s/%s → %d 件", folder, pattern, len(files))
    return files


def _transfer(ctx: RunContext, paths: list[str] | str, to: str, on_exists: str, move: bool) -> list[Path]:
    dest_dir = _destination(ctx, to)
    done = []
    for src in _paths(ctx, paths):
        dest = dest_dir / src.name
        if dest.exists():
            if on_exists == "error":
                raise BusinessError(f"「{to}/{src.name}」は既にあります。", hint="on_exists: overwrite（上書き）か rename（別名）を指定してください。")
            if on_exists == "rename":
                n = 2
                while dest.exists():
                    dest, n = dest_dir / f"{src.stem}_{n}{src.suffix}", n + 1
        if move:
            try:
                os.replace(src, dest)  # atomic on the same file system
            except OSError:
                with atomic_path(dest) as tmp:
                    shutil.copy2(src, tmp)
                src.unlink()
        else:
            with atomic_path(dest) as tmp:
                shutil.copy2(src, tmp)
        done.append(dest)
    ctx.log.info("%s: %d 件 → %s", "移動" if move else "コピー", len(done), to)
    return done


@action("file.copy", title="ファイルをコピーする", zones=_ALL, example="""
    - action: file.copy
      with:
        paths: ${files}
        to: 控え/${run.yyyymmdd}
    """)
def copy(ctx: RunContext, *, paths: list[str] | str, to: str,
         on_exists: Literal["error", "overwrite", "rename"] = "error") -> list[Path]:
    """ファイルを入力フォルダの中の別のフォルダにコピーします（フォルダは無ければ作ります）。

    引数:
      paths: コピーするファイル（1つか一覧。file.list の結果をそのまま渡せます）。
      to: コピー先フォルダ（入力フォルダからの相対パス）。
      on_exists: 同じ名前があるとき: error（止める）/ overwrite（上書き）/ rename（_2 などを付ける）。

    戻り値: コピー先のパスの一覧。
    """
    return _transfer(ctx, paths, to, on_exists, move=False)


@action("file.move", title="ファイルを移動する（処理済フォルダへ等）", zones=_ALL, example="""
    - action: file.move
      with:
        paths: ${files}
        to: 処理済/${run.yyyymmdd}
    """)
def move(ctx: RunContext, *, paths: list[str] | str, to: str,
         on_exists: Literal["error", "overwrite", "rename"] = "error") -> list[Path]:
    """ファイルを入力フォルダの中の別のフォルダに移動します。処理が終わった入力を「処理済」に移し、
    次の実行で二重に取り込まないようにするのに使います（シナリオの最後に置きます）。

    引数:
      paths: 移動するファイル（1つか一覧）。
      to: 移動先フォルダ（入力フォルダからの相対パス）。
      on_exists: 同じ名前があるとき: error / overwrite / rename。

    戻り値: 移動先のパスの一覧。
    """
    return _transfer(ctx, paths, to, on_exists, move=True)


@action("file.archive", title="ファイルをZIPにまとめる", zones=_ALL, personal_data=True, example="""
    - id: zip
      action: file.archive
      with:
        paths: ${files}
        name: 原本_${run.yyyymmdd}.zip
    """)
def archive(ctx: RunContext, *, paths: list[Any] | str, name: str) -> Path:
    """ファイルを1つのZIPにまとめ、この実行の成果物フォルダに保存します（原本の控えに）。

    日本語のファイル名もそのまま入ります（UTF-8）。書き込みは一時ファイル経由です。

    引数:
      paths: まとめるファイルかフォルダ（1つか一覧。フォルダは中のファイルすべて。一覧の一覧も可）。
      name: ZIPのファイル名（.zip が無ければ付けます）。

    戻り値: ZIPのパス。
    """
    files = _paths(ctx, paths, folders=True)
    dest = ctx.artifact_path(name if name.lower().endswith(".zip") else name + ".zip")
    names = [f.name for f in files]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise BusinessError(f"同じ名前のファイルが複数あります: {'、'.join(dups)}", hint="別々のZIPにまとめてください。")
    with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, arcname=f.name)
    ctx.log.info("ZIP作成: %s（%d 件）", dest.name, len(files))
    return dest
