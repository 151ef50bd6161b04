#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: install (idempotent), lint, contracts, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
# Two processes: the engine's tests without Qt at all (pytest-qt off; a guard fails the run
# if anything imports it), then the designer's, so Qt objects left by GUI tests can never
# be torn down in the middle of an engine test.
.venv/bin/python -m pytest -q -p no:pytest-qt tests/engine "$@"
.venv/bin/python -m pytest -q tests/designer "$@"
