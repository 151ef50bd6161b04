"""Renaming an element together with the expressions that refer to it.

An id named in a condition, an input or a wait key is left alone by a plain rename (see
`designer.document.naming`): changing it would break those expressions. When the admin
agrees, `RenameWithReferencesCommand` changes the id and rewrites every expression that
names it, as one undo entry. Only whole names are rewritten (`quote.discount` for `quote`,
never `requote` or `x.quote`), and never inside string literals.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.document import Document
from designer.document.naming import id_for_name, is_referenced, slug
from engine.definition import BackgroundStep, StageNode, WaitStep


def rewrite(text: str, old: str, new: str) -> str:
    """`text` with every whole name `old` (not an attribute, not in a string) made `new`."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Not Python-like enough to tokenize: fall back to whole words outside attributes.
        return re.sub(rf"(?<![\w.]){re.escape(old)}\b", new, text)
    lines = text.splitlines(keepends=True) or [""]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans: list[tuple[int, int]] = []
    previous = None
    for token in tokens:
        if token.type == tokenize.NAME and token.string == old:
            after_dot = previous is not None and previous.string == "."
            if not after_dot:
                start = starts[token.start[0] - 1] + token.start[1]
                spans.append((start, start + len(old)))
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            previous = token
    for start, end in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def reference_count(document: Document, element_id: str) -> int:
    """How many expressions name `element_id`."""
    return sum(
        1 for *_, text in _expression_sites(document) if rewrite(text, element_id, "\0") != text
    )


def offer_for_name(document: Document, element_id: str, name: str) -> str | None:
    """The id a rename to `name` would give the element if expressions did not hold it back.

    None when there is nothing to offer: the id follows the name anyway, was set by hand,
    or would not change.
    """
    element = document.element(element_id)
    if element is None or not is_referenced(document, element_id):
        return None
    made = slug(element.name or "")
    if not re.fullmatch(rf"{re.escape(made)}(_\d+)?", element_id):
        return None  # an id of the user's own: it stays
    new_id = id_for_name(document, element_id, name)
    return new_id if new_id != element_id else None


def question(old: str, new: str, count: int) -> str:
    """The words asking whether to update the references (one dialog for every place)."""
    what = "1 expression refers" if count == 1 else f"{count} expressions refer"
    return (
        f"{what} to “{old}”. Change the id to “{new}” and update "
        f"{'it' if count == 1 else 'them'} too?\n\nNo keeps the id “{old}”: every expression "
        "still works."
    )


class RenameWithReferencesCommand(QUndoCommand):
    """Give an element a new id (and name), rewriting the expressions that name it."""

    def __init__(
        self, document: Document, element_id: str, new_id: str, name: str | None = None
    ) -> None:
        super().__init__(f"Rename {element_id} to {new_id}, with its references")
        self._document, self._old_id, self._new_id, self._name = document, element_id, new_id, name
        self._is_step = document.is_step(element_id)
        self._old_fields: dict[str, Any] = {}
        self._rewritten: list[tuple[str, Any, str, Any]] = []  # (kind, key, field, old value)

    @property
    def new_id(self) -> str:
        """The element's id once renamed."""
        return self._new_id

    def redo(self) -> None:
        document = self._document
        if self._name is not None:
            update = document.update_step if self._is_step else document.update_node
            self._old_fields = update(self._old_id, {"name": self._name})
        document.rename_id(self._old_id, self._new_id)
        self._rewritten = []
        for kind, key, field, text in _expression_sites(document):
            changed = rewrite(text, self._old_id, self._new_id)
            if changed == text:
                continue
            if kind == "input":
                step = document.element(key)
                inputs = dict(step.inputs)  # type: ignore[union-attr]
                old = dict(inputs)
                inputs[field] = changed
                document.update_step(key, {"inputs": inputs})
                self._rewritten.append(("step", key, "inputs", old))
            else:
                old = _apply(document, kind, key, field, changed)
                self._rewritten.append((kind, key, field, old))

    def undo(self) -> None:
        document = self._document
        for kind, key, field, old in reversed(self._rewritten):
            _apply(document, kind, key, field, old)
        document.rename_id(self._new_id, self._old_id)
        if self._name is not None and self._old_fields:
            update = document.update_step if self._is_step else document.update_node
            update(self._old_id, self._old_fields)


def _apply(document: Document, kind: str, key: Any, field: str, value: Any) -> Any:
    """Set one expression field; returns its previous value."""
    if kind == "flow":
        return document.update_flow(*key, {field: value}).get(field)
    if kind == "node":
        return document.update_node(key, {field: value}).get(field)
    return document.update_step(key, {field: value}).get(field)


def _expression_sites(document: Document) -> list[tuple[str, Any, str, str]]:
    """(kind, key, field, text) of every expression that can name an element."""
    definition = document.definition
    sites: list[tuple[str, Any, str, str]] = [
        ("flow", (f.source, f.target), "condition", f.condition)
        for f in definition.flows
        if f.condition
    ]
    for node in definition.nodes:
        if not isinstance(node, StageNode):
            continue
        if node.exit_condition:
            sites.append(("node", node.id, "exit_condition", node.exit_condition))
        for step in node.steps:
            if step.condition:
                sites.append(("step", step.id, "condition", step.condition))
            if isinstance(step, BackgroundStep):
                sites += [("input", step.id, name, text) for name, text in step.inputs.items()]
            if isinstance(step, WaitStep) and step.key:
                sites.append(("step", step.id, "key", step.key))
    return sites
