"""A readable process document in Markdown, for audits and hand-offs (`--to markdown`).

The document follows a run's path: trigger and variables first, then the stages in the order
a run reaches them (breadth-first from the start; stages nothing reaches come last, marked),
each with its steps — who does what, guidance, what is asked for, due dates and escalation —
and where the run goes next, decisions said as "If … → …; otherwise → …". The diagram
itself is drawn by the designer (Qt); this module only links to it, so it stays Qt-free.
"""

from __future__ import annotations

import json
from collections import deque

from engine.definition.models import (
    AnyStep,
    BackgroundStep,
    DecisionNode,
    EndNode,
    InteractiveStep,
    Orchestration,
    StageNode,
    StartNode,
    WaitStep,
)
from engine.interchange.plain_words import (
    assignee_in_words,
    condition_in_words,
    duration_in_words,
    step_assignee_in_words,
    trigger_in_words,
)


def export_markdown(definition: Orchestration, image: str | None = None) -> str:
    """The process document for `definition`; `image` is a relative path to its diagram."""
    lines: list[str] = [f"# {definition.name or definition.id}", ""]
    if definition.description:
        lines += [definition.description, ""]
    lines += [
        "| | |",
        "| --- | --- |",
        f"| Orchestration | `{definition.id}`, version {definition.version} |",
        f"| Trigger | {_cell(trigger_in_words(definition.trigger))} |",
        f"| Stages | {len(definition.stages())} with {len(definition.steps())} steps |",
        "",
    ]
    if image:
        lines += [f"![Diagram of {definition.name or definition.id}]({image})", ""]
    lines += _variables(definition)
    lines += _people(definition)
    order, unreachable = stage_order(definition)
    lines += ["## Stages", ""]
    lines += _beginning(definition)
    for number, stage in enumerate(order + unreachable, start=1):
        lines += _stage(definition, stage, number, reachable=stage not in unreachable)
    return "\n".join(lines).rstrip() + "\n"


def stage_order(definition: Orchestration) -> tuple[list[StageNode], list[StageNode]]:
    """Stages in the order a run first reaches them, and those no path from the start reaches."""
    starts = [n.id for n in definition.nodes if isinstance(n, StartNode)]
    seen: set[str] = set(starts)
    queue = deque(starts)
    order: list[StageNode] = []
    while queue:
        node = definition.node(queue.popleft())
        if isinstance(node, StageNode):
            order.append(node)
        for flow in definition.outgoing(node.id, faults=True) if node else []:
            if flow.target not in seen:
                seen.add(flow.target)
                queue.append(flow.target)
    unreachable = [stage for stage in definition.stages() if stage.id not in seen]
    return order, unreachable


