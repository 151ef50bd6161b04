"""What the outside world tells Baton: events for waiting runs, records that trigger runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from engine.api.deps import CallerDep, EngineDep
from engine.api.models import EventIn, EventOut, RecordIn, RecordOut
from engine.api.strict_json import StrictJsonRoute

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute, tags=["events and records"])


@router.post("/events", response_model=EventOut)
def send_event(body: EventIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Deliver an event: the wait steps expecting its name (and key) complete with its data.

    An event no wait step expects yet reaches no run (`runs` is empty). It is kept only when
    a wait step for it declares a `buffer` (`kept_until` says until when); otherwise it is
    gone.
    """
    sent = engine.publish(body.name, body.key, body.data, actor=caller.name)
    return {"event": body.name, "key": body.key, "runs": sent.runs, "kept_until": sent.kept_until}


@router.post(
    "/records/{object_name}", status_code=status.HTTP_201_CREATED, response_model=RecordOut
)
def create_record(
    object_name: str, body: RecordIn, engine: EngineDep, caller: CallerDep
) -> dict[str, Any]:
    """Create a record; orchestrations triggered by this record type start."""
    record_id = engine.create_record(object_name, body.fields, actor=caller.name)
    return {"object": object_name, "id": record_id, "fields": engine.record(object_name, record_id)}


@router.patch("/records/{object_name}/{record_id}", response_model=RecordOut)
def update_record(
    object_name: str, record_id: str, body: RecordIn, engine: EngineDep, caller: CallerDep
) -> dict[str, Any]:
    """Change some fields; orchestrations whose entry condition became true start."""
    fields = engine.update_record(object_name, record_id, body.fields, actor=caller.name)
    return {"object": object_name, "id": record_id, "fields": fields}


@router.get("/records/{object_name}/{record_id}", response_model=RecordOut)
def get_record(
    object_name: str, record_id: str, engine: EngineDep, _caller: CallerDep
) -> dict[str, Any]:
    """A record's fields as they are now."""
    return {"object": object_name, "id": record_id, "fields": engine.record(object_name, record_id)}
