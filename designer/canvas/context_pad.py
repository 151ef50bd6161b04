"""The context pad: one-click tools beside the selected element, as in BPMN modellers.

For a node that may lead somewhere: append a stage, a decision or an end (placed and
connected), and "Connect to…" (then click the target). For a stage: "+ Add step" (a menu
of step types) and "Fault route to…" (then click where runs go when the stage fails). For
a step: change its type, and "Runs after…" (then click the step it waits for; no Alt+drag
needed). For a flow: "+" inserts a stage or a decision on it. For anything: delete. The pad
floats over the view next to
the element, follows it while zooming and scrolling, and hides during drags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize
from PySide6.QtWidgets import QFrame, QGridLayout, QMenu, QToolButton

from designer.canvas import building, theme
from designer.canvas.gestures import AfterLinkGesture, NewFlowGesture, PickOnClick, after_refusal
from designer.canvas.items import FlowItem, NodeItem, StageItem, StepCardItem
from designer.commands import AddFlowCommand, LinkAfterCommand, delete_command
from designer.commands.step_type import STEP_TYPES, ChangeStepTypeCommand
from engine.definition import Flow

if TYPE_CHECKING:
    from designer.canvas.view import DiagramView

_STEP_LABELS = {
    "interactive": "Interactive step",
    "background": "Background step",
    "wait": "Wait step",
}
BUTTON = 26


class ContextPad(QFrame):
    """Tool buttons next to the single selected node or step."""

    def __init__(self, view: DiagramView) -> None:
        super().__init__(view.viewport())
        self.setObjectName("context_pad")
        self._view = view
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(3, 3, 3, 3)
        self._grid.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        self.key: str | tuple[str, str] | None = None
        self._shape: tuple[str, str, str] | None = None  # what the buttons were built for
        self.restyle()
        self.hide()
        scene = view.diagram
        scene.selection.changed.connect(self.follow)
        scene.document_changed.connect(self.follow)

    def restyle(self) -> None:
        """Colours of the current palette (light/dark)."""
        self.setStyleSheet(
            f"#context_pad {{ background: {theme.SURFACE.name()};"
            f" border: 1px solid {theme.OUTLINE.name()}; border-radius: 6px; }}"
            f" #context_pad QToolButton {{ border: none; border-radius: 4px; padding: 2px;"
            f" color: {theme.TEXT.name()}; }}"
            f" #context_pad QToolButton:hover {{ background: {theme.PALETTE_HOVER}; }}"
        )

    # --- which element, which tools ---------------------------------------------------------

    def follow(self, *_args: object) -> None:
        """Show the tools of the selected element (one node or step), beside it."""
        scene = self._view.diagram
        keys = scene.selection.keys()
        key = keys[0] if len(keys) == 1 else None
        item = scene.item_for(key) if key else None
        # Mid-change (a step moving between stages) the scene may still map a freed item.
        if item is None or not shiboken6.isValid(item):
            self.key, self._shape = None, None
            self.hide()
            return
        shape = (str(key), type(item).__name__, getattr(item, "step_type", ""))
        if shape != self._shape:
            self.key, self._shape = key, shape
            self._build(item)
        self.show()
        self.place()
        self.raise_()

    def _build(self, item: NodeItem | StepCardItem | FlowItem) -> None:
        for button in self.buttons.values():
            self._grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        tools: list[tuple[str, str, str, Callable[[], None] | QMenu]] = []
        if isinstance(item, FlowItem):
            menu = QMenu(self)
            for kind, label in (
                ("stage", "Insert a stage here"),
                ("decision", "Insert a decision here"),
            ):
                action = menu.addAction(theme.icon(kind), label)
                action.setObjectName(f"insert_{kind}")
                action.triggered.connect(lambda _=False, k=kind: self._insert(item.key, k))
            tools.append(("insert", "+", "Insert a stage or a decision on this flow", menu))
        if isinstance(item, NodeItem) and item.accepts_outgoing():
            for kind, tip in (
                ("stage", "Append a stage, connected"),
                ("decision", "Append a decision, connected"),
                ("end", "Append an end, connected"),
            ):
                tools.append((f"append_{kind}", kind, tip, self._appender(item.node_id, kind)))
            tools.append(
                (
                    "connect",
                    "→",
                    "Connect to… (then click the target; Esc cancels)",
                    lambda: self._pick_flow_target(item),
                )
            )
        if isinstance(item, StageItem):
            tools.append(("add_step", "+", "Add a step to this stage", self._step_menu(item)))
            tools.append(
                (
                    "fault",
                    "⚡",
                    "Fault route to… (where runs go when a step fails or max_visits is "
                    "exceeded; then click the target)",
                    lambda: self._pick_fault_target(item),
                )
            )
        if isinstance(item, StepCardItem):
            tools.append(("change_type", "⇄", "Change the step's type", self._type_menu(item)))
            tools.append(
                (
                    "after",
                    "⤷",
                    "Runs after… (then click the step it waits for)",
                    lambda: self._pick_predecessor(item),
                )
            )
        tools.append(("delete", "✕", "Delete", self._delete))
        for index, (name, icon, tip, action) in enumerate(tools):
            button = QToolButton(self)
            button.setObjectName(f"pad_{name}")
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setFixedSize(QSize(BUTTON, BUTTON))
            if icon in ("stage", "decision", "end"):
                button.setIcon(theme.icon(icon))
                button.setIconSize(QSize(18, 18))
            else:
                button.setText(icon)
            if isinstance(action, QMenu):
                action.setParent(button, action.windowFlags())  # freed with its button
                button.setMenu(action)
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            else:
                button.clicked.connect(action)
            self._grid.addWidget(button, index // 2, index % 2)
            self.buttons[name] = button
        self.adjustSize()

    def place(self) -> None:
        """Sit to the right of the element's top edge, inside the viewport."""
        if self.isHidden():
            return
        item = self._view.diagram.item_for(self.key) if self.key else None
        if item is None or not shiboken6.isValid(item):
            return
        if isinstance(item, FlowItem):  # beside the middle of the line, not its far end
            middle = item.line().pointAtPercent(0.5)
            rect = self._view.mapFromScene(QRectF(middle, middle).adjusted(-4, -4, 4, 4))
            rect = rect.boundingRect()
        else:
            rect = self._view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        viewport = self._view.viewport().rect()
        x = min(rect.right() + 8, viewport.right() - self.width() - 4)
        y = max(4, min(rect.top(), viewport.bottom() - self.height() - 4))
        self.move(QPoint(max(4, x), y))

    # --- what the tools do ------------------------------------------------------------------

    def _appender(self, source_id: str, kind: str) -> Callable[[], None]:
        def append() -> None:
            scene = self._view.diagram
            command, new_id = building.append_node(scene, source_id, kind)
            scene.push(command)
            scene.select_keys([new_id])
            if not self._visible(new_id):
                self._view.center_on_key(new_id)

        return append

    def _insert(self, flow: tuple[str, str], kind: str) -> None:
        scene = self._view.diagram
        command, new_id = building.insert_on_flow(scene, flow, kind)
        scene.push(command)
        scene.select_keys([new_id])
        if not self._visible(new_id):
            self._view.center_on_key(new_id)

    def _step_menu(self, stage: StageItem) -> QMenu:
        menu = QMenu(self)
        for kind in STEP_TYPES:
            action = menu.addAction(theme.icon(kind), _STEP_LABELS[kind])
            action.setObjectName(f"add_{kind}")
            action.triggered.connect(lambda _=False, k=kind: self._add_step(stage.node_id, k))
        return menu

    def _add_step(self, stage_id: str, kind: str) -> None:
        scene = self._view.diagram
        command, step_id = building.add_step(scene, stage_id, kind)
        scene.push(command)
        scene.select_keys([step_id])

    def _type_menu(self, card: StepCardItem) -> QMenu:
        menu = QMenu(self)
        for kind in STEP_TYPES:
            action = menu.addAction(theme.icon(kind), _STEP_LABELS[kind])
            action.setObjectName(f"make_{kind}")
            action.setEnabled(kind != card.step_type)
            action.triggered.connect(lambda _=False, k=kind: self._change_type(card.step_id, k))
        return menu

    def _change_type(self, step_id: str, kind: str) -> None:
        scene = self._view.diagram
        scene.push(ChangeStepTypeCommand(scene.document, step_id, kind))
        scene.select_keys([step_id])

    def _pick_flow_target(self, source: NodeItem) -> None:
        scene = self._view.diagram
        scene.start_gesture(PickOnClick(scene, NewFlowGesture(scene, source)))
        self._view.viewport().setFocus()

    def _pick_fault_target(self, source: NodeItem) -> None:
        scene = self._view.diagram
        scene.start_gesture(PickOnClick(scene, _FaultRoute(scene, source)))
        self._view.viewport().setFocus()

    def _pick_predecessor(self, card: StepCardItem) -> None:
        # The clicked step is the one this card waits for: link from it to this card.
        scene = self._view.diagram
        scene.start_gesture(PickOnClick(scene, _WaitFor(scene, card)))
        self._view.viewport().setFocus()

    def _delete(self) -> None:
        scene = self._view.diagram
        command = delete_command(scene.document, scene.selection.keys())
        if command is not None:
            scene.push(command)

    def _visible(self, key: str) -> bool:
        item = self._view.diagram.item_for(key)
        return item is not None and self._view.visible_scene_rect().contains(
            item.sceneBoundingRect()
        )


class _WaitFor(AfterLinkGesture):
    """ "Runs after…": the card waits for the step clicked next (the link drawn backwards)."""

    def release(self, pos: QPointF) -> None:
        target, valid = self._target, self._valid
        self.cancel()
        if valid and isinstance(target, StepCardItem):
            link = LinkAfterCommand(self.scene.document, target.step_id, self.source.step_id)
            self.scene.push(link)

    def refusal(self, target: StepCardItem) -> str | None:
        return after_refusal(self.scene, target.step_id, self.source.step_id)


class _FaultRoute(NewFlowGesture):
    """ "Fault route to…": a fault flow from the stage to the node clicked next."""

    def refusal(self, target: NodeItem) -> str | None:
        document = self.scene.document
        if document.definition.fault_flow(self.source.node_id) is not None:
            return "this stage has a fault route already"
        return super().refusal(target)

    def release(self, pos: QPointF) -> None:
        target, valid = self._target, self._valid
        self.cancel()
        if valid and isinstance(target, NodeItem):
            flow = Flow(source=self.source.node_id, target=target.node_id, fault=True)
            self.scene.push(AddFlowCommand(self.scene.document, flow))
