"""Shared pieces of Salesforce Flow metadata reading and writing.

Baton-only facts (guidance, outputs, due dates, retry, exact expressions, layout of end
nodes) ride along in `processMetadataValues` named `Baton`, holding JSON. Salesforce keeps
these values and ignores them. Each carries a fingerprint of what a plain import of the
element gave at export time: on import, an unchanged element gets its exact Baton form back,
while an element edited in Salesforce is taken as Salesforce now says (keeping only the
Baton-only details Salesforce cannot express).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine.errors import InterchangeError
from engine.interchange.safe_xml import local_name

SF_NS = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "62.0"
BATON_VALUE = "Baton"
MAX_DEPTH = 32
"""Deepest nesting of a Baton value read back; a definition needs about six levels."""
EVALUATION_FLOW_NOTE = "Salesforce evaluation flow "
"""Variables standing in for evaluation flows start their description with this."""
CONSTANT_NOTE = "Salesforce constant."
"""Variables imported from flow constants start their description with this."""
RESOURCE_NOTE = "Salesforce resource "
"""Text variables standing in for a resource an assignee reads (a formula) start with this."""
EVALUATION_INPUTS_NOTE = " Inputs: "
"""Then, in that description, the flow's inputs as JSON `{name: [kind, text]}`."""


def sf(name: str) -> str:
    """A tag in the metadata namespace."""
    return f"{{{SF_NS}}}{name}"


def add(parent: Element, name: str, text: str | None = None) -> Element:
    """Append a child element (with text, if given)."""
    child = SubElement(parent, sf(name))
    if text is not None:
        child.text = text
    return child


def add_value(parent: Element, name: str, kind: str, text: str) -> Element:
    """`<name><kind>text</kind></name>`, e.g. a `value` holding a `stringValue`."""
    holder = add(parent, name)
    add(holder, kind, text)
    return holder


def children(element: Element, name: str) -> list[Element]:
    """Direct children with this local name, in any namespace."""
    return [c for c in element if local_name(c.tag) == name]


def child(element: Element, name: str) -> Element | None:
    """The first direct child with this local name."""
    return next((c for c in element if local_name(c.tag) == name), None)


def text(element: Element | None, name: str, default: str | None = None) -> str | None:
    """The stripped text of the first child with this name."""
    found = None if element is None else child(element, name)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def flag(element: Element | None, name: str) -> bool:
    """A boolean child (`true`/`false`), false when absent."""
    return (text(element, name) or "").lower() == "true"


def typed_value(holder: Element | None) -> tuple[str, str] | None:
    """The (kind, text) of a value holder such as `rightValue` or `value`."""
    if holder is None:
        return None
    for item in holder:
        return local_name(item.tag), (item.text or "").strip()
    return None


def number_text(value: float) -> str:
    """A number as Salesforce writes it in metadata: `500.0` for 500, `0.5` as is."""
    if isinstance(value, int) and abs(value) < 10**15:
        return f"{value}.0"
    return str(value)


def fingerprint(data: Any) -> str:
    """A short stable hash of JSON-ready data."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def add_baton_value(parent: Element, data: dict[str, Any]) -> None:
    """Attach Baton-only data as a `processMetadataValues` entry."""
    entry = add(parent, "processMetadataValues")
    add(entry, "name", BATON_VALUE)
    add_value(entry, "value", "stringValue", json.dumps(data, ensure_ascii=False, sort_keys=True))


def read_baton_value(element: Element) -> dict[str, Any] | None:
    """The Baton-only data of an element, or None when it carries none.

    Raises:
        InterchangeError: the value is there but damaged (not JSON, nested too deep, a
            number too long); importing around it would silently drop Baton's details.
    """
    for entry in children(element, "processMetadataValues"):
        if text(entry, "name") == BATON_VALUE:
            value = typed_value(child(entry, "value"))
            if value is None or not value[1]:
                return None
            data = _decode(value[1], text(element, "name") or local_name(element.tag))
            return data if isinstance(data, dict) else None
    return None


def _decode(raw: str, element: str) -> Any:
    why = None
    try:
        data = json.loads(raw)
    except RecursionError:
        why = f"nested deeper than {MAX_DEPTH} levels"
    except ValueError as exc:
        why = f"not JSON ({str(exc)[:80]})"
    else:
        if _depth(data) > MAX_DEPTH:
            why = f"nested deeper than {MAX_DEPTH} levels"
    if why is None:
        return data
    raise InterchangeError(
        f"the Baton metadata value is {why}",
        element=element,
        hint="remove its processMetadataValues entry named Baton to import the element "
        "as Salesforce describes it, or export it from Baton again",
    )


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in decoded JSON (iterative: no recursion limit)."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                items = value.values() if isinstance(value, dict) else value
                pending.extend((item, level + 1) for item in items)
    return deepest
