"""Render the application icon (resources/icons/baton-app.svg) for the desktop bundle.

Run at build time by packaging/build.sh, so no rendered PNGs are kept in git:

    python packaging/icons.py OUT_DIR

writes OUT_DIR/hicolor/<n>x<n>/apps/baton.png for the freedesktop icon theme (Linux menus),
OUT_DIR/baton.png (256 px, the window and .desktop fallback), OUT_DIR/baton.ico (Windows
executable icon) and OUT_DIR/baton.icns (macOS app bundle), all drawn by Qt's SVG renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "resources" / "icons" / "baton-app.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render_icons(out: Path) -> list[Path]:
    """Write every icon file; returns their paths. Raises RuntimeError if Qt cannot."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a build machine has no display
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise RuntimeError(f"Qt cannot read {SOURCE}")
    written: list[Path] = []

    def save(image: QImage, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path)):
            raise RuntimeError(f"Qt could not write {path}")
        written.append(path)

    images = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        images[size] = image
        save(image, out / "hicolor" / f"{size}x{size}" / "apps" / "baton.png")
    save(images[256], out / "baton.png")
    # Qt's ICO and ICNS writers store one image each; Windows and macOS scale it down.
    save(images[256], out / "baton.ico")
    save(images[512], out / "baton.icns")
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python packaging/icons.py OUT_DIR")
    for path in render_icons(Path(sys.argv[1])):
        print(f"icons: wrote {path}")
