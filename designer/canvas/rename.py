"""Rename in place: a line edit over the element's name (double-click or F2).

Enter commits one RenameCommand with the new name (the id follows a name it was made from);
Escape or leaving the field without changes pushes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QMessageBox

from designer.canvas import geometry, theme
from designer.canvas.items import StageItem, StepCardItem
from designer.commands import RenameCommand, references
from designer.commands.references import RenameWithReferencesCommand

if TYPE_CHECKING:
    from designer.canvas.view import DiagramView


class RenameEditor(QLineEdit):
    """The one in-place name editor of a view."""

    def __init__(self, view: DiagramView) -> None:
        super().__init__(view.viewport())
        self._view = view
        self._key: str | None = None
        self.hide()
        self.restyle()
        self.returnPressed.connect(self.commit)
        self.installEventFilter(self)

    def restyle(self) -> None:
        """Colours of the current palette (light/dark)."""
        self.setStyleSheet(
            f"QLineEdit {{ border: 2px solid {theme.ACCENT.name()}; border-radius: 4px;"
            f" padding: 1px 4px; background: {theme.SURFACE.name()};"
            f" color: {theme.TEXT.name()}; }}"
        )

    def start(self, key: object) -> None:
        """Open the editor over an element's name."""
        if not isinstance(key, str):
            return
        scene = self._view.diagram
        item = scene.item_for(key)
        element = scene.document.element(key)
        if item is None or element is None:
            return
        if isinstance(item, StageItem):
            area = QRectF(34, 8, geometry.STAGE_WIDTH - 44, 28)
        elif isinstance(item, StepCardItem):
            area = QRectF(36, 4, item.width - 40, 22)
        elif getattr(item, "kind", None) in ("start", "end"):
            area = QRectF(item.width / 2 - 80, item.height + 2, 160, 22)
        else:  # decisions carry their name above the diamond
            area = QRectF(item.width / 2 - 80, -geometry.LABEL_HEIGHT - 4, 160, 22)
        rect = self._view.mapFromScene(item.mapToScene(area)).boundingRect()
        self._key = key
        self.setGeometry(rect.x(), rect.y(), max(rect.width(), 120), max(rect.height(), 24))
        self.setText(element.name or "")
        self.selectAll()
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def commit(self) -> None:
        """Push the rename (if the name changed) and close."""
        key, self._key = self._key, None
        self.hide()
        if key is None:
            return
        scene = self._view.diagram
        element = scene.document.element(key)
        name = self.text().strip()
        if element is None or name == (element.name or ""):
            return
        command: RenameCommand | RenameWithReferencesCommand = RenameCommand(
            scene.document, key, name
        )
        offered = references.offer_for_name(scene.document, key, name)
        if offered is not None:
            count = references.reference_count(scene.document, key)
            answer = QMessageBox.question(
                self._view,
                "Update references?",
                references.question(key, offered, count),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                command = RenameWithReferencesCommand(scene.document, key, offered, name)
        scene.push(command)
        scene.select_keys([command.new_id])
        self._view.setFocus()

    def cancel(self) -> None:
        """Close without changing anything."""
        self._key = None
        self.hide()
        self._view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.cancel()
                return True
        if watched is self and event.type() == QEvent.Type.FocusOut and self._key is not None:
            self.commit()
        return super().eventFilter(watched, event)
