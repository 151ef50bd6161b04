"""The inspector: a generated form for whatever is selected, turning edits into undo commands.

Nothing selected shows the orchestration's own properties; one node, step or flow shows its
form; several show a note. One form per model class is built on first use and kept, so moving
the selection around a big diagram only refills values. Each committed field edit is checked
first by a dry run of the document (see `edits`) and then pushed as exactly one command; the
document's change event refills the form, which leaves unchanged fields (and the focus in
them) alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from designer.commands import RenameIdCommand, references
from designer.commands.step_type import ChangeStepTypeCommand
from designer.document import Change, ChangeKind, Document
from designer.panels.inspector.editors.base import AssigneeDirectory, EditorContext
from designer.panels.inspector.edits import command_for_edit
from designer.panels.inspector.form import PropertyForm
from designer.panels.inspector.header import InspectorHeader
from designer.panels.inspector.problems_strip import ProblemsStrip
from designer.panels.inspector.relations import RelationsList
from designer.panels.inspector.style import INSPECTOR_STYLE
from designer.panels.inspector.target import InspectorTarget
from designer.panels.themed import themed_style
from designer.selection import Selection
from engine.actions.registry import action_inputs, action_names
from engine.definition import (
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    Orchestration,
    StageNode,
    StartNode,
)
from engine.validation import Diagnostic

_STRUCTURAL = {
    ChangeKind.NODE_ADDED,
    ChangeKind.NODE_REMOVED,
    ChangeKind.STEP_ADDED,
    ChangeKind.STEP_REMOVED,
    ChangeKind.STEP_MOVED,
}


class InspectorPanel(QWidget):
    """Properties of the single selected element, or of the orchestration when none is."""

    def __init__(
        self,
        document: Document,
        undo_stack: QUndoStack,
        selection: Selection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorPanel")
        self.restyle()
        self._document, self._stack, self._selection = document, undo_stack, selection
        self._target = InspectorTarget("orchestration")
        self._forms: dict[type[BaseModel], PropertyForm] = {}
        self._diagnostics: list[Diagnostic] = []
        self._flow_lists: dict[type[BaseModel], RelationsList] = {}
        self._step_lists: dict[type[BaseModel], RelationsList] = {}
        self._ids = set(document.element_ids())
        self._context = EditorContext(
            names=self._expression_names,
            sibling_steps=self._sibling_steps,
            actions=lambda: sorted(action_names()),
            action_inputs=self._action_inputs,
        )
        self.header = InspectorHeader(self)
        self.header.type_chosen.connect(self._change_step_type)
        self._note = _Note()
        self._note.selected.chosen.connect(lambda key: self._selection.set([key]))
        # The scroll area holds only the form on display (a stacked widget would size every
        # form to the tallest one); the others are taken out and kept for reuse.
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("inspectorScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.problems = ProblemsStrip(self)
        self.problems.field_chosen.connect(self._follow_field_link)
        layout.addWidget(self.header)
        layout.addWidget(self.problems)
        layout.addWidget(self._scroll, 1)
        self._unsubscribe = document.subscribe(self._on_change)
        selection.changed.connect(self._on_selection)
        # Children are deleted before `destroyed` fires. A field losing focus as it is
        # deleted would commit into a half-deleted panel, so stop listening and editing as
        # soon as the first child (the header) goes.
        self._alive = True
        self.header.destroyed.connect(lambda *_: self._tear_down())
        self._show_target(InspectorTarget.of(document, selection.keys()))

    def restyle(self, dark: bool = False) -> None:
        """Colours of the light or the dark palette."""
        self.setStyleSheet(themed_style(INSPECTOR_STYLE, dark))

    def _tear_down(self) -> None:
        if self._alive:
            self._alive = False
            self._unsubscribe()

    # --- public -----------------------------------------------------------------------------

    def target(self) -> InspectorTarget:
        """What the form shows now."""
        return self._target

    def current_form(self) -> PropertyForm | None:
        """The form on display (None while a note is shown)."""
        widget = self._scroll.widget()
        return widget if isinstance(widget, PropertyForm) else None

    def use_directory(
        self,
        known: Callable[[], AssigneeDirectory | None],
        wanted: Callable[[], object],
        changed: SignalInstance,
    ) -> None:
        """Complete and check assignees against a directory (`changed` when it is re-read)."""
        self._context.directory, self._context.want_directory = known, wanted
        changed.connect(self._directory_changed)

    def _directory_changed(self) -> None:
        if not self._alive:
            return
        for form in self._forms.values():  # hidden forms too: shown again, they are current
            for editor in form.editors().values():
                editor.context_changed()

    def commit_pending_edit(self) -> None:
        """Commit what is typed in the focused field, keeping the focus there.

        Call before saving: a shortcut like Ctrl+S does not move the focus, so the field
        would not have finished its edit yet.
        """
        focused = self.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()  # editors commit when focus leaves them
            focused.setFocus()

    def relation_list(self, which: str) -> RelationsList | None:
        """The "flows" or "steps" list under the current node's form, if it has one."""
        lists = self._flow_lists if which == "flows" else self._step_lists
        current = self._current() if self._target.kind == "node" else None
        return lists.get(type(current)) if current is not None else None

    def selected_list(self) -> RelationsList:
        """The list of selected elements shown when several are selected."""
        return self._note.selected

    def focus_field(self, field: str) -> bool:
        """Open the section holding `field` and put the cursor in it (problems panel jumps).

        A dotted field (`trigger.cron`, `outputs.0.name`) focuses its top-level editor.
        """
        form = self.current_form()
        return bool(form and form.reveal(field.split(".", 1)[0]))

    def reveal_diagnostic(self, diagnostic: Diagnostic) -> None:
        """Select what a diagnostic is about and put the cursor in its field.

        Flow problems are reported on the source node with a field `flows[TARGET].attr`;
        those select the flow itself.
        """
        self._selection.set([diagnostic.element] if diagnostic.element else [])
        if diagnostic.field:
            self._follow_field_link(diagnostic.field)

    def _follow_field_link(self, field: str) -> None:
        key = self._target.key
        if field.startswith("flows[") and "]" in field and isinstance(key, str):
            target, _, attribute = field[len("flows[") :].partition("]")
            if self._document.flow(key, target) is not None:
                self._selection.set([(key, target)])
                field = attribute.lstrip(".")
        self.focus_field(field)

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Validation results; those about the shown element appear above its form."""
        self._diagnostics = list(diagnostics)
        self._show_problems()

    def _show_problems(self) -> None:
        kind, key = self._target.kind, self._target.key
        if kind == "orchestration":
            mine = [d for d in self._diagnostics if d.element is None]
        elif kind in ("node", "step"):
            mine = [d for d in self._diagnostics if d.element == key]
        elif kind == "flow" and isinstance(key, tuple):
            prefix = f"flows[{key[1]}]"
            mine = [
                d
                for d in self._diagnostics
                if d.element == key[0] and (d.field or "").startswith(prefix)
            ]
        else:
            mine = []
        self.problems.show_diagnostics(mine)

    # --- what to show -----------------------------------------------------------------------

    def _on_selection(self) -> None:
        if not self._alive:
            return
        if self._behind_the_document():
            return  # this panel's own change handler picks the target when it catches up
        target = InspectorTarget.of(self._document, self._selection.keys())
        if target != self._target:
            self._finish_pending_edit()
            self._show_target(target)

    def _behind_the_document(self) -> bool:
        # The shown element's id is one this panel knows but the document no longer has: a
        # change (a rename, a removal) another view has heard first is still on its way here.
        key = self._target.key
        return (
            self._target.kind in ("node", "step")
            and isinstance(key, str)
            and key in self._ids
            and self._document.element(key) is None
        )

    def _finish_pending_edit(self) -> None:
        # A field still being typed in belongs to the element shown now: let it commit first.
        focused = self.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()

    def _show_target(self, target: InspectorTarget) -> None:
        self._target = target
        self._show_problems()
        model = self._model_of(target)
        if model is None:
            self._show_note(target)
            return
        form = self._forms.get(model)
        if form is None:
            form = PropertyForm(model, self._context)
            form.committed.connect(self._apply)
            self._forms[model] = form
            self._add_relations(model, form)
        form.forget_values()
        self._put_in_scroll(form)
        self._refresh()

    def _add_relations(self, model: type[BaseModel], form: PropertyForm) -> None:
        if model is StageNode:
            self._step_lists[model] = RelationsList()
            self._step_lists[model].chosen.connect(lambda key: self._selection.set([key]))
            form.add_section("Steps", self._step_lists[model])
        if model in (StageNode, DecisionNode, StartNode, EndNode):
            self._flow_lists[model] = RelationsList()
            self._flow_lists[model].chosen.connect(lambda key: self._selection.set([key]))
            form.add_section("Flows", self._flow_lists[model])

    def _put_in_scroll(self, widget: QWidget) -> None:
        if self._scroll.widget() is not widget:
            self._scroll.takeWidget()  # kept alive by self._forms / self._note
            self._scroll.setWidget(widget)
            widget.show()  # a widget taken out earlier comes back hidden; shown, it lays out

    def _show_note(self, target: InspectorTarget) -> None:
        keys = self._selection.keys()
        if target.kind == "several":
            self.header.show_element("", f"{len(keys)} elements selected", "")
            self._note.text.setText("Double-click one to edit its properties.")
            self._note.selected.show_keys(self._document, keys)
        else:
            self.header.show_element("", "Nothing to edit", "")
            self._note.text.setText("The selected element no longer exists.")
            self._note.selected.clear()
        self._note.selected.setVisible(target.kind == "several")
        self._put_in_scroll(self._note)

    def _model_of(self, target: InspectorTarget) -> type[BaseModel] | None:
        if target.kind == "orchestration":
            return Orchestration
        if target.kind == "flow":
            return Flow
        if target.kind in ("node", "step"):
            element = self._document.element(str(target.key))
            return type(element) if element is not None else None
        return None

    def _current(self) -> Any:
        key = self._target.key
        if self._target.kind == "orchestration":
            return self._document.definition
        if self._target.kind == "flow" and isinstance(key, tuple):
            return self._document.flow(*key)
        return self._document.element(str(key))

    def _refresh(self) -> None:
        current, form = self._current(), self.current_form()
        if current is None or form is None:
            return
        # Only the fields the form shows: an orchestration's nodes can be 20,000 steps.
        form.set_values(current.model_dump(include=form.field_names()))
        self.header.show_current(self._document, self._target.kind, current)
        model = type(current)
        if model in self._flow_lists:
            self._flow_lists[model].show_flows(self._document, current.id)
        if isinstance(current, StageNode):
            self._step_lists[StageNode].show_steps(current)

    # --- document changes ---------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.RESET:
            self._after_reset()
            return
        if change.kind is ChangeKind.ELEMENT_RENAMED:
            self._after_rename(change)
            return
        if change.kind in (ChangeKind.NODE_ADDED, ChangeKind.STEP_ADDED) and change.element:
            self._ids.add(change.element)
        elif change.kind in (ChangeKind.NODE_REMOVED, ChangeKind.STEP_REMOVED):
            self._ids.discard(change.element or "")
        target = InspectorTarget.of(self._document, self._selection.keys())
        if target != self._target or self._model_of(target) is not type(self._current()):
            self._show_target(target)
            return
        if self._concerns_target(change):
            self._refresh()
        if self._touches_my_stage(change):
            form = self.current_form()
            for editor in form.editors().values() if form else ():
                editor.context_changed()

    def _touches_my_stage(self, change: Change) -> bool:
        # The `after` list offers the other steps of the shown step's stage.
        key = self._target.key
        stage = self._document.stage_of(key) if self._target.kind == "step" else None
        return stage is not None and stage.id in (change.stage, change.old_stage)

    def _concerns_target(self, change: Change) -> bool:
        kind, key = self._target.kind, self._target.key
        if kind == "orchestration":
            return change.kind is ChangeKind.PROPERTIES_CHANGED
        if kind == "flow":
            return change.flow == key
        if kind == "node" and (change.stage == key or (change.flow and key in change.flow)):
            return True  # its steps or flows changed: the lists under the form show them
        return change.element == key or (change.kind in _STRUCTURAL and kind == "step")

    def _after_rename(self, change: Change) -> None:
        # The same element under a new id: keep its form, focus and section state.
        self._ids = set(self._document.element_ids())
        if self._target.key is not None:
            self._target = InspectorTarget.of(self._document, (change.renamed(self._target.key),))
        self._selection.rename(change)
        self._show_problems()
        self._refresh()
        form = self.current_form()
        for editor in form.editors().values() if form else ():
            editor.context_changed()  # `after` choices and expression names may name it

    def _after_reset(self) -> None:
        self._ids = set(self._document.element_ids())
        keys = self._selection.keys()
        target = InspectorTarget.of(self._document, keys)
        if target != self._target or self._model_of(target) is not type(self._current()):
            self._show_target(target)
        else:
            self._refresh()
            form = self.current_form()
            for editor in form.editors().values() if form else ():
                editor.context_changed()

    # --- edits --------------------------------------------------------------------------------

    def _apply(self, field: str, value: Any) -> None:
        if not self._alive:
            return
        problem, command = command_for_edit(self._document, self._target, field, value)
        form = self.current_form()
        editor = form.editor(field) if form else None
        if problem:
            if editor is not None:
                editor.show_message(problem)
            return
        if command is None:
            return
        command = self._with_references(field, value, command)
        typing_here = editor is not None and self._has_focus_in(editor)
        self._stack.push(command)
        # An edit may pass through another form (a step type change); come back to the field
        # the admin was typing in.
        form = self.current_form()
        editor = form.editor(field) if form else None
        if typing_here and editor is not None and not self._has_focus_in(editor):
            editor.focus_input()

    def _with_references(self, field: str, value: Any, command: QUndoCommand) -> QUndoCommand:
        """A new id or name for an element that expressions name: offer to update them."""
        key = self._target.key
        if field not in ("id", "name") or not isinstance(key, str) or not isinstance(value, str):
            return command
        document = self._document
        if field == "id":
            new_id = value if isinstance(command, RenameIdCommand) else None
        else:
            new_id = references.offer_for_name(document, key, value)
        count = references.reference_count(document, key) if new_id else 0
        if not count:
            return command
        answer = QMessageBox.question(
            self,
            "Update references?",
            references.question(key, new_id, count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return command
        name = value if field == "name" else None
        return references.RenameWithReferencesCommand(document, key, new_id, name)

    def _has_focus_in(self, widget: QWidget) -> bool:
        focused = self.focusWidget()
        return focused is not None and (focused is widget or widget.isAncestorOf(focused))

    def _change_step_type(self, step_type: str) -> None:
        key = self._target.key
        step = self._document.element(key) if self._target.kind == "step" else None
        if step is not None and step.type != step_type and isinstance(key, str):
            self._stack.push(ChangeStepTypeCommand(self._document, key, step_type))

    # --- context for the editors ----------------------------------------------------------------

    def _expression_names(self) -> list[str]:
        definition = self._document.definition
        names = [v.name for v in definition.variables]
        for _stage, step in definition.steps():
            names.append(step.id)
            if isinstance(step, InteractiveStep):
                names.extend(f"{step.id}.{output.name}" for output in step.outputs)
        return names

    def _action_inputs(self) -> list[str]:
        step = self._document.element(self._target.key) if self._target.kind == "step" else None
        action = getattr(step, "action", None)
        if not action:
            return []
        if action == "set_variables":  # each input sets the run variable of its name
            return [v.name for v in self._document.definition.variables]
        return list(action_inputs(action))

    def _sibling_steps(self) -> list[tuple[str, str]]:
        key = self._target.key
        stage = self._document.stage_of(key) if isinstance(key, str) else None
        if stage is None:
            return []
        return [
            (s.id, f"{s.name} ({s.id})" if s.name else s.id) for s in stage.steps if s.id != key
        ]


class _Note(QWidget):
    """What the inspector shows instead of a form: a sentence, and the selected elements."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("inspectorNote")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.selected = RelationsList(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.text)
        layout.addWidget(self.selected)
        layout.addStretch(1)
