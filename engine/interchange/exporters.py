"""Export formats that other packages add to `baton export` (entry-point group `baton.exporters`).

The engine writes BPMN and Salesforce metadata itself. Formats that need Qt — the diagram as
SVG or PNG, and the Markdown document that embeds the SVG — come from the designer, which
the engine must never import; the designer names them in its package metadata instead:

    [project.entry-points."baton.exporters"]
    svg = "designer.file_export:export_svg_file"

An exporter is called as `exporter(definition, output)` and returns the files it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from engine.definition.models import Orchestration
from engine.errors import InterchangeError

EXPORTERS_ENTRY_POINT_GROUP = "baton.exporters"
DESIGNER_FORMATS = ("svg", "png", "markdown")
"""Formats the designer provides; named here only to explain their absence clearly."""

Exporter = Callable[[Orchestration, Path], list[Path]]


def plugin_formats() -> dict[str, EntryPoint]:
    """Export formats registered by installed packages, by name."""
    return {ep.name: ep for ep in entry_points(group=EXPORTERS_ENTRY_POINT_GROUP)}


def load_exporter(name: str, builtin: tuple[str, ...] = ()) -> Exporter:
    """The exporter registered for `name`.

    Raises:
        InterchangeError: no installed package provides the format, or its provider cannot
            be loaded (for instance the designer installed without a working Qt).
    """
    found = plugin_formats()
    entry = found.get(name)
    if entry is None:
        known = ", ".join(sorted({*builtin, *found}))
        if name in DESIGNER_FORMATS:
            raise InterchangeError(
                f"export to {name} comes with the designer, which is not installed here",
                hint=f"install Baton with its designer (PySide6), or choose one of: {known}",
            )
        raise InterchangeError(f"unknown export format {name!r}", hint=f"choose one of: {known}")
    try:
        exporter = entry.load()
    except ImportError as exc:
        raise InterchangeError(
            f"the {name} exporter ({entry.value}) cannot be loaded: {exc}",
            hint="reinstall Baton with its designer",
        ) from exc
    return exporter
