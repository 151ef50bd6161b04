"""Read-only lists under a node's form: its flows (in decision order) and a stage's steps.

They answer what the form alone cannot ("where does this decision route, and in which
order?") and double as navigation: activating an entry selects that flow or step.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from designer.document import Document
from designer.panels.icons import kind_icon
from designer.selection import SelectionKey
from engine.definition import StageNode

_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class RelationsList(QListWidget):
    """Entries that select what they name when activated (double-click or Enter)."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relations")
        self.setUniformItemSizes(True)
        self.itemActivated.connect(lambda item: self.chosen.emit(item.data(_KEY_ROLE)))

    def show_flows(self, document: Document, node_id: str) -> None:
        """Incoming flows, then outgoing ones in the order a decision evaluates them."""
        self.clear()
        definition = document.definition
        for flow in definition.flows:
            if flow.target == node_id:
                self._add("flow", f"from {_label(document, flow.source)}", (flow.source, node_id))
        for number, flow in enumerate(definition.outgoing(node_id, faults=True), start=1):
            when = (
                "  · fault route"
                if flow.fault
                else "  · default"
                if flow.default
                else f"  · if {flow.condition}"
                if flow.condition
                else ""
            )
            self._add(
                "flow",
                f"{number}. to {_label(document, flow.target)}{when}",
                (node_id, flow.target),
            )
        self._placeholder("No flows yet: drag from the node's edge on the canvas.")

    def show_steps(self, stage: StageNode) -> None:
        """The stage's steps in order, with who or what does them."""
        self.clear()
        for step in stage.steps:
            detail = (
                getattr(step, "assignee", None)
                or getattr(step, "action", None)
                or getattr(step, "event", None)
            )
            text = (step.name or step.id) + (f"  · {detail}" if detail else "")
            self._add(step.type, text, step.id)
        self._placeholder("No steps yet: drop steps from the palette onto the stage.")

    def show_keys(self, document: Document, keys: tuple[SelectionKey, ...]) -> None:
        """Several selected elements and flows, by name."""
        self.clear()
        for key in keys:
            if isinstance(key, tuple):
                self._add("flow", f"{_label(document, key[0])} → {_label(document, key[1])}", key)
            else:
                element = document.element(key)
                kind = element.type if element is not None else "flow"
                self._add(kind, _label(document, key), key)
        self._placeholder("Nothing selected.")

    def _add(self, kind: str, text: str, key: SelectionKey) -> None:
        item = QListWidgetItem(kind_icon(kind), text)
        item.setData(_KEY_ROLE, key)
        item.setToolTip(f"{text}\nDouble-click to select")
        item.setSizeHint(QSize(0, self.fontMetrics().height() + 8))
        self.addItem(item)

    def _placeholder(self, text: str) -> None:
        if not self.count():
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 8))
            self.addItem(item)
        rows = min(self.count(), 8)
        self.setFixedHeight(rows * (self.fontMetrics().height() + 8) + 2 * self.frameWidth() + 2)


def _label(document: Document, node_id: str) -> str:
    node = document.element(node_id)
    return (node.name or node.id) if node is not None else f"{node_id} (missing)"
