"""Rules on names: `invalid-id` and `duplicate-id`.

Ids of nodes and steps, and variable names, are read by expressions (`contract.decision`,
`amount > 1000`), so they must be identifiers, must not be reserved words, and must not
collide with each other.
"""

from __future__ import annotations

import keyword
import operator
import re
from collections.abc import Iterator

from engine.definition import InteractiveStep, StageNode
from engine.expressions import CONSTANTS
from engine.validation.context import RESERVED_NAMES, Index, error
from engine.validation.diagnostics import Diagnostic

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = RESERVED_NAMES | CONSTANTS | frozenset(keyword.kwlist)
MAX_ID_LENGTH = 200
"""Longest id of an orchestration, node or step: the store's id columns hold 200 characters
(PostgreSQL refuses more, so a longer id would validate, then fail to activate or start)."""


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
    elif len(definition.id) > MAX_ID_LENGTH:
        yield error("invalid-id", None, "id", f"the orchestration id {_too_long(definition.id)}")
    yield from _check_variables(index)
    if _all_plain(index):
        return
    # Owners are kept as (kind, id, stage) and worded only for a message: a clean
    # definition of 50,000 steps then builds no strings at all.
    first_owner: dict[str, tuple[str, str, str | None]] = {}
    variables = index.variables
    for node in definition.nodes:
        node_id = node.id
        if node_id in first_owner or node_id in variables or not _plain_name(node_id):
            yield from _check_element_id(index, node_id, (node.type, node_id, None), first_owner)
        else:
            first_owner[node_id] = (node.type, node_id, None)
        if isinstance(node, StageNode):
            for step in node.steps:
                step_id = step.id
                owner = ("step", step_id, node_id)
                if step_id in first_owner or step_id in variables or not _plain_name(step_id):
                    yield from _check_element_id(index, step_id, owner, first_owner)
                else:
                    first_owner[step_id] = owner
                if isinstance(step, InteractiveStep) and not _plain_outputs(step):
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
    index: Index,
    element_id: str,
    owner_of: tuple[str, str, str | None],
    first_owner: dict[str, tuple[str, str, str | None]],
) -> Iterator[Diagnostic]:
    owner = _owner(*owner_of)
    if element_id in first_owner:
        yield error(
            "duplicate-id",
            element_id,
            "id",
            f"the id {element_id!r} of {owner} is already used by "
            f"{_owner(*first_owner[element_id])}; "
            "ids must be unique across nodes and steps: rename one of them",
        )
        return
    first_owner[element_id] = owner_of
    problem = _name_problem(element_id)
    if problem is None and len(element_id) > MAX_ID_LENGTH:
        problem = _too_long(element_id)
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


def _plain_outputs(step: InteractiveStep) -> bool:
    """Whether every output name is an identifier (no keyword) used once: nothing to say."""
    names = [output.name for output in step.outputs]
    return len(set(names)) == len(names) and all(
        name.isascii() and name.isidentifier() and not keyword.iskeyword(name) for name in names
    )


def _owner(kind: str, element_id: str, stage_id: str | None) -> str:
    """`stage 'review'` or `step 'contract' of stage 'paperwork'`."""
    if stage_id is None:
        return f"{kind} {element_id!r}"
    return f"{kind} {element_id!r} of stage {stage_id!r}"


def _check_outputs(step: InteractiveStep) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for output in step.outputs:
        name = output.name
        if name not in seen and _IDENTIFIER.match(name) and not keyword.iskeyword(name):
            seen.add(name)
            continue  # the common case: no field name or message is built
        field = f"outputs.{name}"
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


_NOT_AN_IDENTIFIER = re.compile(r"^(?![A-Za-z_][A-Za-z0-9_]*$)", re.MULTILINE)


def _all_plain(index: Index) -> bool:
    """Whether no node or step id (nor output name) can be at fault, decided in bulk.

    A clean definition is the common case, and a large one has tens of thousands of ids:
    set operations on the index's keys, one regular-expression pass over all names, and
    one look at each distinct list of output names cost a small part of the per-id checks
    below, which then run only when something is wrong.
    """
    if not index.unique_ids:
        return False  # a repeated id
    # Key views on both sides: a view's isdisjoint walks the smaller side (a set's walks
    # whatever it is given, here 50,000 keys).
    nodes, steps, variables = index.nodes.keys(), index.steps.keys(), index.variables.keys()
    if not (nodes.isdisjoint(_RESERVED) and steps.isdisjoint(_RESERVED)):
        return False
    if not (variables.isdisjoint(nodes) and variables.isdisjoint(steps)):
        return False
    names: set[str] = set()
    for shape in {tuple(map(_NAME, step.outputs)) for step in index.interactive}:
        if len(set(shape)) != len(shape):
            return False  # an output declared twice on one step
        names.update(shape)
    if _KEYWORDS.intersection(names):
        return False
    parts = [*nodes, *steps, *names]
    if max(map(len, parts), default=0) > MAX_ID_LENGTH:
        return False
    text = "\n".join(parts)
    if text.count("\n") != len(parts) - 1:
        return False  # a name with a line break in it
    return _NOT_AN_IDENTIFIER.search(text) is None


_NAME = operator.attrgetter("name")
_KEYWORDS = frozenset(keyword.kwlist)


def _plain_name(name: str) -> bool:
    """An identifier (ASCII letters, digits, underscores), not reserved and not too long:
    `_IDENTIFIER`, `_RESERVED` and `MAX_ID_LENGTH` through C string methods, for the clean
    common case."""
    return (
        name.isascii()
        and name.isidentifier()
        and len(name) <= MAX_ID_LENGTH
        and name not in _RESERVED
    )


def _name_problem(name: str) -> str | None:
    if not _IDENTIFIER.match(name):
        return f"{name!r} is not an identifier; {_how_to_name(name)}"
    if name in _RESERVED:
        return (
            f"{name!r} is a reserved word in expressions; choose another name "
            f"(e.g. {name + '_id'!r})"
        )
    return None


def _too_long(name: str) -> str:
    return (
        f"{name[:20]!r}... is {len(name)} characters long; the database holds ids of at most "
        f"{MAX_ID_LENGTH}: shorten it"
    )


def _how_to_name(name: str) -> str:
    suggestion = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_") or "step_1"
    if suggestion[0].isdigit():
        suggestion = "_" + suggestion
    return f"use letters, digits and underscores, not starting with a digit (e.g. {suggestion!r})"
