"""Rules on the steps of each stage: `after` links (`unknown-reference`,
`step-after-outside-stage`, `step-cycle`), `empty-stage`, `missing-assignee`,
`assignee-conflict`,
`unknown-reference` on `escalate_to`, `unknown-action` and `wait-invalid`.

The `after` links of one stage form a directed graph (edge: awaited step -> waiting step);
a strongly connected component of more than one step is a set of steps that wait on each
other and so would never start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.actions.registry import action_names, is_known_action
from engine.definition import AnyStep, BackgroundStep, InteractiveStep, StageNode, WaitStep
from engine.validation.context import Index, did_you_mean, error, quote_list, warning
from engine.validation.diagnostics import Diagnostic
from engine.validation.digraph import digraph, strong_components

ASSIGNEE = re.compile(r"(user|group|queue):[^\s:]+\Z")
"""`user:NAME`, `group:NAME` or `queue:NAME`; NAME has no spaces or colons."""


def check_steps(index: Index) -> Iterator[Diagnostic]:
    """Report problems in each stage's steps, in document order."""
    actions = action_names()  # once: it is a union of the built-in, plugin and own names
    # Decided in bulk for the common clean case; the per-stage and per-step checks below
    # then run only where something may be wrong, in document order as ever.
    links_checked = _all_links_backward(index)
    steps_checked = _all_steps_plain(index, actions)
    for stage in index.stages:
        if not stage.steps:
            yield warning(
                "empty-stage",
                stage.id,
                "steps",
                f"stage {stage.id!r} has no steps, so runs pass straight through it; add "
                "steps or remove the stage",
            )
            continue
        if not links_checked:
            yield from _check_after(index, stage)
        if not steps_checked:
            for step in stage.steps:
                if not _step_is_plain(step, actions):
                    yield from _check_step(step)


def _all_links_backward(index: Index) -> bool:
    """Whether every `after` names an earlier step of the waiting step's own stage: then
    no link is unknown, foreign or circular. Needs unique ids (a repeat takes the long way).

    Places are looked up by object identity, not by id text: hashing 50,000 id strings once
    more costs more than the rest of this check.
    """
    if not index.unique_ids:
        return False
    steps, step_list, owners, waiting = index.steps, index.step_list, index.owners, index.waiting
    if not waiting:
        return True
    place = {id(step): number for number, step in enumerate(step_list)}
    for number in waiting:
        stage = owners[number]
        for awaited in step_list[number].after:
            found = steps.get(awaited)
            if found is None or found[0] is not stage or place[id(found[1])] >= number:
                return False
    return True


def _all_steps_plain(index: Index, actions: frozenset[str]) -> bool:
    """`_step_is_plain` for every step, asked once per distinct combination of the fields
    it reads (a large definition repeats a few assignees, actions and events)."""
    people = {(s.assignee, s.escalate_to, s.assignee_from) for s in index.interactive}
    if not all(_people_plain(*fields) for fields in people):
        return False
    if not {step.action for step in index.background} <= actions:
        return False
    # A wait step without an event is not plain, yet fine with a timeout: what
    # `_check_wait` says depends on these four fields only, so one step of each distinct
    # combination answers for all steps sharing it.
    waits = {(s.event, s.key, s.timeout, s.buffer): s for s in index.wait}
    return not any(
        not (event and event.strip()) and next(_check_wait(step), None) is not None
        for (event, *_), step in waits.items()
    )


def _check_after(index: Index, stage: StageNode) -> Iterator[Diagnostic]:
    # Position of each id in document order; a repeated id (already an error) is one node.
    position: dict[str, int] = {}
    for number, step in enumerate(stage.steps):
        position.setdefault(step.id, number)
    links: list[tuple[str, str]] = []
    backward = False
    for step in stage.steps:
        for awaited in step.after:
            if awaited == step.id:
                yield error(
                    "step-cycle",
                    step.id,
                    "after",
                    f"step {step.id!r} waits for itself ('after' names its own id), so it "
                    "would never start; remove it from 'after'",
                )
            elif awaited in position:
                links.append((awaited, step.id))
                backward = backward or position[awaited] > position[step.id]
            else:
                yield _foreign_after(index, stage, step, awaited)
    if not backward:
        return  # every link waits for an earlier step in document order: no loop possible
    graph = digraph((), links)
    order = [step.id for step in stage.steps]
    for component in strong_components(graph):
        if len(component) < 2:
            continue
        inside = set(component)
        members = [s for s in order if s in inside]
        yield error(
            "step-cycle",
            members[0],
            "after",
            f"steps {quote_list(members)} of stage {stage.id!r} wait on each other through "
            "'after', so none of them would ever start; remove one of these 'after' links",
        )


