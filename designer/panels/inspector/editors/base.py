"""The contract every inspector field editor keeps, and what editors may ask of the document.

An editor shows one value and emits `committed(value)` once per finished edit (Enter,
focus leaving, a pick from a list), never per keystroke. It does not write anything itself:
the panel turns the value into one undo command, and the document's change event comes back
as `set_value`. Values the editor can tell are wrong (a bad duration, an expression that
does not parse) are shown under it and not committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from designer.panels.inspector.fields import FieldSpec

if TYPE_CHECKING:
    from designer.panels.inspector.editors.rows import FieldRows


def _nothing() -> list:
    return []


class AssigneeDirectory(Protocol):
    """The engine's users, groups and queues, as the assignee editor needs them."""

    def names(self, kind: str) -> list[str]:
        """Names of one kind ("user", "group", "queue")."""
        ...

    def problem(self, assignee: str) -> str | None:
        """Why nobody known could work items of `kind:name`, or None."""
        ...


def _no_directory() -> AssigneeDirectory | None:
    return None


@dataclass
class EditorContext:
    """Lazily computed facts about the document that some editors need.

    Attributes:
        names: names an expression may read (variables, step ids, `step.output`, record, run).
        sibling_steps: (id, label) of the other steps in the edited step's stage.
        actions: action names a background step may run.
        directory: the engine's directory as last read, None while it is not known (not read
            yet, or no engine reachable): assignee fields then offer no names and warn
            about none. Never opens the run database.
        want_directory: ask for the directory to be read (an assignee field got the focus:
            someone is about to type a name); editors hear of it through `context_changed`.
        action_inputs: the input names the shown step's action takes (as far as it
            declares them): offered when naming its inputs.
        rows: builds a column of editors for a sub-model's fields (nested editors use it);
            `FieldRows` puts itself here for the editors it creates, so the editors need not
            import the module that imports them.
    """

    names: Callable[[], list[str]] = _nothing
    sibling_steps: Callable[[], list[tuple[str, str]]] = _nothing
    actions: Callable[[], list[str]] = _nothing
    directory: Callable[[], AssigneeDirectory | None] = _no_directory
    want_directory: Callable[[], object] = _no_directory
    action_inputs: Callable[[], list[str]] = _nothing
    rows: Callable[[list[FieldSpec], EditorContext, QWidget], FieldRows] | None = None

    def build_rows(self, specs: list[FieldSpec], parent: QWidget) -> FieldRows:
        """A column of editors for `specs`, as the form builds its own."""
        if self.rows is None:
            raise RuntimeError("nested editors are created by FieldRows, which sets `rows`")
        return self.rows(specs, self, parent)


class FieldEditor(QWidget):
    """Base of the editors: a body for the input widgets and a message line under it."""

    committed = Signal(object)
    shows_own_label = False

    def __init__(self, spec: FieldSpec, context: EditorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.context = context
        self._value: Any = None
        self._has_value = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(4)
        layout.addLayout(self.body)
        self._message = QLabel(self)
        self._message.setObjectName("fieldMessage")
        self._message.setWordWrap(True)
        self._message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._message.hide()
        layout.addWidget(self._message)
        self._message_level = ""

    # --- the panel's side ---------------------------------------------------------------------

    def value(self) -> Any:
        """The value last shown from the document."""
        return self._value

    def set_value(self, value: Any) -> None:
        """Show the document's value; a no-op when it did not change, so focus and cursor stay."""
        if self._has_value and value == self._value:
            return
        self._value, self._has_value = value, True
        self.show_message("")
        self._show(value)

    def forget(self) -> None:
        """Drop the shown value so the next `set_value` shows anew (another element)."""
        self._has_value = False
        self.show_message("")

    def show_message(self, text: str, level: str = "error") -> None:
        """Show `text` under the field (level: error, warning or hint); empty hides it."""
        self._message_level = level if text else ""
        self._message.setText(text)
        self._message.setProperty("level", level)
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.setVisible(bool(text))
        self._mark_invalid(level == "error" and bool(text))

    def message(self) -> tuple[str, str]:
        """(level, text) of the message shown, ("", "") when none."""
        return self._message_level, self._message.text() if self._message_level else ""

    def focus_input(self) -> None:
        """Put the keyboard focus into the editor's main input."""
        target = self.focusProxy() or self
        target.setFocus()

    # --- for subclasses -----------------------------------------------------------------------

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _commit(self, value: Any) -> None:
        if not self.isVisible():
            # Focus leaves a field when its window hides or is torn down; nobody is editing
            # then, and committing into a half-destroyed window would crash.
            return
        if self._has_value and value == self._value:
            # Back to the stored value: nothing to write, but an earlier complaint is moot.
            if self._message_level == "error":
                self.show_message("")
            return
        self.committed.emit(value)

    def _input_widgets(self) -> list[QWidget]:
        proxy = self.focusProxy()
        return [proxy] if proxy else []

    def _mark_invalid(self, invalid: bool) -> None:
        for widget in self._input_widgets():
            if widget.property("invalid") != invalid:
                widget.setProperty("invalid", invalid)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    def context_changed(self) -> None:
        """The document changed around the field (a sibling step added, say).

        Editors that list such things show them again; the others ignore it.
        """
