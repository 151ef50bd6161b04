"""File ▸ Import… and File ▸ Export ▸ (images, Markdown, BPMN, Salesforce).

An import opens as a new, unsaved orchestration (nothing on disk changes until the admin
saves), and whatever the source format held that Baton could not map is listed, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from designer.canvas.export import export_png, export_svg
from designer.file_export import export_markdown_file
from designer.window.actions import Entry, make_action
from designer.window.host import DiagramHost, UnsavedLoader
from engine.definition import Orchestration
from engine.definition.io import write_atomic
from engine.errors import BatonError
from engine.interchange import Report, export_bpmn, export_salesforce, import_file

IMPORT_FILTER = "BPMN or Salesforce flow (*.bpmn *.xml);;All files (*)"

# (text to write, what could not be carried over) for one definition.
Producer = Callable[[Orchestration], tuple[str, Report | None]]


class InterchangeActions:
    """Import, and the exports to images, Markdown, BPMN 2.0 and Salesforce."""

    def __init__(self, host: DiagramHost, files: UnsavedLoader) -> None:
        self._host, self._files = host, files
        parent = host.widget
        self.import_action = make_action(
            parent, "&Import BPMN or Salesforce…", self.import_dialog, "Ctrl+I"
        )
        self.export_png_action = make_action(parent, "PNG image…", self.export_png_dialog)
        self.export_svg_action = make_action(parent, "SVG image…", self.export_svg_dialog)
        self.export_markdown_action = make_action(
            parent,
            "Markdown document…",
            self.export_markdown_dialog,
            tip="A readable process document with the diagram beside it",
        )
        self.export_bpmn_action = make_action(parent, "&BPMN 2.0…", self.export_bpmn_dialog)
        self.export_salesforce_action = make_action(
            parent, "&Salesforce Orchestrator…", self.export_salesforce_dialog
        )

    def actions(self) -> list[QAction]:
        """Import and every export."""
        return [
            self.import_action,
            self.export_png_action,
            self.export_svg_action,
            self.export_markdown_action,
            self.export_bpmn_action,
            self.export_salesforce_action,
        ]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """import; images (PNG, SVG, Markdown); formats (BPMN, Salesforce)."""
        return {
            "import": [self.import_action],
            "images": [
                self.export_png_action,
                self.export_svg_action,
                self.export_markdown_action,
            ],
            "formats": [self.export_bpmn_action, self.export_salesforce_action],
        }

    # --- import -----------------------------------------------------------------------------

    def import_dialog(self) -> bool:
        """Ask for a file and import it as a new unsaved orchestration."""
        name, _ = QFileDialog.getOpenFileName(self._host.widget, "Import", "", IMPORT_FILTER)
        return self.import_path(Path(name)) if name else False

    def import_path(self, path: Path) -> bool:
        """Import `path`; refusals and the import report are shown, the disk is untouched."""
        if not self._files.confirm_discard():
            return False
        try:
            result = import_file(path)
        except BatonError as exc:
            QMessageBox.critical(self._host.widget, "Cannot import", str(exc))
            return False
        self._files.load_unsaved(result.definition)
        _show_report(self._host.widget, f"Imported {path.name}", result.report)
        return True

    # --- export -----------------------------------------------------------------------------

    def export_bpmn_dialog(self) -> None:
        """File ▸ Export ▸ BPMN 2.0."""
        self._export("BPMN 2.0", ".bpmn", "BPMN 2.0 (*.bpmn)", lambda d: (export_bpmn(d), None))

    def export_salesforce_dialog(self) -> None:
        """File ▸ Export ▸ Salesforce Orchestrator (with what could not be mapped)."""

        def produce(definition: Orchestration) -> tuple[str, Report | None]:
            result = export_salesforce(definition)
            return result.text, result.report

        self._export("Salesforce", ".flow-meta.xml", "Salesforce flow (*.flow-meta.xml)", produce)

    def export_png_dialog(self) -> None:
        """File ▸ Export ▸ PNG: the whole diagram at twice its size."""
        name = self._ask("PNG", ".png", "PNG image (*.png)")
        if name:
            export_png(self._host.scene, Path(name))

    def export_svg_dialog(self) -> None:
        """File ▸ Export ▸ SVG: the whole diagram as a vector image."""
        name = self._ask("SVG", ".svg", "SVG image (*.svg)")
        if name:
            export_svg(self._host.scene, Path(name), self._host.document.definition.name)

    def export_markdown_dialog(self) -> None:
        """File ▸ Export ▸ Markdown: the process document, with its SVG written beside it."""
        name = self._ask("Markdown", ".md", "Markdown (*.md)")
        if name:
            try:
                export_markdown_file(self._host.document.definition, Path(name))
            except BatonError as exc:
                QMessageBox.critical(self._host.widget, "Cannot export", str(exc))

    def _ask(self, title: str, suffix: str, file_filter: str) -> str:
        path = self._host.current_path()
        folder = path.parent if path else Path.home()
        start = str(folder / f"{self._host.document.definition.id}{suffix}")
        name, _ = QFileDialog.getSaveFileName(
            self._host.widget, f"Export {title}", start, file_filter
        )
        return name

    def _export(self, title: str, suffix: str, file_filter: str, produce: Producer) -> None:
        host = self._host
        name = self._ask(title, suffix, file_filter)
        if not name:
            return
        try:
            text, report = produce(host.document.definition)
            write_atomic(Path(name), text)
        except (BatonError, OSError) as exc:
            QMessageBox.critical(host.widget, "Cannot export", str(exc))
            return
        host.show_message(f"Exported {Path(name).name}", 5000)
        if report:
            _show_report(host.widget, f"Exported to {title}", report)


def _show_report(parent: QWidget, title: str, report: Report | None) -> None:
    if not report:
        return
    lines = report.lines()
    shown = "\n".join(f"• {line}" for line in lines[:15])
    more = f"\n… and {len(lines) - 15} more" if len(lines) > 15 else ""
    QMessageBox.information(
        parent, title, f"Some parts could not be carried over exactly:\n\n{shown}{more}"
    )
