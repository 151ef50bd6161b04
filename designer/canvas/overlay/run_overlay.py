"""`RunOverlay`: one run's state coloured onto the diagram.

Steps not started are greyed, ready/running blue, waiting amber (with the assignee and
for how long), completed green, failed red (the error in the tooltip), skipped and
canceled hatched; the current stage is framed and flagged; the flows and decisions the run
passed are drawn bold. Double-clicking a step with an open work item asks for that item
(`work_item_requested`), which the main window routes to the inbox.

The overlay is a `DecorationLayer`: it never touches the document or the undo stack, and
an update repaints only the elements whose look changed.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from designer.canvas.items import StepCardItem
from designer.canvas.overlay.layer import DecorationLayer
from designer.canvas.overlay.legend import LegendWidget
from designer.canvas.overlay.looks import (
    STATUS_COLORS,
    STATUS_LABELS,
    Look,
    status_look,
)
from designer.canvas.overlay.state import OverlayState
from designer.canvas.scene import DiagramScene
from designer.runs.formatting import OVERDUE_COLOR, age, when
from designer.selection import SelectionKey
from engine.definition import Orchestration, StageNode, WaitStep

LEGEND_ROWS = [
    (STATUS_COLORS["not_started"], "Not started", False),
    (STATUS_COLORS["running"], "Ready or running", False),
    (STATUS_COLORS["waiting"], "Waiting on a person or event", False),
    (STATUS_COLORS["completed"], "Completed", False),
    (STATUS_COLORS["failed"], "Failed", False),
    (STATUS_COLORS["canceled"], "Skipped or canceled", True),
    (STATUS_COLORS["running"], "Framed: the current stage", False),
    (STATUS_COLORS["completed"], "Bold: flows the run took", False),
]


class RunOverlay(QObject):
    """Paints an `OverlayState` over a scene; `clear()` returns to design mode.

    Signals:
        work_item_requested(str): a waiting step was double-clicked; its oldest open item.
    """

    work_item_requested = Signal(str)

    def __init__(self, scene: DiagramScene, title: str = "Run") -> None:
        super().__init__(scene)
        self.scene = scene
        self.title = title
        self.layer = DecorationLayer(scene)
        self.state: OverlayState | None = None
        self._legends: dict[int, LegendWidget] = {}

    @property
    def active(self) -> bool:
        """Whether a run is shown."""
        return self.state is not None

    def apply(self, state: OverlayState) -> int:
        """Show a run's state; returns how many elements were repainted."""
        if self.state is None:
            self.scene.installEventFilter(self)  # double-clicks open work, not renames
        self.state = state
        changed = self.layer.set_looks(looks_for(self.scene.document.definition, state))
        for legend in self._legends_of_views():
            legend.show_statuses(self.title, LEGEND_ROWS)
        return changed

    def clear(self) -> None:
        """Remove every decoration and the legend."""
        if self.state is not None:
            self.scene.removeEventFilter(self)
        self.state = None
        self.layer.clear()
        for legend in self._legends.values():
            legend.hide_legend()

    def look_of(self, key: SelectionKey) -> Look | None:
        """The look an element currently has (None: undecorated)."""
        return self.layer.looks.get(key)

    def _legends_of_views(self) -> list[LegendWidget]:
        for view in self.scene.views():
            if id(view) not in self._legends:
                self._legends[id(view)] = LegendWidget(view)
        return list(self._legends.values())

    # --- double-click on a waiting step -----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt may still filter while Python tears the overlay down: read attributes warily.
        if (
            watched is getattr(self, "scene", None)
            and getattr(self, "state", None) is not None
            and event.type() == QEvent.Type.GraphicsSceneMouseDoubleClick
            and isinstance(event, QGraphicsSceneMouseEvent)
        ):
            item = self.scene.diagram_item_at(event.scenePos())
            if isinstance(item, StepCardItem):
                return self.open_work_of(item.step_id)
        return False

    def open_work_of(self, step_id: str) -> bool:
        """Ask for the oldest open work item of a step; False when it has none."""
        if self.state is None:
            return False
        items = self.state.open_items_of(step_id)
        if not items:
            return False
        self.work_item_requested.emit(items[0][0])
        return True


