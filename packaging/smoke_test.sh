#!/usr/bin/env bash
# Builds the desktop bundle and runs its self-test on Qt's offscreen platform: opens an
# example in the designer window, validates it, simulates 10 runs, renders a PNG (and the
# SVG + Markdown document), and checks `baton --version` and an export from the bundle.
# Slow (a full PyInstaller build), so not part of scripts/test.sh:
#
#     bash packaging/smoke_test.sh            # build, then test dist/baton
#     bash packaging/smoke_test.sh --no-build # test the dist/baton already there
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" != "--no-build" ]]; then
  bash packaging/build.sh
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export QT_QPA_PLATFORM=offscreen
# A home of its own: the bundle must need nothing from the developer's environment.
export HOME=$out/home XDG_CONFIG_HOME=$out/home/.config XDG_DATA_HOME=$out/home/.local/share
mkdir -p "$HOME"
bundle=dist/baton/baton

expected=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
[[ $("$bundle" --version) == "baton $expected" ]] || { echo "smoke: wrong version" >&2; exit 1; }
"$bundle" selftest --out "$out/selftest"
"$bundle" validate dist/baton/_internal/resources/examples/*.baton.json
"$bundle" export dist/baton/_internal/resources/examples/deal_desk_approval.baton.json \
  --to bpmn -o "$out/deal.bpmn"
tar -tzf dist/baton-"$expected"-linux-*.tar.gz > "$out/tarball.txt"
grep -qx "baton-$expected/baton" "$out/tarball.txt" \
  || { echo "smoke: the tarball has no baton-$expected/baton" >&2; exit 1; }
echo "smoke: the bundle works ($(du -sh dist/baton | cut -f1))"
