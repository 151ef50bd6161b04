#!/usr/bin/env sh
# Adds Baton to your desktop's application menu and puts `baton` on your PATH, for you only
# (under ~/.local; no root needed). Run it from the unpacked bundle folder; run it again
# after moving the folder. Remove with: install.sh --uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$data/applications/baton.desktop" "$bin/baton"
  find "$data/icons/hicolor" -path '*/apps/baton.png' -delete 2>/dev/null || true
  echo "Baton removed from the menu and from $bin (the bundle folder itself is untouched)."
  exit 0
fi

mkdir -p "$data/applications" "$data/icons" "$bin"
cp -R "$here/share/icons/hicolor" "$data/icons/"
# The menu entry names the bundle by its absolute path: ~/.local/bin is not on every
# desktop session's PATH.
sed -e "s|^Exec=baton |Exec=\"$here/baton\" |" -e "s|^TryExec=baton|TryExec=$here/baton|" \
  "$here/share/applications/baton.desktop" > "$data/applications/baton.desktop"
ln -sf "$here/baton" "$bin/baton"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$data/icons/hicolor" 2>/dev/null || true
echo "Baton is in your application menu; 'baton' is in $bin."
