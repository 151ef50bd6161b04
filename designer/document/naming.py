"""Ids that follow names: `Sign contract` is `sign_contract`, in conditions and in files.

A new element's id is made from its name. While the id is still the one made from the name
(or from the default name it was created with) and nothing refers to it in an expression, a
rename carries the id along, so `interactive_step` or `stage_2` never leak into conditions.
Once an expression names the element, or the user set an id of their own, the id stays put.
"""

from __future__ import annotations

import re

from designer.document.document import Document
from engine.definition import AnyNode, AnyStep, BackgroundStep, StageNode, WaitStep

_ID_SAFE = re.compile(r"[^a-z0-9_]+")


def slug(name: str) -> str:
    """The id a name reads as: lower case, words joined by underscores."""
    stem = _ID_SAFE.sub("_", name.strip().lower()).strip("_") or "element"
    return f"_{stem}" if stem[0].isdigit() else stem


def id_follows_name(document: Document, element: AnyNode | AnyStep) -> bool:
    """Whether renaming `element` should carry its id along (see the module docstring)."""
    made = slug(element.name or "")
    if not re.fullmatch(rf"{re.escape(made)}(_\d+)?", element.id):
        return False
    return not is_referenced(document, element.id)


def id_for_name(document: Document, element_id: str, name: str) -> str:
    """A unique id for `name`; the element's own id counts as free."""
    wanted = slug(name)
    if wanted == element_id or re.fullmatch(rf"{re.escape(wanted)}_\d+", element_id):
        return element_id
    return document.unique_id(wanted)


def is_referenced(document: Document, element_id: str) -> bool:
    """Whether any expression (conditions, inputs, keys) names `element_id`."""
    word = re.compile(rf"(?<![\w.]){re.escape(element_id)}\b")
    return any(word.search(text) for text in _expressions(document))


def _expressions(document: Document) -> list[str]:
    definition = document.definition
    found: list[str] = []
    trigger_condition = getattr(definition.trigger, "condition", None)
    if trigger_condition:
        found.append(trigger_condition)
    found += [f.condition for f in definition.flows if f.condition]
    for node in definition.nodes:
        if isinstance(node, StageNode):
            if node.exit_condition:
                found.append(node.exit_condition)
            for step in node.steps:
                if step.condition:
                    found.append(step.condition)
                if isinstance(step, BackgroundStep):
                    found += list(step.inputs.values())
                if isinstance(step, WaitStep) and step.key:
                    found.append(step.key)
    return found