def _foreign_after(index: Index, stage: StageNode, step: AnyStep, awaited: str) -> Diagnostic:
    if awaited in index.steps:
        other, _ = index.steps[awaited]
        return error(
            "step-after-outside-stage",
            step.id,
            "after",
            f"step {step.id!r} waits for {awaited!r}, a step of stage {other.id!r}; 'after' "
            f"may only name steps of its own stage {stage.id!r} (stages already run one "
            "after another): remove it",
        )
    if awaited in index.nodes:
        what = f"{awaited!r} is a {index.nodes[awaited].type}, not a step"
    else:
        siblings = [s.id for s in stage.steps if s.id != step.id]
        what = f"{awaited!r} names no step{did_you_mean(awaited, siblings)}"
    return error(
        "unknown-reference",
        step.id,
        "after",
        f"step {step.id!r} waits for {awaited!r}, but {what}; name steps of stage "
        f"{stage.id!r} or remove it",
    )


def _step_is_plain(step: AnyStep, actions: frozenset[str]) -> bool:
    """The common case, decided without building a generator or a message: an interactive
    step with well-formed assignees, a background step with a known action, a wait step
    with an event."""
    if isinstance(step, InteractiveStep):
        return _people_plain(step.assignee, step.escalate_to, step.assignee_from)
    if isinstance(step, BackgroundStep):
        return step.action in actions
    if isinstance(step, WaitStep):
        return bool(step.event and step.event.strip())
    return True


def _people_plain(assignee: str | None, escalate_to: str | None, assignee_from: str | None) -> bool:
    return (
        assignee_from is None  # a dynamic assignee beside a fixed one is a conflict
        and bool(assignee and ASSIGNEE.match(assignee))
        and (not escalate_to or ASSIGNEE.match(escalate_to) is not None)
    )


def _check_step(step: AnyStep) -> Iterator[Diagnostic]:
    if isinstance(step, InteractiveStep):
        yield from _check_interactive(step)
    elif isinstance(step, BackgroundStep):
        yield from _check_background(step)
    elif isinstance(step, WaitStep):
        yield from _check_wait(step)


def _check_interactive(step: InteractiveStep) -> Iterator[Diagnostic]:
    assignee = (step.assignee or "").strip()
    if step.assignee_from is not None:
        # The expression itself is checked with every other one (expression_rules).
        if assignee:
            yield error(
                "assignee-conflict",
                step.id,
                "assignee_from",
                f"interactive step {step.id!r} has both a fixed assignee {assignee!r} and "
                f"assignee_from {step.assignee_from!r}; keep one of them",
            )
    elif not assignee:
        yield error(
            "missing-assignee",
            step.id,
            "assignee",
            f"interactive step {step.id!r} has no assignee; set it to user:NAME, group:NAME "
            "or queue:NAME, or compute it with assignee_from, so someone gets the work item",
        )
    elif not ASSIGNEE.match(step.assignee or ""):
        yield error(
            "missing-assignee",
            step.id,
            "assignee",
            f"the assignee {step.assignee!r} of step {step.id!r} is malformed; "
            f"{_assignee_form(step.assignee or '')}",
        )
    if step.escalate_to and not ASSIGNEE.match(step.escalate_to):
        yield error(
            "unknown-reference",
            step.id,
            "escalate_to",
            f"escalate_to {step.escalate_to!r} of step {step.id!r} names no user, group or "
            f"queue; {_assignee_form(step.escalate_to)}",
        )


def _assignee_form(text: str) -> str:
    name = text.split(":")[-1].strip() or "NAME"
    name = re.sub(r"\s+", "_", name)
    return f"write user:{name}, group:{name} or queue:{name}"


def _check_background(step: BackgroundStep) -> Iterator[Diagnostic]:
    if not step.action.strip():
        yield error(
            "unknown-action",
            step.id,
            "action",
            f"background step {step.id!r} has no action; choose one of "
            f"{quote_list(sorted(action_names()))}",
        )
    elif not is_known_action(step.action):
        yield error(
            "unknown-action",
            step.id,
            "action",
            f"background step {step.id!r} runs {step.action!r}, which is not a registered "
            f"action{did_you_mean(step.action, action_names())}; choose one of "
            f"{quote_list(sorted(action_names()))}, or install the plugin that provides it",
        )


def _check_wait(step: WaitStep) -> Iterator[Diagnostic]:
    has_event = bool(step.event and step.event.strip())
    if not has_event and not step.timeout:
        yield error(
            "wait-invalid",
            step.id,
            "event",
            f"wait step {step.id!r} has neither an event nor a timeout, so it would wait "
            "forever; name the event it waits for, set a timeout, or both",
        )
    elif step.key and not has_event:
        yield error(
            "wait-invalid",
            step.id,
            "key",
            f"wait step {step.id!r} has a correlation key but no event to correlate; name "
            "the event, or remove the key",
        )
    if step.buffer and not has_event:
        yield error(
            "wait-invalid",
            step.id,
            "buffer",
            f"wait step {step.id!r} buffers events but waits for none; name the event, or "
            "remove the buffer",
        )
