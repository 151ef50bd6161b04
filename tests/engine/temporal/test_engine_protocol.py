"""Both engines answer `RunEngine` (engine.runtime.protocol), the calls the CLI, the HTTP
API and the designer make on "an engine": every call of it, with the protocol's parameters
(names, kinds, defaults), on the local `Engine` and on `TemporalEngine`. Every other public
call of `Engine` is documented as local-only, and every engine call the designer makes is
one of the protocol's, so File ▸ Connect to engine… with a Temporal runtime can hand the
designer's panels a `TemporalEngine`.

The designer's calls are found in its source (`engine.NAME` on a variable named `engine`,
as every bridge job names it), so a new call there is checked without editing this test.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Generic, Protocol

import pytest

from engine.errors import NotFound
from engine.runtime import Engine
from engine.runtime.protocol import LOCAL_ONLY, RunEngine

DESIGNER = Path(__file__).resolve().parents[3] / "designer"


def designer_calls() -> dict[str, list[str]]:
    """NAME -> the designer files that read `engine.NAME`."""
    found: dict[str, list[str]] = {}
    for path in sorted(DESIGNER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "engine"
                and isinstance(node.ctx, ast.Load)
            ):
                found.setdefault(node.attr, []).append(str(path.relative_to(DESIGNER.parent)))
    return found


def shape(function: object) -> list[tuple[str, str, object]]:
    """Parameter names, kinds and defaults (annotations aside: `Any` stands in for types
    the Temporal side does not import)."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return [(p.name, p.kind.name, p.default) for p in parameters]


def protocol_members() -> tuple[dict[str, object], set[str]]:
    """The protocol's calls (name -> its function) and its attributes, its own and those
    of the protocols it extends (`Listing`); private helpers (`_select_runs`) aside."""
    calls: dict[str, object] = {}
    attributes: set[str] = set()
    for cls in RunEngine.__mro__:
        if cls in (Protocol, Generic, object):
            continue
        attributes |= {a for a in inspect.get_annotations(cls) if not a.startswith("_")}
        for name, value in cls.__dict__.items():
            if not name.startswith("_") and inspect.isfunction(value):
                calls.setdefault(name, value)
    return calls, attributes


def public_calls(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}


@pytest.fixture
def temporal(tmp_path):
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    catalogue = Engine(str(tmp_path / "catalogue.db"))
    # Constructing connects to nothing: the client is made on the first call.
    engine = TemporalEngine(TemporalAddress("127.0.0.1:1", "default"), catalogue)
    yield engine
    engine.close()


def test_the_protocol_is_found_whole():
    calls, attributes = protocol_members()
    # A broken scan would make the next tests vacuous.
    assert {"runs", "work_items", "run", "log", "complete_item", "start", "close"} <= set(calls)
    assert {"store", "clock"} <= attributes


def test_both_engines_answer_every_call_of_the_protocol_with_its_parameters(temporal):
    calls, attributes = protocol_members()
    problems = []
    for name, declared in sorted(calls.items()):
        for engine in (Engine, type(temporal)):
            found = getattr(engine, name, None)
            if found is None:
                problems.append(f"{name}(): missing on {engine.__name__}")
            elif shape(found) != shape(declared):
                problems.append(f"{name}(): {engine.__name__}{shape(found)} != {shape(declared)}")
    local = Engine(temporal.store)
    for name in sorted(attributes):
        problems += [f"{name}: missing on {type(e).__name__}" for e in (local, temporal)
                     if not hasattr(e, name)]  # fmt: skip
    assert problems == []


def test_every_other_public_call_of_the_local_engine_is_documented_as_local_only(temporal):
    calls, _ = protocol_members()
    assert public_calls(Engine) - set(calls) == set(LOCAL_ONLY)
    # and none of those is on Temporal under the same name with another meaning
    assert set(LOCAL_ONLY) & public_calls(type(temporal)) == set()


def test_the_designer_reads_engine_calls_through_the_bridge():
    calls = designer_calls()
    # The scan finds the panels' calls (a broken scan would make the next test vacuous).
    assert {"runs", "run", "log", "work_items", "complete_item", "plan"} <= set(calls)


def test_every_engine_call_of_the_designer_is_one_of_the_protocol():
    calls, attributes = protocol_members()
    problems = [
        f"{name}: not in RunEngine (used in {where[0]})"
        for name, where in sorted(designer_calls().items())
        # an attribute of another `engine` (a module) is no Engine call
        if hasattr(Engine, name) and name not in calls and name not in attributes
    ]
    assert problems == []


def test_an_empty_run_id_is_no_run_as_on_the_local_engine(tmp_path):
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    temporal = TemporalEngine(
        TemporalAddress("127.0.0.1:1", "default"), Engine(str(tmp_path / "catalogue.db"))
    )
    try:
        with pytest.raises(NotFound, match="no run with id ''"):
            temporal.run("")
    finally:
        temporal.close()
