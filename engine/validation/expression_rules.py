"""Rules on expressions: `expression-syntax`, `expression-limit`, `unknown-name` and
`unused-variable`.

Every expression of the definition is checked: the record trigger's condition, flow
conditions, stage exit conditions, step conditions, background step inputs, wait keys and
dynamic assignees (`assignee_from`).
Each distinct text is parsed once per process (an LRU cache), so re-validating after an
edit only parses what changed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from engine.definition import BackgroundStep, InteractiveStep, RecordTrigger, WaitStep
from engine.errors import ExpressionError, ExpressionLimitError
from engine.expressions import FUNCTIONS, names_read, parse
from engine.validation.context import (
    RESERVED_NAMES,
    Index,
    did_you_mean,
    error,
    flow_field,
    warning,
)
from engine.validation.diagnostics import Diagnostic

FAULT_NAME = "fault"
"""What expressions read the last fault route's failure as (`fault.step`, `fault.error`)."""

_OTHER_NAMES = RESERVED_NAMES | {FAULT_NAME}

WRITING_ACTION = "set_variables"
"""The built-in action whose input keys name the variables it writes."""


class Located(NamedTuple):
    """One expression and where it sits: the element id (or None) and the field.

    A named tuple: a large definition has tens of thousands, and a frozen dataclass is
    several times slower to build.
    """

    element: str | None
    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """What parsing one expression text found: a problem (code and message), or the names
    it reads and the functions it calls."""

    problem: str | None
    names: frozenset[str]
    calls: frozenset[str]
    code: str = "expression-syntax"
    attributes: frozenset[tuple[str, str]] = frozenset()


