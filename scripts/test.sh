#!/usr/bin/env bash
# Everything CI checks, exactly as CI runs it: install (idempotent), lint, import contracts,
# declared dependencies, the two test processes, then the wheel installed alone into a fresh
# venv (scripts/wheel_check.sh) and the desktop bundle built and used as a user would
# (packaging/smoke_test.sh). Every check runs even when an earlier one failed; the script
# fails at the end and names each check that failed.
#
#     bash scripts/test.sh              # all of it (CI: .ci/run)
#     bash scripts/test.sh -x -k NAME   # arguments go to both pytest processes
#
# BATON_SKIP_PACKAGING=1 leaves the packaging checks out of a quicker local run; under
# CI=true it is refused, so CI always builds and tests what users install.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "test.sh: FAILED: scripts/setup.sh" >&2; exit 1; }

failed=()
check() {
  local name=$1 started=$SECONDS
  shift
  echo "test.sh: --- $name"
  if "$@"; then
    echo "test.sh: ok      $name ($((SECONDS - started)) s)"
  else
    echo "test.sh: FAILED  $name ($((SECONDS - started)) s)" >&2
    failed+=("$name")
  fi
}

# pytest, failing unless the session reached its end: a test that ends the process itself
# (os._exit) would otherwise pass the run with exit code 0 and the tests after it unrun.
# pytest writes its JUnit report only when the session finishes.
finished_pytest() {
  local report rc
  report=$(mktemp -u "${TMPDIR:-/tmp}/baton-pytest-XXXXXX.xml")
  .venv/bin/python -m pytest -q --junitxml="$report" "$@"
  rc=$?
  if ((rc == 0)) && [[ ! -s $report ]]; then
    echo "test.sh: pytest ended before its session did (no summary): a test ended the process" >&2
    rc=1
  fi
  rm -f "$report"
  return "$rc"
}

packaging=1
if [[ -n ${BATON_SKIP_PACKAGING:-} ]]; then
  if [[ ${CI:-} == true ]]; then
    echo "test.sh: BATON_SKIP_PACKAGING is not allowed under CI=true" >&2
    exit 1
  fi
  packaging=0
fi

check "ruff" .venv/bin/ruff check .
check "ruff format" .venv/bin/ruff format --check .
check "import contracts" .venv/bin/lint-imports
check "declared dependencies (deptry)" .venv/bin/deptry .
# Two processes: the engine's tests without Qt at all (pytest-qt off; a guard fails the run
# if anything imports it), then the designer's, so Qt objects left by GUI tests can never
# be torn down in the middle of an engine test.
check "engine tests" finished_pytest -p no:pytest-qt tests/engine "$@"
check "designer tests" finished_pytest tests/designer "$@"
check "docs site (mkdocs build --strict)" env NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet
if ((packaging)); then
  check "wheel (scripts/wheel_check.sh)" bash scripts/wheel_check.sh
  check "desktop bundle (packaging/smoke_test.sh)" bash packaging/smoke_test.sh
else
  echo "test.sh: skipped the packaging checks (BATON_SKIP_PACKAGING)"
fi

if ((${#failed[@]})); then
  echo "test.sh: FAILED (${#failed[@]}): $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" >&2
  exit 1
fi
echo "test.sh: all checks passed in $SECONDS s"
