"""The designer's formats for `baton export` (entry-point group `baton.exporters`).

Each exporter draws the definition in an offscreen scene with the canvas's own items, so an
image from the command line is exactly what the canvas shows. Registered in pyproject.toml:
svg, png (at 2x, crisp on high-density screens) and markdown (the engine's process
document with the SVG written beside it and linked from it).
"""

from __future__ import annotations

from pathlib import Path

from designer.canvas.export import export_png, export_svg
from designer.headless import scene_for
from engine.definition import Orchestration
from engine.definition.io import write_atomic
from engine.errors import InterchangeError
from engine.interchange import export_markdown


def export_svg_file(definition: Orchestration, output: Path) -> list[Path]:
    """Write the diagram as an SVG vector image."""
    scene = scene_for(definition)
    if not export_svg(scene, output, definition.name or definition.id):
        raise _not_written(output, "SVG")
    return [output]


def export_png_file(definition: Orchestration, output: Path) -> list[Path]:
    """Write the diagram as a PNG at twice its size on the canvas."""
    scene = scene_for(definition)
    if not export_png(scene, output, scale=2.0):
        raise _not_written(output, "PNG")
    return [output]


def export_markdown_file(definition: Orchestration, output: Path) -> list[Path]:
    """Write the process document and, beside it, the SVG it shows (OUT.md and OUT.svg)."""
    image = output.with_suffix(".svg")
    if image == output:  # `-o doc.svg --to markdown` must not overwrite the text with the image
        image = output.with_name(output.name + ".svg")
    export_svg_file(definition, image)
    # The link is relative, so the document and its image can move together.
    write_atomic(output, export_markdown(definition, image=image.name))
    return [output, image]


def _not_written(output: Path, kind: str) -> InterchangeError:
    return InterchangeError(
        f"Qt could not write the {kind} image",
        file=str(output),
        hint="check that the folder exists and is writable",
    )
