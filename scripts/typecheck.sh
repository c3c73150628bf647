#!/usr/bin/env bash
# mypy over the kyodo namespace ([tool.mypy] in pyproject.toml; the core is strict).
# The folders install as kyodo.<folder> through setuptools' editable finder, which mypy cannot
# follow: a tree of symlinks under .venv/typecheck gives mypy the same names.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .venv/typecheck/kyodo
# A stub marks kyodo as a package for mypy alone: without it mypy takes the folder faq_bot/data/
# for the module faq_bot/data.py (Python itself prefers the .py file).
touch .venv/typecheck/kyodo/__init__.pyi
for folder in core robots runner faq_bot scenarios; do
  ln -sfn "../../../$folder" ".venv/typecheck/kyodo/$folder"
done
MYPYPATH=.venv/typecheck exec .venv/bin/mypy -p kyodo.core -p kyodo.robots -p kyodo.faq_bot -p kyodo.runner "$@"
