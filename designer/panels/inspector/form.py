"""The generated form for one model class: collapsible sections of labelled editors."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.editors.rows import FieldRows
from designer.panels.inspector.fields import FieldSpec, field_specs

_FIRST, _LAST = ("General",), ("Start",)


class _Section(QWidget):
    """A titled, collapsible group; its open/closed state is kept per title."""

    def __init__(self, title: str, content: QWidget, collapsed: dict[str, bool], parent: QWidget):
        super().__init__(parent)
        self.setObjectName("section")
        self._title, self._collapsed = title, collapsed
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("sectionHeader")
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.toggle.toggled.connect(self._set_open)
        self.frame = QFrame(self)
        self.frame.setObjectName("sectionBody")
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(12, 8, 12, 14)
        inner.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.frame)
        self.toggle.setChecked(not collapsed.get(title, False))
        self._set_open(self.toggle.isChecked())

    def _set_open(self, open_: bool) -> None:
        self._collapsed[self._title] = not open_
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.frame.setVisible(open_)

    def expand(self) -> None:
        """Open the section (to show a field inside it)."""
        self.toggle.setChecked(True)


class PropertyForm(QWidget):
    """Every editable field of `model`, grouped in sections; `committed(field, value)`."""

    committed = Signal(str, object)
    # Shared by all forms so that closing "Start" on one step keeps it closed on the next.
    collapsed_sections: ClassVar[dict[str, bool]] = {}

    def __init__(
        self, model: type[BaseModel], context: EditorContext, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._rows: list[FieldRows] = []
        self._section_of: dict[str, _Section] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for title, specs in _grouped(field_specs(model)):
            rows = FieldRows(specs, context, self, title=title)
            rows.committed.connect(self.committed)
            section = _Section(title, rows, self.collapsed_sections, self)
            layout.addWidget(section)
            self._rows.append(rows)
            self._section_of.update({spec.name: section for spec in specs})
        layout.addStretch(1)

    def add_section(self, title: str, content: QWidget) -> None:
        """Append a section that is not a field (read-only lists under a node's fields)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(
            layout.count() - 1, _Section(title, content, self.collapsed_sections, self)
        )

    def editor(self, field: str) -> FieldEditor | None:
        """The editor of a top-level field."""
        return next((r.editor(field) for r in self._rows if r.editor(field)), None)

    def field_names(self) -> set[str]:
        """The names of the top-level fields the form shows."""
        return set(self._section_of)

    def editors(self) -> dict[str, FieldEditor]:
        """Every top-level editor by field name."""
        return {name: e for rows in self._rows for name, e in rows.editors().items()}

    def set_values(self, data: dict[str, Any]) -> None:
        """Show a model's dumped data."""
        for rows in self._rows:
            rows.set_values(data)

    def forget_values(self) -> None:
        """Make the next `set_values` show every field anew (another element was selected)."""
        for editor in self.editors().values():
            editor.forget()

    def reveal(self, field: str) -> FieldEditor | None:
        """Open the field's section and focus its editor."""
        editor = self.editor(field)
        if editor is not None:
            self._section_of[field].expand()
            editor.focus_input()
        return editor


def _grouped(specs: list[FieldSpec]) -> list[tuple[str, list[FieldSpec]]]:
    groups: dict[str, list[FieldSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.section, []).append(spec)

    def rank(title: str) -> int:
        return -1 if title in _FIRST else 1 if title in _LAST else 0

    return sorted(groups.items(), key=lambda item: rank(item[0]))