@functools.lru_cache(maxsize=16384)
def analyse(text: str) -> Analysis:
    """Parse an expression once and list the free names it reads and the functions it calls."""
    if not text.strip():
        return Analysis(
            "is empty; write an expression or remove the field", frozenset(), frozenset()
        )
    try:
        tree = parse(text)
        names = names_read(text)
    except ExpressionLimitError as exc:
        hint = f"; {exc.hint}" if exc.hint else ""
        message = f"breaks an expression limit: {exc.message}{hint}"
        return Analysis(message, frozenset(), frozenset(), "expression-limit")
    except ExpressionError as exc:
        hint = f"; {exc.hint}" if exc.hint else ""
        return Analysis(f"is not a valid expression: {exc.message}{hint}", frozenset(), frozenset())
    calls = frozenset(
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    )
    # `quote.discount`: a free name's attribute (loop variables are not free).
    attributes = frozenset(
        (node.value.id, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in names
    )
    return Analysis(None, frozenset(names), calls, attributes=attributes)


def expressions_of(index: Index) -> list[Located]:
    """Every expression in the definition, in document order (found once per `validate`:
    the expression and reference rules both read them)."""
    found = index.memo.get("expressions")
    if found is None:
        found = index.memo["expressions"] = list(_find_expressions(index))
    return found


def analysed(index: Index) -> list[tuple[Located, Analysis]]:
    """Every expression with its analysis, in document order (once per `validate`)."""
    found = index.memo.get("analysed")
    if found is None:
        found = index.memo["analysed"] = [(e, analyse(e.text)) for e in expressions_of(index)]
    return found


def distinct_expressions(index: Index) -> dict[str, Analysis]:
    """Each distinct expression text of the definition with its analysis (once per
    `validate`). A large definition repeats a few texts thousands of times, and whether any
    expression is at fault depends on its text alone: when none is, the rules are done
    without locating a single one (`analysed` then is never built)."""
    found = index.memo.get("distinct")
    if found is None:
        texts, ready = _texts(index)
        found = index.memo["distinct"] = {text: analyse(text) for text in dict.fromkeys(texts)}
        index.memo["ready"] = {text: found[text] for text in ready}
    return found


def ready_expressions(index: Index) -> dict[str, Analysis]:
    """The distinct texts evaluated when a step becomes ready: step conditions and
    `assignee_from` (see `reference_rules`)."""
    distinct_expressions(index)
    return index.memo["ready"]


def _texts(index: Index) -> tuple[list[str], list[str]]:
    """Every expression text (any order, repeats kept) and those of step conditions and
    `assignee_from`; the same fields `_find_expressions` locates."""
    definition = index.definition
    ready = [*index.conditions]
    ready += [s.assignee_from for s in index.interactive if s.assignee_from is not None]
    texts = [*ready, *(s.key for s in index.wait if s.key is not None)]
    texts += [stage.exit_condition for stage in index.stages if stage.exit_condition is not None]
    texts += [flow.condition for flow in definition.flows if flow.condition is not None]
    for step in index.background:
        texts += step.inputs.values()
    trigger = definition.trigger
    if isinstance(trigger, RecordTrigger) and trigger.condition is not None:
        texts.append(trigger.condition)
    return texts, ready


def _find_expressions(index: Index) -> Iterator[Located]:
    definition = index.definition
    trigger = definition.trigger
    if isinstance(trigger, RecordTrigger) and trigger.condition is not None:
        yield Located(None, "trigger.condition", trigger.condition)
    for node in definition.stages():
        if node.exit_condition is not None:
            yield Located(node.id, "exit_condition", node.exit_condition)
        for step in node.steps:
            if step.condition is not None:
                yield Located(step.id, "condition", step.condition)
            if isinstance(step, BackgroundStep):
                for key, text in step.inputs.items():
                    yield Located(step.id, f"inputs.{key}", text)
            elif isinstance(step, InteractiveStep) and step.assignee_from is not None:
                yield Located(step.id, "assignee_from", step.assignee_from)
            elif isinstance(step, WaitStep) and step.key is not None:
                yield Located(step.id, "key", step.key)
    for flow in definition.flows:
        if flow.condition is not None:
            element = flow.source if flow.source in index.nodes else None
            yield Located(element, flow_field(flow.target, "condition"), flow.condition)


def check_expressions(index: Index) -> Iterator[Diagnostic]:
    """Report expressions that do not parse or read unknown names, and unused variables."""
    distinct = distinct_expressions(index).values()
    variables, steps = index.variables, index.steps
    if all(
        a.problem is None
        and all(n in variables or n in steps or n in _OTHER_NAMES for n in a.names)
        for a in distinct
    ):
        # The common case: nothing to report on any expression, so none is located (nor
        # a set of every known name built: that alone hashes 50,000 step ids).
        yield from _check_unused(index, set().union(*(a.names for a in distinct)))
        return
    known = RESERVED_NAMES | {FAULT_NAME} | index.variables.keys() | index.steps.keys()
    used: set[str] = set()
    for located, analysis in analysed(index):
        if analysis.problem:
            yield error(
                analysis.code,
                located.element,
                located.field,
                f"{_where(located)} {analysis.problem}",
            )
            continue
        used |= analysis.names
        if analysis.names <= known:
            continue  # the common case: no message is built
        where = _where(located)
        for name in sorted(analysis.names - known):
            yield error(
                "unknown-name",
                located.element,
                located.field,
                _unknown_name_message(index, where, name, name in analysis.calls, known),
            )
    yield from _check_unused(index, used)


def _where(located: Located) -> str:
    owner = f" of {located.element!r}" if located.element else ""
    return f"{located.field}{owner} ({located.text[:80]!r})"


def _unknown_name_message(
    index: Index, where: str, name: str, called: bool, known: set[str] | frozenset[str]
) -> str:
    if called:
        return (
            f"{where} calls {name!r}, which is not an available function; use one of "
            f"{', '.join(FUNCTIONS)}{did_you_mean(name, FUNCTIONS)}"
        )
    if name in index.nodes:
        return (
            f"{where} reads {name!r}, which is a {index.nodes[name].type}; expressions read "
            "variables and step outputs (step_id.output), not stages or decisions"
        )
    return (
        f"{where} reads {name!r}, which is no variable, step id, record, run or fault"
        f"{did_you_mean(name, known)}; declare a variable {name!r} or fix the name"
    )


def _check_unused(index: Index, read: set[str]) -> Iterator[Diagnostic]:
    written = {
        key
        for step in index.first_background()
        if step.action == WRITING_ACTION
        for key in step.inputs
    }
    for name, variable in index.variables.items():
        if variable.input or name in read or name in written:
            continue
        yield warning(
            "unused-variable",
            name,
            None,
            f"variable {name!r} is never read or written; use it in an expression or a "
            f"{WRITING_ACTION} step, mark it as an input, or delete it",
        )
