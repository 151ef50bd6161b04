"""The designer's document: one orchestration definition and the intent methods that edit it.

Qt-free and observable (STYLE.md rule 2). Canvas items, the inspector and the problems list
are views: they read `document.definition` and refresh from the `Change` events announced
to subscribers. Every user edit goes through a `QUndoCommand` (designer/commands/) whose
`redo()` calls one method here and whose `undo()` calls its inverse, so each method returns
what its inverse needs. Methods refuse invalid values (raising `InvalidInput`) before
changing anything, so an invalid value is never written.

`QUndoStack.push` keeps a command even when its `redo()` raises, so an edit is checked
before it becomes a command: the `check_…` methods run exactly the checks of the matching
edit method and change nothing (the inspector asks them; no view copies the rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from designer.document.changes import Change, ChangeKind
from engine.definition import (
    AnyNode,
    AnyStep,
    Flow,
    Orchestration,
    Position,
    StageNode,
    parse_node,
    parse_step,
)
from engine.errors import InvalidInput

Listener = Callable[[Change], None]
_M = TypeVar("_M", bound=BaseModel)

_ID_SAFE = re.compile(r"[^A-Za-z0-9_]+")


class Document:
    """An orchestration being edited, announcing each change to its listeners."""

    def __init__(self, definition: Orchestration | None = None) -> None:
        self._definition = definition or Orchestration(id="new_orchestration", name="New")
        self._listeners: list[Listener] = []
        self._index: dict[str, tuple[AnyNode | AnyStep, str | None]] | None = None

    # --- observing --------------------------------------------------------------------------

    @property
    def definition(self) -> Orchestration:
        """The current definition. Read it; change it only through this class's methods."""
        return self._definition

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _announce(self, change: Change, *, structural: bool = False) -> None:
        if structural:
            self._index = None
        for listener in list(self._listeners):
            listener(change)

    # --- lookups ----------------------------------------------------------------------------

    def _lookup(self) -> dict[str, tuple[AnyNode | AnyStep, str | None]]:
        if self._index is None:
            index: dict[str, tuple[AnyNode | AnyStep, str | None]] = {}
            for node in self._definition.nodes:
                index.setdefault(node.id, (node, None))
                if isinstance(node, StageNode):
                    for step in node.steps:
                        index.setdefault(step.id, (step, node.id))
            self._index = index
        return self._index

    def element(self, element_id: str) -> AnyNode | AnyStep | None:
        """The node or step with this id, or None."""
        found = self._lookup().get(element_id)
        return found[0] if found else None

    def stage_of(self, step_id: str) -> StageNode | None:
        """The stage holding a step, or None when `step_id` is not a step."""
        found = self._lookup().get(step_id)
        if not found or found[1] is None:
            return None
        stage = self._definition.node(found[1])
        return stage if isinstance(stage, StageNode) else None

    def is_step(self, element_id: str) -> bool:
        """Whether the id names a step (as opposed to a node or nothing)."""
        found = self._lookup().get(element_id)
        return bool(found and found[1] is not None)

    def flow(self, source: str, target: str) -> Flow | None:
        """The flow between two nodes, or None."""
        return next(
            (f for f in self._definition.flows if f.source == source and f.target == target), None
        )

    def position(self, node_id: str) -> Position | None:
        """Where a node sits on the canvas, if laid out."""
        return self._definition.layout.get(node_id)

    def unique_id(self, base: str) -> str:
        """An identifier derived from `base` that no element or variable uses yet."""
        stem = _ID_SAFE.sub("_", base.strip().lower()).strip("_") or "element"
        if stem[0].isdigit():
            stem = f"_{stem}"
        taken = set(self._lookup()) | {v.name for v in self._definition.variables}
        taken |= {"record", "run"}
        if stem not in taken:
            return stem
        n = 2
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    # --- whole document ---------------------------------------------------------------------

    def reset(self, definition: Orchestration) -> Orchestration:
        """Replace the whole definition (open, new). Returns the previous one."""
        old, self._definition = self._definition, definition
        self._announce(Change(ChangeKind.RESET), structural=True)
        return old

    def set_properties(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change orchestration-level fields (name, description, trigger, variables...).

        Returns the previous values of exactly those fields (the inverse's argument).
        """
        candidate, old = self._properties_candidate(changes)
        self._definition = candidate.model_copy(
            update={
                "nodes": self._definition.nodes,
                "flows": self._definition.flows,
                "layout": self._definition.layout,
            }
        )
        self._announce(Change(ChangeKind.PROPERTIES_CHANGED), structural=True)
        return old

    def check_properties(self, changes: dict[str, Any]) -> None:
        """Raise `InvalidInput` when `set_properties(changes)` would refuse; change nothing."""
        self._properties_candidate(changes)

    def _properties_candidate(
        self, changes: dict[str, Any]
    ) -> tuple[Orchestration, dict[str, Any]]:
        forbidden = set(changes) & {"nodes", "flows", "layout"}
        if forbidden:
            raise InvalidInput(f"set_properties cannot change {sorted(forbidden)}")
        if "id" in changes and not str(changes["id"]).strip():
            raise InvalidInput("The orchestration needs an ID.", field="id")
        # Structure is not touched here; leave it out so a big diagram validates quickly.
        data = self._definition.model_dump(by_alias=True, exclude={"nodes", "flows", "layout"})
        old = {k: data[_alias(k)] for k in changes}
        data.update({_alias(k): v for k, v in changes.items()})
        return _checked(Orchestration.model_validate, data, element=None), old

    # --- nodes ------------------------------------------------------------------------------

    def add_node(
        self, node: AnyNode, position: Position | None = None, index: int | None = None
    ) -> None:
        """Insert a node (at `index`, default last), optionally placing it on the canvas."""
        if self.element(node.id) is not None:
            raise InvalidInput(f"an element with id {node.id!r} already exists", element=node.id)
        nodes = self._definition.nodes
        nodes.insert(len(nodes) if index is None else index, node)
        if position is not None:
            self._definition.layout[node.id] = position
        self._announce(Change(ChangeKind.NODE_ADDED, node.id), structural=True)

    def remove_node(self, node_id: str) -> tuple[AnyNode, int, Position | None]:
        """Remove a node with no flows attached. Returns (node, index, position) for undo."""
        attached = [f for f in self._definition.flows if node_id in (f.source, f.target)]
        if attached:
            raise InvalidInput(
                f"remove the {len(attached)} flow(s) of {node_id!r} first", element=node_id
            )
        index = next(i for i, n in enumerate(self._definition.nodes) if n.id == node_id)
        node = self._definition.nodes.pop(index)
        position = self._definition.layout.pop(node_id, None)
        self._announce(Change(ChangeKind.NODE_REMOVED, node_id), structural=True)
        return node, index, position

    def move_node(self, node_id: str, position: Position | None) -> Position | None:
        """Place a node (None removes its layout entry). Returns the previous position."""
        layout = self._definition.layout
        old = layout.get(node_id)
        if position is None:
            layout.pop(node_id, None)
        else:
            layout[node_id] = position
        self._announce(Change(ChangeKind.NODE_MOVED, node_id))
        return old

    def set_layout(self, positions: dict[str, Position]) -> dict[str, Position]:
        """Replace the whole layout (auto-layout). Returns the previous layout."""
        old = dict(self._definition.layout)
        self._definition.layout.clear()
        self._definition.layout.update(positions)
        for node_id in set(old) | set(positions):
            self._announce(Change(ChangeKind.NODE_MOVED, node_id))
        return old

    def update_node(self, node_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a node other than its id. Returns the previous values."""
        node, new, old = self._node_candidate(node_id, changes)
        index = self._definition.nodes.index(node)
        self._definition.nodes[index] = new
        self._announce(Change(ChangeKind.NODE_CHANGED, node_id), structural=True)
        return old

    def check_node_update(self, node_id: str, changes: dict[str, Any]) -> None:
        """Raise `InvalidInput` when `update_node` would refuse these changes; change nothing."""
        self._node_candidate(node_id, changes)

    def _node_candidate(
        self, node_id: str, changes: dict[str, Any]
    ) -> tuple[AnyNode, AnyNode, dict[str, Any]]:
        node = self._require(node_id)
        if self.is_step(node_id):
            raise InvalidInput(f"{node_id!r} is a step; use update_step", element=node_id)
        data = node.model_dump(by_alias=True)
        old = _replace_fields(data, changes, node_id)
        return node, _checked(parse_node, data, element=node_id), old

    # --- steps ------------------------------------------------------------------------------

    def add_step(self, stage_id: str, step: AnyStep, index: int | None = None) -> None:
        """Insert a step into a stage (at `index`, default last)."""
        stage = self._require_stage(stage_id)
        if self.element(step.id) is not None:
            raise InvalidInput(f"an element with id {step.id!r} already exists", element=step.id)
        stage.steps.insert(len(stage.steps) if index is None else index, step)
        self._announce(Change(ChangeKind.STEP_ADDED, step.id, stage=stage_id), structural=True)

    def remove_step(self, step_id: str) -> tuple[str, AnyStep, int]:
        """Remove a step. Returns (stage id, step, index) for undo."""
        stage = self._require_stage_of(step_id)
        index = next(i for i, s in enumerate(stage.steps) if s.id == step_id)
        step = stage.steps.pop(index)
        self._announce(
            Change(ChangeKind.STEP_REMOVED, step_id, stage=stage.id, old_stage=stage.id),
            structural=True,
        )
        return stage.id, step, index

    def move_step(self, step_id: str, stage_id: str, index: int) -> tuple[str, int]:
        """Move a step to position `index` of a stage. Returns (old stage id, old index)."""
        source = self._require_stage_of(step_id)
        target = self._require_stage(stage_id)
        old_index = next(i for i, s in enumerate(source.steps) if s.id == step_id)
        step = source.steps.pop(old_index)
        target.steps.insert(min(index, len(target.steps)), step)
        self._announce(
            Change(ChangeKind.STEP_MOVED, step_id, stage=stage_id, old_stage=source.id),
            structural=True,
        )
        return source.id, old_index

    def update_step(self, step_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a step other than its id. Returns the previous values."""
        stage, index, new, old = self._step_candidate(step_id, changes)
        previous, stage.steps[index] = stage.steps[index], new
        # Same id, same place: point the lookup at the new step instead of rebuilding it
        # (20,000 entries at 20,000 steps, on every edit of a step's fields).
        found = self._index.get(step_id) if self._index is not None else None
        if found is not None and found[0] is previous:
            self._index[step_id] = (new, stage.id)  # type: ignore[index]
            self._announce(Change(ChangeKind.STEP_CHANGED, step_id, stage=stage.id))
        else:
            self._announce(
                Change(ChangeKind.STEP_CHANGED, step_id, stage=stage.id), structural=True
            )
        return old

    def check_step_update(self, step_id: str, changes: dict[str, Any]) -> None:
        """Raise `InvalidInput` when `update_step` would refuse these changes; change nothing."""
        self._step_candidate(step_id, changes)

    def _step_candidate(
        self, step_id: str, changes: dict[str, Any]
    ) -> tuple[StageNode, int, AnyStep, dict[str, Any]]:
        stage = self._require_stage_of(step_id)
        index = next(i for i, s in enumerate(stage.steps) if s.id == step_id)
        data = stage.steps[index].model_dump(by_alias=True)
        old = _replace_fields(data, changes, step_id)
        return stage, index, _checked(parse_step, data, element=step_id), old

    # --- ids --------------------------------------------------------------------------------

    def rename_id(self, old_id: str, new_id: str) -> None:
        """Give an element a new id and update every reference (flows, `after`, layout).

        Announces ELEMENT_RENAMED (element = the new id, old_id = the previous one).
        """
        self.check_rename(old_id, new_id)
        element = self._require(old_id)
        stage = self._lookup()[old_id][1]  # a step keeps its stage
        element.id = new_id
        for flow in self._definition.flows:
            if flow.source == old_id:
                flow.source = new_id
            if flow.target == old_id:
                flow.target = new_id
        for _, step in self._definition.steps():
            if old_id in step.after:
                step.after = [new_id if a == old_id else a for a in step.after]
        layout = self._definition.layout
        if old_id in layout:
            self._definition.layout = {(new_id if k == old_id else k): v for k, v in layout.items()}
        self._announce(
            Change(ChangeKind.ELEMENT_RENAMED, new_id, stage=stage, old_id=old_id),
            structural=True,
        )

    def check_rename(self, old_id: str, new_id: str) -> None:
        """Raise `InvalidInput` when `rename_id(old_id, new_id)` would refuse; change nothing."""
        self._require(old_id)
        if not new_id.isidentifier():
            raise InvalidInput(
                f"{new_id!r} is not an identifier",
                element=old_id,
                field="id",
                hint="use letters, digits and underscores, not starting with a digit",
            )
        if new_id != old_id and (
            self.element(new_id) is not None
            or new_id in {v.name for v in self._definition.variables}
        ):
            raise InvalidInput(f"The ID {new_id!r} is already used.", element=old_id, field="id")

    # --- flows ------------------------------------------------------------------------------

    def add_flow(self, flow: Flow, index: int | None = None) -> None:
        """Insert a flow (at `index`, default last; order matters for decisions)."""
        if self.flow(flow.source, flow.target) is not None:
            raise InvalidInput(
                f"a flow from {flow.source!r} to {flow.target!r} already exists",
                element=flow.source,
            )
        flows = self._definition.flows
        flows.insert(len(flows) if index is None else index, flow)
        self._announce(Change(ChangeKind.FLOW_ADDED, flow.source, flow=(flow.source, flow.target)))

    def remove_flow(self, source: str, target: str) -> tuple[Flow, int]:
        """Remove the flow between two nodes. Returns (flow, index) for undo."""
        flows = self._definition.flows
        index = next(
            (i for i, f in enumerate(flows) if f.source == source and f.target == target), None
        )
        if index is None:
            raise InvalidInput(f"no flow from {source!r} to {target!r}", element=source)
        flow = flows.pop(index)
        self._announce(Change(ChangeKind.FLOW_REMOVED, source, flow=(source, target)))
        return flow, index

    def update_flow(self, source: str, target: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a flow's condition or default flag. Returns the previous values."""
        flow, new, old = self._flow_candidate(source, target, changes)
        flows = self._definition.flows
        flows[flows.index(flow)] = new
        self._announce(Change(ChangeKind.FLOW_CHANGED, source, flow=(source, target)))
        return old

    def check_flow_update(self, source: str, target: str, changes: dict[str, Any]) -> None:
        """Raise `InvalidInput` when `update_flow` would refuse these changes; change nothing."""
        self._flow_candidate(source, target, changes)

    def _flow_candidate(
        self, source: str, target: str, changes: dict[str, Any]
    ) -> tuple[Flow, Flow, dict[str, Any]]:
        flow = self.flow(source, target)
        if flow is None:
            raise InvalidInput(f"no flow from {source!r} to {target!r}", element=source)
        data = flow.model_dump(by_alias=True)
        old = _replace_fields(data, changes, source)
        return flow, _checked(Flow.model_validate, data, element=source), old

    # --- helpers ----------------------------------------------------------------------------

    def _require(self, element_id: str) -> AnyNode | AnyStep:
        element = self.element(element_id)
        if element is None:
            raise InvalidInput(f"no element with id {element_id!r}", element=element_id)
        return element

    def _require_stage(self, stage_id: str) -> StageNode:
        node = self._definition.node(stage_id)
        if not isinstance(node, StageNode):
            raise InvalidInput(f"{stage_id!r} is not a stage", element=stage_id)
        return node

    def _require_stage_of(self, step_id: str) -> StageNode:
        stage = self.stage_of(step_id)
        if stage is None:
            raise InvalidInput(f"no step with id {step_id!r}", element=step_id)
        return stage

    def element_ids(self) -> Iterable[str]:
        """Every node and step id."""
        return self._lookup().keys()


def _alias(field: str) -> str:
    return "schema" if field == "schema_" else field


def _replace_fields(data: dict[str, Any], changes: dict[str, Any], element: str) -> dict[str, Any]:
    if "id" in changes:
        raise InvalidInput("change ids with rename_id", element=element, field="id")
    keys = {"source": "from", "target": "to"}
    old = {k: data.get(keys.get(k, k)) for k in changes}
    for key, value in changes.items():
        data[keys.get(key, key)] = value
    return old


def _checked(
    parse: Callable[[dict[str, Any]], _M], data: dict[str, Any], *, element: str | None
) -> _M:
    try:
        return parse(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # Drop pydantic's union tag (the element's `type`) from the field path.
        field = ".".join(str(p) for p in first["loc"] if p != data.get("type")) or None
        raise InvalidInput(first["msg"], element=element, field=field) from None
