"""`validate(definition) -> list[Diagnostic]`: the one check the designer, the CLI and
activation all call (DESIGN rule 4).

Each rule module reports its own codes; this function runs them in a fixed order, so the
same definition always gives the same list:

| module             | codes |
| ------------------ | ----- |
| `file_rules`       | duplicate-key (warning) |
| `identifiers`      | invalid-id, duplicate-id |
| `trigger_rules`    | trigger-invalid |
| `flow_rules`       | unknown-reference (flows), start-flow, stage-flow, decision-default, flow-condition |
| `graph_rules`      | unreachable, dead-end, unguarded-cycle |
| `fault_rules`      | fault-route, end-outcome |
| `step_rules`       | empty-stage, unknown-reference (after, escalate_to), step-after-outside-stage, step-cycle, missing-assignee, assignee-conflict, unknown-action, wait-invalid |
| `expression_rules` | expression-syntax, expression-limit, unknown-name, unused-variable |
| `reference_rules`  | unknown-output, unknown-variable, condition-needs-after |
| `template_rules`   | notice-template |
"""  # noqa: E501

from __future__ import annotations

import gc

from engine.definition import Orchestration
from engine.validation.context import Index
from engine.validation.diagnostics import Diagnostic
from engine.validation.expression_rules import check_expressions
from engine.validation.fault_rules import check_faults
from engine.validation.file_rules import check_file
from engine.validation.flow_rules import check_flows
from engine.validation.graph_rules import check_graph
from engine.validation.identifiers import check_identifiers
from engine.validation.reference_rules import check_references
from engine.validation.step_rules import check_steps
from engine.validation.template_rules import check_templates
from engine.validation.trigger_rules import check_trigger

_RULES = (
    check_file,
    check_identifiers,
    check_trigger,
    check_flows,
    check_graph,
    check_faults,
    check_steps,
    check_expressions,
    check_references,
    check_templates,
)


def validate(definition: Orchestration) -> list[Diagnostic]:
    """Check a definition's meaning and report every problem found.

    Args:
        definition: a structurally valid definition (as loaded, or as edited in the designer).

    Returns:
        Diagnostics in a stable order (rule by rule, then document order); empty when clean.
        Any diagnostic with severity `error` means the definition cannot be activated.
    """
    # The rules allocate many small objects and free them all at the end, none in cycles;
    # the cyclic collector would otherwise walk the whole definition several times over
    # (nearly doubling the time of a 50,000-step check) without finding anything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        index = Index.build(definition)
        return [diagnostic for rule in _RULES for diagnostic in rule(index)]
    finally:
        if collecting:
            gc.enable()
