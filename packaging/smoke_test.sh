#!/usr/bin/env bash
# What a user does with the desktop bundle, run from dist/baton/baton with nothing of the
# developer's around it: no Python, venv or project on PATH, a temporary HOME, Qt's offscreen
# platform. scripts/test.sh runs it after the test suites (CI builds the bundle every time,
# so a dependency release that breaks the bundle fails CI instead of reaching users).
#
#   - `baton --version` matches pyproject.toml;
#   - every bundled example: `baton selftest FILE` (opens it in the designer window, checks
#     icons, validates, simulates 10 runs, renders PNG, SVG and Markdown), `baton validate`,
#     `baton simulate`, and `baton export --to png|svg|markdown|bpmn`;
#   - a run on a fresh SQLite file in that HOME: add a user, activate, start, complete the
#     work item, and the run is completed;
#   - `--runtime temporal://…` is recognised (the bundle ships the `temporal` extra's SDK):
#     a server that is not there is named in one line, exit 2; and when a `temporal` CLI is
#     at hand (the development venv's, or PATH), the same run on a dev server, with the
#     bundle's own `baton worker`;
#   - the tarball unpacks, its install.sh puts the menu entry and icons into a temporary
#     XDG_DATA_HOME, `desktop-file-validate` passes on the installed entry, the installed
#     `baton` starts, and `install.sh --uninstall` removes what it added.
#
#     bash packaging/smoke_test.sh            # build (packaging/build.sh), then test
#     bash packaging/smoke_test.sh --no-build # test the dist/ already there
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
if [[ "${1:-}" != "--no-build" ]]; then
  bash packaging/build.sh
fi
started=$(date +%s)
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
command -v desktop-file-validate >/dev/null \
  || fail "desktop-file-validate is missing (Debian's desktop-file-utils; scripts/setup.sh installs it)"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
bundle=$repo/dist/baton/baton
examples=$repo/dist/baton/_internal/baton_resources/examples
tarballs=("$repo"/dist/baton-"$version"-linux-*.tar.gz)
[[ -x $bundle ]] || fail "no $bundle; build it with packaging/build.sh"
[[ -f ${tarballs[0]} ]] || fail "no dist/baton-$version-linux-*.tar.gz; build it with packaging/build.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
home=$out/home
mkdir -p "$home" "$out/empty-path" "$out/files"
# The bundle sees only what a freshly logged-in user has: env -i drops PYTHONPATH,
# VIRTUAL_ENV, BATON_* and the developer's PATH; PATH is an empty folder.
in_bundle_env() {
  env -i HOME="$home" LANG=C.UTF-8 PATH="$out/empty-path" QT_QPA_PLATFORM=offscreen "$@"
}
baton() { in_bundle_env "$bundle" "$@"; }
has() { grep -q "$2" "$1" || fail "$1 does not contain '$2'"; }

[[ $(baton --version) == "baton $version" ]] || fail "baton --version is not 'baton $version'"
echo "smoke: ok  baton --version"

