"""File ▸ Import… and File ▸ Export ▸ BPMN / Salesforce: the engine's interchange, from the menus.

An import opens as a new, unsaved orchestration (nothing on disk changes until the admin
saves), and whatever the source format held that Baton could not map is listed, never dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from designer.canvas.export import export_png, export_svg
from designer.file_export import export_markdown_file
from engine.definition.io import write_atomic
from engine.errors import BatonError
from engine.interchange import Report, export_bpmn, export_salesforce, import_file

if TYPE_CHECKING:
    from designer.main_window import MainWindow

IMPORT_FILTER = "BPMN or Salesforce flow (*.bpmn *.xml);;All files (*)"


class InterchangeMenu:
    """Adds the import and the BPMN/Salesforce exports to the window's File menu."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        file_menu = _submenu(window.menuBar().actions(), "File")
        export_menu = _submenu(file_menu.actions(), "Export") if file_menu else None
        self.import_action = QAction("&Import BPMN or Salesforce…", window)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_dialog)
        self.export_bpmn_action = QAction("&BPMN 2.0…", window)
        self.export_bpmn_action.triggered.connect(self.export_bpmn_dialog)
        self.export_salesforce_action = QAction("&Salesforce Orchestrator…", window)
        self.export_salesforce_action.triggered.connect(self.export_salesforce_dialog)
        if file_menu is not None and export_menu is not None:
            file_menu.insertAction(export_menu.menuAction(), self.import_action)
            export_menu.addSeparator()
            export_menu.addActions([self.export_bpmn_action, self.export_salesforce_action])

    def import_dialog(self) -> bool:
        """Ask for a file and import it as a new unsaved orchestration."""
        name, _ = QFileDialog.getOpenFileName(self._window, "Import", "", IMPORT_FILTER)
        return self.import_path(Path(name)) if name else False

    def import_path(self, path: Path) -> bool:
        """Import `path`; refusals and the import report are shown, the disk is untouched."""
        window = self._window
        if not window.confirm_discard():
            return False
        try:
            result = import_file(path)
        except BatonError as exc:
            QMessageBox.critical(window, "Cannot import", str(exc))
            return False
        window.load_unsaved(result.definition)
        _show_report(window, f"Imported {path.name}", result.report)
        return True

    def export_bpmn_dialog(self) -> None:
        self._export("BPMN 2.0", ".bpmn", "BPMN 2.0 (*.bpmn)", lambda d: (export_bpmn(d), None))

    def export_salesforce_dialog(self) -> None:
        def produce(definition):
            result = export_salesforce(definition)
            return result.text, result.report

        self._export(
            "Salesforce", ".flow-meta.xml", "Salesforce flow (*.flow-meta.xml)", produce
        )

    def export_to(self, path: Path, fmt: str) -> bool:
        """Write the open orchestration to `path` as `bpmn` or `salesforce` (no dialogs)."""
        definition = self._window.document.definition
        if fmt == "bpmn":
            text, report = export_bpmn(definition), None
        else:
            result = export_salesforce(definition)
            text, report = result.text, result.report
        write_atomic(path, text)
        return report is None or not report

    def export_png_dialog(self) -> None:
        """File ▸ Export ▸ PNG: the whole diagram at twice its size."""
        name = self._ask("PNG", ".png", "PNG image (*.png)")
        if name:
            export_png(self._window.scene, Path(name))

    def export_svg_dialog(self) -> None:
        """File ▸ Export ▸ SVG: the whole diagram as a vector image."""
        name = self._ask("SVG", ".svg", "SVG image (*.svg)")
        if name:
            export_svg(self._window.scene, Path(name), self._window.document.definition.name)

    def export_markdown_dialog(self) -> None:
        """File ▸ Export ▸ Markdown: the process document, with its SVG written beside it."""
        name = self._ask("Markdown", ".md", "Markdown (*.md)")
        if name:
            try:
                export_markdown_file(self._window.document.definition, Path(name))
            except BatonError as exc:
                QMessageBox.critical(self._window, "Cannot export", str(exc))

    def _ask(self, title: str, suffix: str, file_filter: str) -> str:
        window = self._window
        start = str((window.path.parent if window.path else Path.home())
                    / f"{window.document.definition.id}{suffix}")
        name, _ = QFileDialog.getSaveFileName(window, f"Export {title}", start, file_filter)
        return name

    def _export(self, title: str, suffix: str, file_filter: str, produce) -> None:
        window = self._window
        name = self._ask(title, suffix, file_filter)
        if not name:
            return
        try:
            text, report = produce(window.document.definition)
            write_atomic(Path(name), text)
        except (BatonError, OSError) as exc:
            QMessageBox.critical(window, "Cannot export", str(exc))
            return
        window.statusBar().showMessage(f"Exported {Path(name).name}", 5000)
        if report:
            _show_report(window, f"Exported to {title}", report)


def _submenu(actions: list[QAction], title: str) -> QMenu | None:
    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return None


def _show_report(window: MainWindow, title: str, report: Report | None) -> None:
    if not report:
        return
    lines = report.lines()
    shown = "\n".join(f"• {line}" for line in lines[:15])
    more = f"\n… and {len(lines) - 15} more" if len(lines) > 15 else ""
    QMessageBox.information(
        window, title, f"Some parts could not be carried over exactly:\n\n{shown}{more}"
    )
