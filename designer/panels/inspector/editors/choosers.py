"""Editors that choose among names: assignee (kind + name), action, steps and options to check."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.fields import FieldSpec
from engine.actions.registry import action_inputs, is_known_action

ASSIGNEE_KINDS = ("user", "group", "queue")


class AssigneeFieldEditor(FieldEditor):
    """`user:NAME`, `group:NAME` or `queue:NAME`: a kind combo box and a name."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.kind = QComboBox(self)
        self.kind.addItem("Nobody" if spec.name == "assignee" else "Not set", None)
        for kind in ASSIGNEE_KINDS:
            self.kind.addItem(kind.capitalize(), kind)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("name, e.g. hr")
        # Names of the chosen kind from the engine's directory, offered as one types.
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(lambda _text: self._finish())
        self.name.setCompleter(completer)
        self.name.installEventFilter(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.kind)
        row.addWidget(self.name, 1)
        self.body.addLayout(row)
        self.kind.activated.connect(self._kind_picked)
        self.name.editingFinished.connect(self._finish)
        self.setFocusProxy(self.kind)

    def _input_widgets(self) -> list[QWidget]:
        return [self.name]

    def _show(self, value: Any) -> None:
        kind, _, name = (value or "").partition(":")
        if value and kind not in ASSIGNEE_KINDS:
            kind, name = "", value  # a bare name from a hand-edited file: show it as typed
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind or None)))
        if self.name.text() != name:
            self.name.setText(name)
        self.name.setEnabled(self.kind.currentData() is not None or bool(name))
        self._offer_names()
        self._warn_unknown(value or "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.name and event.type() == QEvent.Type.FocusIn:
            self.context.want_directory()  # read once; it then follows changes
        return super().eventFilter(watched, event)

    def context_changed(self) -> None:
        # The directory arrived or changed: new names to offer, warnings to revise.
        self._offer_names()
        if self._has_value and self._message_level in ("", "warning"):
            self._warn_unknown(self._value or "")

    def _offer_names(self) -> None:
        directory = self.context.directory()
        kind = self.kind.currentData()
        self._names.setStringList(directory.names(kind) if directory and kind else [])

    def _warn_unknown(self, assignee: str) -> None:
        """A warning, not an error: another engine (a colleague's, production) may know them."""
        directory = self.context.directory()
        problem = directory.problem(assignee) if directory and assignee else None
        if problem:
            self.show_message(f"{problem} Add them in Run ▸ Directory…", "warning")
        elif self._message_level == "warning":
            self.show_message("")

    def _kind_picked(self, _index: int) -> None:
        kind = self.kind.currentData()
        self.name.setEnabled(kind is not None)
        self._offer_names()
        if kind is None:
            self._commit(None)
        elif self.name.text().strip():
            self._finish()
        else:
            self.show_message(f"Enter the {kind}'s name.", "hint")
            self.name.setFocus()

    def _finish(self) -> None:
        kind, name = self.kind.currentData(), self.name.text().strip()
        if kind is None:
            return
        if not name:
            self.show_message(f"Enter the {kind}'s name, or choose Nobody.")
            return
        if ":" in name or " " in name:
            self.show_message("A name has no spaces or colons.")
            return
        self.show_message("")
        self._commit(f"{kind}:{name}")
        self._warn_unknown(f"{kind}:{name}")


class ActionFieldEditor(FieldEditor):
    """The action a background step runs: registered names offered, any name accepted."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(sorted(context.actions()))
        self.combo.lineEdit().setPlaceholderText("choose or type an action")
        self.combo.lineEdit().editingFinished.connect(self._finish)
        self.combo.activated.connect(lambda _index: self._finish())
        self.body.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def _show(self, value: Any) -> None:
        self.combo.setEditText(value or "")
        self._warn(value or "")

    def _warn(self, name: str) -> None:
        if name and not is_known_action(name):
            self.show_message(f"No action named {name!r} is installed.", "warning")
            return
        inputs = action_inputs(name) if name else ()
        self.show_message(f"Takes inputs: {', '.join(inputs)}." if inputs else "", "hint")

    def _finish(self) -> None:
        name = self.combo.currentText().strip()
        self._warn(name)
        self._commit(name)


class StepChecklistFieldEditor(FieldEditor):
    """The steps this one waits for: every other step of the stage, checkable."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        self.list = QListWidget(self)
        self.list.setObjectName("checklist")
        self.list.setUniformItemSizes(True)
        self.list.itemChanged.connect(self._item_changed)
        self.body.addWidget(self.list)
        self.setFocusProxy(self.list)

    def _show(self, value: Any) -> None:
        chosen = list(value or [])
        self.list.blockSignals(True)
        self.list.clear()
        siblings = self.context.sibling_steps()
        known = {step_id for step_id, _ in siblings}
        for step_id, label in siblings:
            self._add(step_id, label, step_id in chosen)
        for missing in (s for s in chosen if s not in known):
            self._add(missing, f"{missing} (not in this stage)", True)
        if not siblings:
            item = QListWidgetItem("No other steps in this stage")
            item.setSizeHint(QSize(0, self._row_height()))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.list.blockSignals(False)
        # From font metrics, not the view's measure: a cached form may be hidden right now.
        row_height = self._row_height()
        rows = min(max(1, self.list.count()), 6)
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth() + 2)

    def context_changed(self) -> None:
        if self._has_value:
            self._show(self._value)

    def _row_height(self) -> int:
        return self.list.fontMetrics().height() + 8

    def _add(self, step_id: str, label: str, checked: bool) -> None:
        item = QListWidgetItem(label)
        item.setSizeHint(QSize(0, self._row_height()))
        item.setData(Qt.ItemDataRole.UserRole, step_id)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def checked_ids(self) -> list[str]:
        """Ids checked now, in stage order."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _item_changed(self, _item: QListWidgetItem) -> None:
        self._commit(self.checked_ids())


class ChoiceChecklistFieldEditor(FieldEditor):
    """A subset of a `Literal`'s values (a record trigger's created/updated)."""

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(spec, context, parent)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for choice in spec.choices:
            box = QCheckBox(choice.capitalize(), self)
            box.toggled.connect(self._toggled)
            row.addWidget(box)
            self.boxes[choice] = box
        row.addStretch(1)
        self.body.addLayout(row)

    def _show(self, value: Any) -> None:
        for choice, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(choice in (value or []))
            box.blockSignals(False)

    def _toggled(self, _checked: bool) -> None:
        chosen = [c for c, box in self.boxes.items() if box.isChecked()]
        if not chosen:
            self.show_message("Choose at least one.")
            return
        self._commit(chosen)
