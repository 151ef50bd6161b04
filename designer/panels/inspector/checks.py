"""Checking an inspector edit before it becomes an undo command.

`QUndoStack.push` runs `redo()` and keeps the command even when `redo()` raises, so an
edit the document would refuse must be caught here, before the push. These checks build
the candidate exactly as the document does (dump, replace the field, validate), so the
inspector and the document cannot disagree about what is valid.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from designer.document import Document
from engine.definition import Orchestration
from engine.definition.models import Flow, Node, Step

_NODE = TypeAdapter(Node)
_STEP = TypeAdapter(Step)


def check_rename(document: Document, old_id: str, new_id: str) -> str | None:
    """Why `old_id` cannot become `new_id`, or None when it can."""
    if not new_id.isidentifier():
        return "Use letters, digits and underscores; do not start with a digit."
    if new_id == old_id:
        return None
    variables = {v.name for v in document.definition.variables}
    if document.element(new_id) is not None or new_id in variables:
        return f"The ID {new_id!r} is already used."
    return None


def check_element_change(document: Document, element_id: str, field: str, value: Any) -> str | None:
    """Why a node or step field cannot take `value`, or None when it can."""
    element = document.element(element_id)
    if element is None:
        return f"{element_id!r} no longer exists."
    adapter = _STEP if document.is_step(element_id) else _NODE
    data = element.model_dump(by_alias=True)
    data[field] = value
    return _first_error(lambda: adapter.validate_python(data), skip=data.get("type"))


def check_flow_change(flow: Flow, field: str, value: Any) -> str | None:
    """Why a flow field cannot take `value`, or None when it can."""
    data = flow.model_dump(by_alias=True)
    data[field] = value
    return _first_error(lambda: Flow.model_validate(data))


def check_properties_change(document: Document, field: str, value: Any) -> str | None:
    """Why an orchestration-level field cannot take `value`, or None when it can."""
    if field == "id" and not str(value).strip():
        return "The orchestration needs an ID."
    data = document.definition.model_dump(by_alias=True, exclude={"nodes", "flows", "layout"})
    data["schema" if field == "schema_" else field] = value
    return _first_error(lambda: Orchestration.model_validate(data))


def _first_error(build: Any, skip: str | None = None) -> str | None:
    try:
        build()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != skip and not isinstance(p, int))
        row = next((p for p in first["loc"] if isinstance(p, int)), None)
        place = f"{where}{f' (row {row + 1})' if row is not None else ''}: " if where else ""
        return place + first["msg"]
    return None
