#!/usr/bin/env bash
# The Python package on its own, as `pip install baton-studio` gives it. Builds the sdist and,
# from it, the wheel (python -m build), checks what they carry, installs the wheel into a
# fresh virtual env with no extras, and uses it from outside the checkout (a temporary folder
# and HOME, Qt's offscreen platform): `baton --version`, `baton selftest`, `baton validate`,
# `baton export --to png` on a bundled example, `baton designer --screenshot`, and usage
# mistakes that must end in a usage message with exit 2, not a traceback.
# scripts/test.sh runs it; about a minute with a warm pip cache.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
fail() { echo "wheel: FAILED: $*" >&2; exit 1; }

work=$repo/build/wheel-check
rm -rf "$work"
mkdir -p "$work/home" "$work/run"
.venv/bin/python -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 \
  || { tail -20 "$work/build.log" >&2; fail "python -m build"; }
wheels=("$work"/dist/baton_studio-*.whl)
sdists=("$work"/dist/baton_studio-*.tar.gz)
[[ -f ${wheels[0]} && -f ${sdists[0]} ]] || fail "python -m build made no wheel and sdist"

# What the archives carry: the resources as package data, the licence and notice.
.venv/bin/python - "${wheels[0]}" "${sdists[0]}" <<'EOF' || fail "the archives are incomplete"
import sys, tarfile, zipfile
from pathlib import Path

wheel = zipfile.ZipFile(sys.argv[1]).namelist()
sdist = tarfile.open(sys.argv[2]).getnames()
examples = sorted(Path("resources/examples").glob("*.json"))
icons = sorted(Path("resources/icons").glob("*.svg"))
wanted_in_wheel = [f"baton_resources/examples/{p.name}" for p in examples]
wanted_in_wheel += [f"baton_resources/icons/{p.name}" for p in icons]
missing = [n for n in wanted_in_wheel if n not in wheel]
missing += [n for n in ("LICENSE", "NOTICE") if not any(w.endswith(f"licenses/{n}") for w in wheel)]
missing += [n for n in ("LICENSE", "NOTICE", *map(str, examples)) if not any(s.endswith("/" + n) for s in sdist)]
if missing:
    sys.exit(f"wheel: missing from the wheel or sdist: {', '.join(missing)}")
EOF

"${PYTHON:-python3}" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "${wheels[0]}" >"$work/install.log" 2>&1 \
  || { tail -20 "$work/install.log" >&2; fail "pip install of the wheel"; }

# Nothing from the checkout or the development venv: a clean environment in a temporary folder.
in_wheel_env() {
  (cd "$work/run" && env -i HOME="$work/home" LANG=C.UTF-8 PATH="$work/venv/bin:/usr/bin:/bin" \
    QT_QPA_PLATFORM=offscreen "$@")
}
example=$(in_wheel_env python -c \
  'from engine.resources import example_path; print(example_path("deal_desk_approval.baton.json") or "")')
[[ $example == "$work/venv/"* ]] || fail "the installed package has no bundled examples ($example)"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
[[ $(in_wheel_env baton --version) == "baton $version" ]] || fail "baton --version"
in_wheel_env baton selftest >"$work/selftest.log" 2>&1 \
  || { cat "$work/selftest.log" >&2; fail "baton selftest"; }
in_wheel_env baton validate "$example" >/dev/null || fail "baton validate $example"
in_wheel_env baton export "$example" --to png -o deal.png >/dev/null || fail "baton export --to png"
[[ $(head -c 4 "$work/run/deal.png" | tail -c 3) == PNG ]] || fail "the exported deal.png is no PNG"
in_wheel_env baton designer "$example" --screenshot window.png >/dev/null 2>&1 \
  || fail "baton designer --screenshot"
[[ -s $work/run/window.png ]] || fail "baton designer --screenshot wrote no picture"

for mistake in "frobnicate" "runs --bogus"; do
  # shellcheck disable=SC2086 # the mistake is several words on purpose
  if in_wheel_env baton $mistake >"$work/usage.log" 2>&1; then rc=0; else rc=$?; fi
  [[ $rc == 2 ]] || { cat "$work/usage.log" >&2; fail "baton $mistake exits $rc, not 2"; }
  ! grep -q Traceback "$work/usage.log" || { cat "$work/usage.log" >&2; fail "baton $mistake"; }
done
echo "wheel: ok  $(basename "${wheels[0]}") and $(basename "${sdists[0]}") in a fresh venv:" \
  "version, selftest, validate, export png, designer screenshot, usage errors" \
  "($((SECONDS - started)) s)"