shopt -s nullglob
definitions=("$examples"/*.baton.json)
((${#definitions[@]})) || fail "the bundle carries no examples in $examples"
for file in "${definitions[@]}"; do
  name=$(basename "$file" .baton.json)
  baton selftest "$file" --out "$out/files/$name-selftest" >"$out/selftest.log" 2>&1 \
    || { cat "$out/selftest.log" >&2; fail "baton selftest $name"; }
  baton validate "$file" >/dev/null
  baton simulate "$file" --runs 20 --seed 1 >"$out/files/$name-simulation.txt"
  for format in png svg markdown bpmn; do
    baton export "$file" --to "$format" -o "$out/files/$name.$format" >/dev/null
  done
  [[ $(head -c 4 "$out/files/$name.png" | tail -c 3) == PNG ]] || fail "$name.png is not a PNG"
  has "$out/files/$name.svg" "<svg"
  has "$out/files/$name.markdown" "^# "
  has "$out/files/$name.bpmn" "bpmn:definitions\|<definitions"
  echo "smoke: ok  $name: selftest, validate, simulate, export png svg markdown bpmn"
done

# A run on a fresh database: with no --db and no BATON_DB, the SQLite file in the HOME.
baton users add sam --queue sales_ops >/dev/null
baton activate "$examples/deal_desk_approval.baton.json" >/dev/null
run=$(baton start deal_desk_approval --input deal_name=Acme --input amount=1000 \
  --input owner_email=sam@example.com)
item=$(baton work list --as sam | awk -v run="$run" '$2 == run { print $1 }')
[[ $item == wi-* ]] || fail "no work item for sam in run $run"
baton work complete "$item" --as sam --output discount=5 >/dev/null
shown=$(baton show "$run")
[[ ${shown%%$'\n'*} == *" completed" ]] || fail "run $run did not complete: $shown"
[[ -n $(find "$home" -name '*.db' -size +0) ]] || fail "no SQLite file under the temporary HOME"
echo "smoke: ok  run $run started, work item completed, run completed (SQLite in \$HOME)"

# Temporal: the runtime address is understood, and a run goes through a dev server.
refused=$(baton --runtime temporal://127.0.0.1:1/default runs 2>&1) && code=0 || code=$?
((code == 2)) || fail "baton --runtime temporal://... runs exited $code, not 2: $refused"
[[ $refused == "baton: error: cannot reach Temporal at temporal://127.0.0.1:1/default"* ]] \
  || fail "the bundle does not reach for Temporal: $refused"
echo "smoke: ok  --runtime temporal://... recognised (unreachable server named, exit 2)"
temporal_cli=$repo/.venv/bin/temporal
[[ -x $temporal_cli ]] || temporal_cli=$(command -v temporal || true)
if [[ -n $temporal_cli ]]; then
  free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  }
  port=$(free_port)
  "$temporal_cli" server start-dev --headless --ip 127.0.0.1 --port "$port" \
    --http-port "$(free_port)" --metrics-port "$(free_port)" --db-filename "$out/temporal.db" \
    --log-level error >"$out/temporal.log" 2>&1 &
  server=$!
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
  temporal_env=(BATON_RUNTIME="temporal://127.0.0.1:$port/default" BATON_DB="$out/catalogue.db"
                BATON_USER=sam)
  on_temporal() { in_bundle_env "${temporal_env[@]}" "$bundle" "$@"; }
  for _ in $(seq 120); do
    on_temporal users add sam --queue sales_ops >/dev/null 2>&1 && break
    sleep 1
  done
  # Started directly (not through a function, which would background a subshell), so
  # $! is the worker itself.
  env -i HOME="$home" LANG=C.UTF-8 PATH="$out/empty-path" QT_QPA_PLATFORM=offscreen \
    "${temporal_env[@]}" "$bundle" worker >"$out/worker.log" 2>&1 &
  worker=$!
  on_temporal activate "$examples/deal_desk_approval.baton.json" >/dev/null
  run=$(on_temporal start deal_desk_approval --input deal_name=Acme --input amount=1000 \
    --input owner_email=sam@example.com) || { cat "$out/worker.log" >&2; fail "start on Temporal"; }
  item=$(on_temporal work list --as sam | awk -v run="$run" '$2 == run { print $1 }')
  [[ $item == wi-* ]] || { cat "$out/worker.log" >&2; fail "no work item for sam in run $run on Temporal"; }
  on_temporal work complete "$item" --as sam --output discount=5 >/dev/null
  shown=$(on_temporal show "$run")
  [[ ${shown%%$'\n'*} == *" completed" ]] || fail "run $run on Temporal did not complete: $shown"
  kill "$worker" "$server"
  wait "$worker" "$server" 2>/dev/null || true
  echo "smoke: ok  run $run on a Temporal dev server with the bundle's worker: completed"
elif [[ ${CI:-} == true ]]; then
  fail "no temporal CLI (scripts/setup.sh installs the temporal extra): CI must try the run"
else
  echo "smoke: note: no temporal CLI here; the run on a dev server was not tried"
fi

# The tarball as a user gets it, installed for one user into a temporary XDG_DATA_HOME.
mkdir -p "$out/unpacked"
tar -C "$out/unpacked" -xzf "${tarballs[0]}"
app=$out/unpacked/baton-$version
data=$out/xdg-data
in_bundle_env PATH=/usr/bin:/bin XDG_DATA_HOME="$data" sh "$app/install.sh" >/dev/null
entry=$data/applications/baton.desktop
[[ -f $entry ]] || fail "install.sh installed no $entry"
desktop-file-validate "$entry" || fail "desktop-file-validate rejects the installed entry"
has "$entry" "^Exec=\"$app/baton\" designer %f"
icons=("$data"/icons/hicolor/*/apps/baton.png)
((${#icons[@]} >= 5)) || fail "install.sh installed ${#icons[@]} icon sizes under $data/icons"
[[ $(in_bundle_env "$home/.local/bin/baton" --version) == "baton $version" ]] \
  || fail "the installed ~/.local/bin/baton does not start"
in_bundle_env PATH=/usr/bin:/bin XDG_DATA_HOME="$data" sh "$app/install.sh" --uninstall >/dev/null
[[ ! -e $entry && ! -e $home/.local/bin/baton ]] || fail "install.sh --uninstall left files"
echo "smoke: ok  tarball: install.sh, desktop-file-validate, ${#icons[@]} icon sizes, uninstall"

echo "smoke: the bundle works (dist/baton $(du -sh dist/baton | cut -f1)," \
  "$(basename "${tarballs[0]}") $(du -sh "${tarballs[0]}" | cut -f1)," \
  "checked in $(($(date +%s) - started)) s)"
