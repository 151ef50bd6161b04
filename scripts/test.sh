#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: install (idempotent), lint, contracts, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
