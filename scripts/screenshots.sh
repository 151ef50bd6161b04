#!/usr/bin/env bash
# The documentation's screenshots on a real X server (Xvfb), at 1024x700 and 1440x900, light
# and dark: every set goes to build/screenshots/SIZE-THEME/ for review, and the 1440x900
# light set replaces the pictures the docs show (docs/images/).
#   bash scripts/screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build/screenshots}"
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is needed (apt install xvfb)" >&2; exit 2; }
for size in 1024x700 1440x900; do
  for theme in light dark; do
    xvfb-run -a -s "-screen 0 ${size}x24" \
      .venv/bin/python scripts/screenshots.py --size "$size" --theme "$theme" --out "$out/$size-$theme"
    # The scale-out page's pictures: the designer on a Temporal dev server it starts.
    xvfb-run -a -s "-screen 0 ${size}x24" \
      .venv/bin/python scripts/screenshots_temporal.py --size "$size" --theme "$theme" \
      --out "$out/$size-$theme"
  done
done
cp "$out/1440x900-light/"*.png docs/images/
echo "screenshots: $out (all sets), docs/images (1440x900 light)"