def looks_for(definition: Orchestration, state: OverlayState) -> dict[SelectionKey, Look]:
    """Element id (or flow pair) -> look for every stage, step, passed node and taken flow."""
    looks: dict[SelectionKey, Look] = {}
    for stage in definition.stages():
        looks[stage.id] = _stage_look(stage, state)
        for step in stage.steps:
            looks[step.id] = _step_look(step, state)
    taken_color = STATUS_COLORS["completed"]
    for node_id in state.path:
        node = definition.node(node_id)
        if node is not None and not isinstance(node, StageNode):
            looks[node_id] = Look(color=taken_color, tooltip="The run passed here")
    for pair in flows_taken(definition, state.path):
        leaving = definition.outgoing(pair[0], faults=True)
        flow = next((f for f in leaving if f.target == pair[1]), None)
        why = ""
        if flow is not None and flow.fault:
            why = "\nIts fault route: a step failed, or max_visits was reached"
        elif flow is not None and (flow.default or flow.condition):
            why = "\nBy default" if flow.default else f"\nCondition: {flow.condition}"
        looks[pair] = Look(color=taken_color, tooltip=f"The run took this flow{why}")
    return looks


def flows_taken(definition: Orchestration, path: list[str]) -> list[tuple[str, str]]:
    """The flows between consecutive nodes of a run's path, from the start node on."""
    if not path:
        return []
    starts = [n.id for n in definition.nodes if n.type == "start"]
    existing = {(f.source, f.target) for f in definition.flows}
    pairs = [(s, path[0]) for s in starts]
    pairs += list(itertools.pairwise(path))
    return [pair for pair in dict.fromkeys(pairs) if pair in existing]


def _stage_look(stage: StageNode, state: OverlayState) -> Look:
    status = state.statuses.get(stage.id, "not_started")
    look = status_look(status)
    if stage.id != state.current_stage:
        return Look(
            color=look.color,
            veil=look.veil,
            hatched=look.hatched,
            tooltip=f"{stage.name or stage.id}: {STATUS_LABELS.get(status, status)}",
        )
    paused = state.run_status == "paused"
    color = STATUS_COLORS["paused" if paused else "running"]
    tag = "Paused in this stage" if paused else "Current stage"
    return Look(color=color, tint=22, emphasis=True, tag=tag, tooltip=f"{tag}: {stage.name}")


def _step_look(step: object, state: OverlayState) -> Look:
    step_id = step.id  # type: ignore[attr-defined]
    name = step.name or step_id  # type: ignore[attr-defined]
    status = state.statuses.get(step_id, "not_started")
    base = status_look(status)
    label, label_color, tooltip = "", "", f"{name}: {STATUS_LABELS.get(status, status)}"
    items = state.open_items_of(step_id)
    if status == "waiting" and items:
        item_id, item = items[0]
        waited = age(item.get("created_at"), state.now) if state.now else ""
        who = _short(item.get("assignee") or "")
        overdue = bool(item.get("overdue"))
        label = " · ".join(p for p in (who, waited) if p) + (" · overdue" if overdue else "")
        label_color = OVERDUE_COLOR if overdue else ""
        tooltip = (
            f"{name}: waiting on {item.get('assignee')} since {when(item.get('created_at'))}"
            + (f" ({waited})" if waited else "")
            + (f"\nDue {when(item.get('due_at'))}" if item.get("due_at") else "")
            + (" — overdue" if overdue else "")
            + f"\nWork item {item_id}; double-click to open it"
        )
    elif status == "waiting":
        since = state.started.get(step_id)
        waited = age(since, state.now) if since and state.now else ""
        if isinstance(step, WaitStep):
            what = f"event {step.event}" if step.event else "timer"
        else:
            # A person's step whose item is not open at this moment (history replayed to
            # just after the step started): it waits on its assignee, not on a timer.
            what = _short(getattr(step, "assignee", None) or "") or "work item"
        label = " · ".join(p for p in (what, waited) if p)
        tooltip = f"{name}: waiting for {what}" + (f" since {when(since)}" if since else "")
    elif status == "failed":
        label = "Failed"
        error = state.errors.get(step_id, "")
        tooltip = f"{name} failed" + (f":\n{error}" if error else "")
    elif status in ("running", "ready"):
        label = STATUS_LABELS[status]
    return Look(
        color=base.color,
        status=base.status,
        tint=base.tint,
        veil=base.veil,
        hatched=base.hatched,
        label=label,
        label_color=label_color,
        tooltip=tooltip,
    )


def _short(assignee: str) -> str:
    """`group:hr` -> `hr` (the card already says which kind it is)."""
    return assignee.split(":", 1)[1] if ":" in assignee else assignee
