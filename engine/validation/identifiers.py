"""Rules on names: `invalid-id` and `duplicate-id`.

Ids of nodes and steps, and variable names, are read by expressions (`contract.decision`,
`amount > 1000`), so they must be identifiers, must not be reserved words, and must not
collide with each other.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator

from engine.definition import InteractiveStep, StageNode
from engine.expressions import CONSTANTS
from engine.validation.context import RESERVED_NAMES, Index, error
from engine.validation.diagnostics import Diagnostic

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = RESERVED_NAMES | CONSTANTS | frozenset(keyword.kwlist)


def check_identifiers(index: Index) -> Iterator[Diagnostic]:
    """Report ids and names that are not identifiers, are reserved, or are used twice."""
    definition = index.definition
    if not _IDENTIFIER.match(definition.id):
        yield error(
            "invalid-id",
            None,
            "id",
            f"the orchestration id {definition.id!r} is not an identifier; "
            f"{_how_to_name(definition.id)}",
        )
    yield from _check_variables(index)
    first_owner: dict[str, str] = {}
    for node in definition.nodes:
        yield from _check_element_id(index, node.id, f"{node.type} {node.id!r}", first_owner)
        if isinstance(node, StageNode):
            for step in node.steps:
                owner = f"step {step.id!r} of stage {node.id!r}"
                yield from _check_element_id(index, step.id, owner, first_owner)
                if isinstance(step, InteractiveStep):
                    yield from _check_outputs(step)


def _check_variables(index: Index) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for variable in index.definition.variables:
        name = variable.name
        if name in seen:
            yield error(
                "duplicate-id",
                name,
                "name",
                f"the variable {name!r} is declared twice; delete or rename one of them",
            )
            continue
        seen.add(name)
        problem = _name_problem(name)
        if problem:
            yield error("invalid-id", name, "name", f"the variable name {problem}")


def _check_element_id(
    index: Index, element_id: str, owner: str, first_owner: dict[str, str]
) -> Iterator[Diagnostic]:
    if element_id in first_owner:
        yield error(
            "duplicate-id",
            element_id,
            "id",
            f"the id {element_id!r} of {owner} is already used by {first_owner[element_id]}; "
            "ids must be unique across nodes and steps: rename one of them",
        )
        return
    first_owner[element_id] = owner
    problem = _name_problem(element_id)
    if problem:
        yield error("invalid-id", element_id, "id", f"the id of {owner}: {problem}")
    elif element_id in index.variables:
        yield error(
            "invalid-id",
            element_id,
            "id",
            f"the id of {owner} is also the name of a variable, so expressions could not tell "
            "them apart; rename the element or the variable",
        )


def _check_outputs(step: InteractiveStep) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for output in step.outputs:
        field = f"outputs.{output.name}"
        if output.name in seen:
            yield error(
                "duplicate-id",
                step.id,
                field,
                f"step {step.id!r} declares the output {output.name!r} twice; "
                "delete or rename one of them",
            )
        elif not _IDENTIFIER.match(output.name) or keyword.iskeyword(output.name):
            yield error(
                "invalid-id",
                step.id,
                field,
                f"the output name {output.name!r} of step {step.id!r} cannot be read as "
                f"{step.id}.{output.name}; {_how_to_name(output.name)}",
            )
        seen.add(output.name)


def _name_problem(name: str) -> str | None:
    if not _IDENTIFIER.match(name):
        return f"{name!r} is not an identifier; {_how_to_name(name)}"
    if name in _RESERVED:
        return (
            f"{name!r} is a reserved word in expressions; choose another name "
            f"(e.g. {name + '_id'!r})"
        )
    return None


def _how_to_name(name: str) -> str:
    suggestion = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_") or "step_1"
    if suggestion[0].isdigit():
        suggestion = "_" + suggestion
    return f"use letters, digits and underscores, not starting with a digit (e.g. {suggestion!r})"