def _variables(definition: Orchestration) -> list[str]:
    if not definition.variables:
        return []
    lines = [
        "## Variables",
        "",
        "| Name | Type | Given at start | Required | Default | Description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for variable in definition.variables:
        # Defaults as they are written in the definition file (JSON: true, not True).
        shown = json.dumps(variable.default, ensure_ascii=False)
        default = "" if variable.default is None else f"`{shown}`"
        lines.append(
            f"| `{variable.name}` | {variable.type} | {_yes(variable.input)} "
            f"| {_yes(variable.required)} | {_cell(default)} | {_cell(variable.description)} |"
        )
    return [*lines, ""]


def _people(definition: Orchestration) -> list[str]:
    work: dict[str, list[str]] = {}
    for stage, step in definition.steps():
        if isinstance(step, InteractiveStep):
            label = f"{_name(step)} ({_name(stage)})"
            work.setdefault(step_assignee_in_words(step), []).append(label)
    if not work:
        return []
    lines = ["## Who does what", ""]
    lines += [f"- {who}: {', '.join(labels)}" for who, labels in work.items()]
    return [*lines, ""]


def _beginning(definition: Orchestration) -> list[str]:
    lines: list[str] = []
    for start in (n for n in definition.nodes if isinstance(n, StartNode)):
        lines += ["A run begins:", *_routes(definition, start.id, depth=0, seen=set()), ""]
    return lines


def _stage(definition: Orchestration, stage: StageNode, number: int, reachable: bool) -> list[str]:
    lines = [f"### {number}. {_name(stage)}", ""]
    if not reachable:
        lines += ["*No path from the start reaches this stage.*", ""]
    notes = []
    if stage.max_visits:
        times = "once" if stage.max_visits == 1 else f"{stage.max_visits} times"
        notes.append(f"A run may enter this stage at most {times}.")
    if stage.exit_condition:
        notes.append(
            f"The stage ends early as soon as {condition_in_words(stage.exit_condition)}; "
            "steps still open then are canceled."
        )
    if notes:
        lines += [" ".join(notes), ""]
    if not stage.steps:
        lines += ["This stage has no steps.", ""]
    for index, step in enumerate(stage.steps, start=1):
        lines += _step(stage, step, f"{number}.{index}")
    lines += ["**Then:**", *_routes(definition, stage.id, depth=0, seen={stage.id}), ""]
    fault = definition.fault_flow(stage.id)
    if fault is not None:
        lead = "- If a step fails for good" + (
            f" or the stage would be entered more than {stage.max_visits} times → "
            if stage.max_visits
            else " → "
        )
        lines += ["**If it fails:**", *_arrival(definition, fault.target, lead, 0, {stage.id}), ""]
    return lines


def _step(stage: StageNode, step: AnyStep, number: str) -> list[str]:
    kind = {InteractiveStep: "interactive", BackgroundStep: "background", WaitStep: "wait"}
    lines = [f"#### {number} {_name(step)}", "", f"*{kind[type(step)].capitalize()} step*", ""]
    lines.append(f"- **Starts:** {_start_words(stage, step)}")
    if isinstance(step, InteractiveStep):
        lines += _interactive(step)
    elif isinstance(step, BackgroundStep):
        lines += _background(step)
    else:
        lines += _wait(step)
    return [*lines, ""]


def _start_words(stage: StageNode, step: AnyStep) -> str:
    names = {s.id: _name(s) for s in stage.steps}
    when = "when the stage starts"
    if step.after:
        waited = " and ".join(f"**{names.get(i, i)}**" for i in step.after)
        when = f"after {waited} {'is' if len(step.after) == 1 else 'are'} complete"
    if step.condition:
        when += f", only if {condition_in_words(step.condition)} (otherwise it is skipped)"
    return when


def _interactive(step: InteractiveStep) -> list[str]:
    lines = [f"- **Who:** {step_assignee_in_words(step)}"]
    if step.guidance:
        lines += ["- **Guidance:**", *(f"  > {line}" for line in step.guidance.splitlines())]
    for output in step.outputs:
        detail = [output.type, "required" if output.required else "optional"]
        if output.choices:
            detail.append("one of " + " / ".join(f"“{c}”" for c in output.choices))
        label = f" — {output.label}" if output.label else ""
        lines.append(f"- **Asks for:** `{output.name}` ({', '.join(detail)}){label}")
    if step.due:
        due = f"- **Due:** within {duration_in_words(step.due)}"
        if step.escalate_to:
            due += f"; when overdue, escalates to {assignee_in_words(step.escalate_to)}"
        lines.append(due)
    return lines


def _background(step: BackgroundStep) -> list[str]:
    lines = [f"- **Does:** runs the action `{step.action or '(none chosen)'}`"]
    lines += [f"  - `{name}` = `{value}`" for name, value in step.inputs.items()]
    if step.retry and step.retry.attempts > 1:
        lines.append(
            f"- **Retry:** up to {step.retry.attempts} attempts, "
            f"{duration_in_words(step.retry.delay)} apart"
        )
    return lines


def _wait(step: WaitStep) -> list[str]:
    if step.event:
        waits = f"the event `{step.event}`"
        if step.key:
            waits += f" whose key matches `{step.key}`"
    else:
        waits = "time to pass"
    lines = [f"- **Waits for:** {waits}"]
    if step.timeout:
        after = duration_in_words(step.timeout)
        if step.event:
            # The runtime completes a timed-out wait with this output, so decisions can route on it.
            after += f"; then `{step.id}.timed_out` is true"
        lines.append(f"- **Timeout:** stops waiting after {after}")
    return lines


def _routes(definition: Orchestration, node_id: str, depth: int, seen: set[str]) -> list[str]:
    """Where a run goes from `node_id`: a bullet per flow, decisions expanded in place."""
    indent = "  " * depth
    flows = definition.outgoing(node_id)
    if not flows:
        return [f"{indent}- the run stops here (no flow leaves it)"]
    # A decision tries its conditions in document order; the default comes last.
    ordered = [f for f in flows if not f.default] + [f for f in flows if f.default]
    conditional = len(ordered) > 1 or any(f.condition for f in ordered)
    lines = []
    for flow in ordered:
        if flow.condition:
            lead = f"If {condition_in_words(flow.condition)} → "
        elif conditional:
            lead = "Otherwise → "
        else:
            lead = "→ "
        lines += _arrival(definition, flow.target, f"{indent}- {lead}", depth, seen)
    return lines


def _arrival(
    definition: Orchestration, target_id: str, prefix: str, depth: int, seen: set[str]
) -> list[str]:
    target = definition.node(target_id)
    if isinstance(target, DecisionNode):
        if target_id in seen:  # a loop between decisions: say it once
            return [f"{prefix}back to the decision **{_name(target)}**"]
        head = f"{prefix}decision **{_name(target)}**:"
        return [head, *_routes(definition, target_id, depth + 1, seen | {target_id})]
    if isinstance(target, EndNode):
        outcome = "" if target.outcome == "completed" else f", outcome *{target.outcome}*"
        return [f"{prefix}the run ends (**{_name(target)}**{outcome})"]
    if isinstance(target, StageNode):
        return [f"{prefix}**{_name(target)}**"]
    return [f"{prefix}`{target_id}` (not found)"]


def _name(element: object) -> str:
    name = getattr(element, "name", "") or ""
    return name or str(getattr(element, "id", ""))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
