"""Text templates with `{placeholder}` fields (notice subjects and bodies), filled safely.

Python's `str.format` walks attributes and indexes (`{run.__class__.__mro__}` reaches the
interpreter's internals) and pads to any width (`{run:>300000000}` builds a 300 MB string).
A template here gets the same rules as an expression: it may only name the values it is
given, and its cost is bounded by what it does.

* A field is a plain name (`{title}`) or a name and one key of a mapping value
  (`{record.status}`, looked up as a key, never as an attribute). Positional fields (`{}`,
  `{0}`), indexes (`{a[0]}`), deeper paths and names starting with `_` are refused.
* A format spec is the standard mini-language with the width capped at `MAX_WIDTH` and the
  precision at `MAX_PRECISION`; a spec may not contain nested fields. `!r`, `!a` and `!s`
  conversions are refused (they add nothing to text and `!r` shows internals).
* A template longer than `MAX_TEMPLATE_CHARS`, or one whose text grows past
  `MAX_OUTPUT_CHARS` while it is filled, is refused.
* An unknown name is not an error when rendering: the field stays visible as written, so a
  typo shows in the message instead of failing it (validation warns about it).

`check` reports the problems of a template (validation uses it); `render` fills one and
raises `TemplateError` for an unsafe one.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import BatonError

NOTICE_PLACEHOLDERS: dict[str, Collection[str] | None] = dict.fromkeys(
    ("run", "orchestration", "step", "title", "guidance", "due", "assignee", "item", "reason")
)
"""The names a step's notice template may use (each a plain text value)."""

MAX_TEMPLATE_CHARS = 20_000
"""The longest template text accepted."""
MAX_OUTPUT_CHARS = 200_000
"""The longest text a template may produce."""
MAX_WIDTH = 200
"""The largest field width (`{title:>40}`)."""
MAX_PRECISION = 10_000
"""The largest precision (`{guidance:.500}` keeps the first 500 characters)."""

_FIELD = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_]*)(?:\.(?P<key>[A-Za-z][A-Za-z0-9_]*))?\Z")
_SPEC = re.compile(
    r"(?:(?P<fill>[^{}])?(?P<align>[<>=^]))?(?P<sign>[-+ ])?z?#?0?(?P<width>\d+)?[_,]?"
    r"(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?\Z"
)
_PARSER = string.Formatter()


class TemplateError(BatonError):
    """A template that may not be filled: unsafe fields, oversized widths, broken braces."""


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One problem of a template: `error` (refused) or `warning` (an unknown name)."""

    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class _Field:
    text: str
    name: str
    key: str | None
    spec: str


def _parse(template: str) -> tuple[list[str | _Field], list[TemplateProblem]]:
    """Split a template into literal text and fields, with every rule broken on the way."""
    if len(template) > MAX_TEMPLATE_CHARS:
        return [], [
            TemplateProblem(
                "error",
                f"the template has {len(template):,} characters; at most "
                f"{MAX_TEMPLATE_CHARS:,} are allowed",
            )
        ]
    try:
        pieces = list(_PARSER.parse(template))
    except ValueError as exc:
        return [], [TemplateProblem("error", f"{exc}; write a literal brace as '{{{{' or '}}}}'")]
    parts: list[str | _Field] = []
    problems: list[TemplateProblem] = []
    for literal, name, spec, conversion in pieces:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        text = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        text += "}"
        problem = _field_problem(name, spec or "", conversion)
        if problem:
            problems.append(TemplateProblem("error", f"{text}: {problem}"))
            continue
        match = _FIELD.match(name)
        assert match is not None  # _field_problem checked it
        parts.append(_Field(text, match["name"], match["key"], spec or ""))
    return parts, problems


def _field_problem(name: str, spec: str, conversion: str | None) -> str | None:
    if not name or name.isdigit():
        return "positional fields are not supported; name a placeholder, e.g. {title}"
    if _FIELD.match(name) is None:
        return (
            "only a placeholder name, or a name and one field (`{record.status}`), may be "
            "used; attributes, indexes and names starting with '_' are not allowed"
        )
    if conversion:
        return f"conversions such as !{conversion} are not supported; remove it"
    if "{" in spec or "}" in spec:
        return "a format spec may not contain other fields"
    found = _SPEC.match(spec)
    if found is None:
        return f"{spec!r} is not a format spec"
    if found["width"] and int(found["width"]) > MAX_WIDTH:
        return f"the width {int(found['width']):,} is more than the allowed {MAX_WIDTH}"
    if found["precision"] and int(found["precision"]) > MAX_PRECISION:
        precision = int(found["precision"])
        return f"the precision {precision:,} is more than the allowed {MAX_PRECISION:,}"
    return None


def check(template: str, names: Mapping[str, Collection[str] | None]) -> list[TemplateProblem]:
    """Every problem of a template, given the names it may use.

    Args:
        template: the template text.
        names: each placeholder name; None for a plain value, or the keys its mapping has.
    """
    parts, problems = _parse(template)
    for part in parts:
        if not isinstance(part, _Field):
            continue
        if part.name not in names:
            problems.append(
                TemplateProblem(
                    "warning",
                    f"{part.text}: unknown placeholder {part.name!r}, it will appear as "
                    f"written; use one of {', '.join(sorted(names))}",
                )
            )
            continue
        keys = names[part.name]
        if part.key is not None and (keys is None or part.key not in keys):
            problems.append(
                TemplateProblem("error", f"{part.text}: {part.name!r} has no field {part.key!r}")
            )
    return problems


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill a template.

    Raises:
        TemplateError: a field the rules refuse, broken braces, a value that does not take
            its format spec, or more than `MAX_OUTPUT_CHARS` of text.
    """
    parts, problems = _parse(template)
    errors = [p.message for p in problems if p.severity == "error"]
    if errors:
        raise TemplateError(errors[0])
    out: list[str] = []
    size = 0
    for part in parts:
        piece = _fill(part, values) if isinstance(part, _Field) else part
        size += len(piece)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(f"the text grows past {MAX_OUTPUT_CHARS:,} characters")
        out.append(piece)
    return "".join(out)


def _fill(field: _Field, values: Mapping[str, Any]) -> str:
    if field.name not in values:
        return field.text
    value = values[field.name]
    if field.key is not None:
        if not isinstance(value, Mapping) or field.key not in value:
            return field.text
        value = value[field.key]
    if value is None:
        value = ""
    elif not isinstance(value, (str, int, float)):
        value = str(value)
    try:
        return format(value, field.spec)
    except (ValueError, TypeError) as exc:
        raise TemplateError(f"{field.text}: {exc}") from None
