"""The inspector's header: the element's icon, its name, and what kind of thing it is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from designer.commands.step_type import STEP_TYPES
from designer.document import Document
from designer.panels.icons import KIND_LABELS, kind_icon


class InspectorHeader(QFrame):
    """Icon, title (name or id), a grey subtitle (kind, id, where it lives) and, for steps,
    a menu to change the step's type (`type_chosen(type)`)."""

    type_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorHeader")
        self.icon = QLabel(self)
        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("inspectorSubtitle")
        self.title.setWordWrap(True)
        self.subtitle.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        self.change_type = QToolButton(self)
        self.change_type.setObjectName("changeType")
        self.change_type.setText("Type")
        self.change_type.setToolTip("Change the step's type; ID, name and start stay")
        self.change_type.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._type_menu = QMenu(self.change_type)
        for step_type in STEP_TYPES:
            # Actions are parented to the menu (not kept in Python), so Qt alone owns them.
            action = QAction(kind_icon(step_type), KIND_LABELS[step_type], self._type_menu)
            action.setCheckable(True)
            action.setData(step_type)
            action.triggered.connect(lambda _=False, t=step_type: self._choose_type(t))
            self._type_menu.addAction(action)
        self.change_type.setMenu(self._type_menu)
        layout.addWidget(self.icon)
        layout.addLayout(text, 1)
        layout.addWidget(self.change_type)

    def show_element(self, kind: str, title: str, subtitle: str) -> None:
        """Show one element (or the orchestration) by kind name."""
        self.icon.setPixmap(kind_icon(kind, 22).pixmap(22, 22))
        self.icon.setVisible(bool(kind))
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.change_type.setVisible(kind in STEP_TYPES)
        for action in self._type_menu.actions():
            action.setChecked(action.data() == kind)

    def type_action(self, step_type: str) -> QAction:
        """The menu entry that turns the shown step into `step_type`."""
        return next(a for a in self._type_menu.actions() if a.data() == step_type)

    def _choose_type(self, step_type: str) -> None:
        self.type_action(step_type).setChecked(True)
        self.type_chosen.emit(step_type)

    def show_current(self, document: Document, kind: str, current: Any) -> None:
        """Describe what the inspector shows: the orchestration, a flow, a node or a step."""
        if kind == "orchestration":
            self.show_element(
                "orchestration",
                current.name or current.id,
                f"Orchestration · {current.id} · v{current.version} · "
                f"{current.trigger.type} trigger",
            )
        elif kind == "flow":
            ends = (current.source, current.target)
            nodes = [document.element(end) for end in ends]
            title = " → ".join(
                (node.name or node.id) if node else end
                for node, end in zip(nodes, ends, strict=True)
            )
            role = "default flow" if current.default else "flow"
            if current.condition and not current.default:
                role = "conditional flow"
            self.show_element("flow", title, f"Flow · {ends[0]} → {ends[1]} · {role}")
        else:
            stage = document.stage_of(current.id)
            where = f" · in {stage.name or stage.id}" if stage is not None else ""
            label = KIND_LABELS.get(current.type, current.type)
            self.show_element(
                current.type, current.name or current.id, f"{label} · {current.id}{where}"
            )
