#!/usr/bin/env bash
# Runs the whole suite. pytest's exit code 5 ("no tests collected") is a failure here:
# a green run must have run tests.
set -uo pipefail
cd "$(dirname "$0")/.."
# Lint first ([tool.ruff] in pyproject.toml): pyflakes, bugbear, import order, modern syntax.
.venv/bin/ruff check . || { echo "ruff found problems: fix them (many with: .venv/bin/ruff check . --fix)" >&2; exit 1; }
# The layers ([tool.importlinter]): core < robots < faq_bot < runner, no import upward.
.venv/bin/lint-imports --no-cache || { echo "an import crosses the layers the wrong way (see docs/architecture.md)" >&2; exit 1; }
# Types ([tool.mypy]; strict on the core).
bash scripts/typecheck.sh || { echo "mypy found type errors" >&2; exit 1; }
# Two workers (the machine has 2 cores; most tests wait on Chromium, tesseract or a server).
# KYODO_TEST_WORKERS=0 runs everything in one process, e.g. to debug a failure.
.venv/bin/python -m pytest -n "${KYODO_TEST_WORKERS:-2}" "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "no tests were collected: failing on purpose" >&2
  exit 1
fi
exit "$rc"
