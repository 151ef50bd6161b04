"""Baton-only data inside BPMN `extensionElements`, written and read without loss.

A value is written as one element of our namespace: text for strings, and a `type`
attribute (`number`, `boolean`, `null`, `list`, `map`) for everything else, so that a
round trip gives back exactly the JSON value. Map keys that are identifiers become child
tag names (readable in any XML viewer); other keys use `<baton:entry key="...">`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine.errors import InterchangeError
from engine.interchange.bpmn_names import BATON_NS, bpmn, q
from engine.interchange.safe_xml import local_name

_TAG_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
MAX_DEPTH = 32
"""Deepest nesting of Baton data read back; a definition needs about six levels."""
MAX_NUMBER_LENGTH = 40
"""Longest number text read back: far past any real value, far short of costly parsing."""


class _BadValue(ValueError):
    """A value that cannot be read, with the path of keys to it."""

    def __init__(self, message: str, path: list[str]) -> None:
        super().__init__(message)
        self.path = path


def add_extension(element: Element, kind: str, data: dict[str, Any]) -> Element:
    """Attach `data` as `<baton:KIND>` in the element's `extensionElements`.

    The container is placed after any `documentation`, as the BPMN schema orders them.
    """
    container = element.find(bpmn("extensionElements"))
    if container is None:
        container = Element(bpmn("extensionElements"))
        docs = len(element.findall(bpmn("documentation")))
        element.insert(docs, container)
    holder = SubElement(container, q(BATON_NS, kind))
    _write_map(holder, data)
    return holder


def read_extension(element: Element, kind: str) -> dict[str, Any] | None:
    """The `<baton:KIND>` data of an element, or None when it carries none."""
    container = element.find(bpmn("extensionElements"))
    if container is None:
        return None
    holder = container.find(q(BATON_NS, kind))
    if holder is None:
        return None
    try:
        return _read_map(holder, 0)
    except _BadValue as bad:
        raise InterchangeError(
            f"its Baton data is damaged: {bad}",
            element=element.get("id") or local_name(element.tag),
            field=".".join(bad.path[:3]) + ("…" if len(bad.path) > 3 else "") or kind,
            hint="export the file from Baton again, or restore the extension element",
        ) from None


def _write(parent: Element, key: str, value: Any) -> None:
    if _TAG_SAFE.match(key) and not key.lower().startswith("xml"):
        child = SubElement(parent, q(BATON_NS, key))
    else:
        child = SubElement(parent, q(BATON_NS, "entry"), {"key": key})
    _write_value(child, value)


def _write_value(child: Element, value: Any) -> None:
    if isinstance(value, str):
        child.text = value
    elif value is None:
        child.set("type", "null")
    elif isinstance(value, bool):
        child.set("type", "boolean")
        child.text = "true" if value else "false"
    elif isinstance(value, int | float):
        child.set("type", "number")
        child.text = json.dumps(value)
    elif isinstance(value, list):
        child.set("type", "list")
        for item in value:
            _write_value(SubElement(child, q(BATON_NS, "item")), item)
    elif isinstance(value, dict):
        child.set("type", "map")
        _write_map(child, value)
    else:
        raise TypeError(f"cannot write {type(value).__name__} into a BPMN extension")


def _write_map(holder: Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        _write(holder, str(key), value)


def _read_map(holder: Element, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in holder:
        name = local_name(child.tag)
        key = child.get("key", "") if name == "entry" else name
        try:
            out[key] = _read_value(child, depth + 1)
        except _BadValue as bad:
            bad.path.insert(0, key)
            raise
    return out


def _read_value(child: Element, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _BadValue(f"values are nested deeper than {MAX_DEPTH} levels", [])
    kind = child.get("type")
    text = child.text or ""
    if kind is None:
        return text
    if kind == "null":
        return None
    if kind == "boolean":
        return text.strip() == "true"
    if kind == "number":
        return _number(text.strip())
    if kind == "list":
        items = []
        for index, item in enumerate(child):
            try:
                items.append(_read_value(item, depth + 1))
            except _BadValue as bad:
                bad.path.insert(0, str(index))
                raise
        return items
    if kind == "map":
        return _read_map(child, depth)
    raise _BadValue(f"unknown value type {kind!r} (number, boolean, null, list or map)", [])


def _number(text: str) -> int | float:
    shown = text if len(text) <= 20 else text[:20] + "…"
    if len(text) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(text):
        raise _BadValue(f"{shown!r} is not a number", [])
    value = json.loads(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise _BadValue(f"{shown!r} is not a number Baton can hold", [])
    return value
