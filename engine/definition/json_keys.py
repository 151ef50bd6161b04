"""Finding keys given twice in one JSON object, with their lines.

Python's JSON reader keeps the last value of a repeated key and says nothing; a definition
edited by hand can then lose a `due` or a `condition` without anyone noticing. Loading
detects repetition cheaply while parsing; only then does `repeated_keys` walk the text
again, token by token, to say where.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


@dataclass(frozen=True, slots=True)
class RepeatedKey:
    """A key given again in the same object.

    Attributes:
        key: the key.
        line: the line (from 1) of the repetition, whose value is the one kept.
        element: the `id` of the innermost enclosing object that has one, or None.
    """

    key: str
    line: int
    element: str | None


class RepetitionSpotter:
    """An `object_pairs_hook` for `json.loads` that notices a repeated key anywhere."""

    def __init__(self) -> None:
        self.found = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs):
            self.found = True
        return built


class _Frame:
    __slots__ = ("element", "expecting_key", "is_object", "keys", "last_key", "repeated")

    def __init__(self, is_object: bool) -> None:
        self.is_object = is_object
        self.expecting_key = is_object
        self.keys: set[str] = set()
        self.last_key: str | None = None
        self.element: str | None = None
        self.repeated: list[tuple[str, int]] = []


def repeated_keys(text: str) -> list[RepeatedKey]:
    """Every repeated key of a JSON text that `json.loads` accepts, in text order."""
    found: list[RepeatedKey] = []
    stack: list[_Frame] = []
    line, scanned = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        line += text.count("\n", scanned, match.start())
        scanned = match.start()
        top = stack[-1] if stack else None
        if token in "{[":
            stack.append(_Frame(token == "{"))
        elif token in "}]":
            frame = stack.pop()
            if frame.element is None and stack:
                stack[-1].repeated.extend(frame.repeated)  # named by an enclosing element
            else:
                found.extend(RepeatedKey(key, at, frame.element) for key, at in frame.repeated)
        elif token == ",":
            if top is not None and top.is_object:
                top.expecting_key = True
        elif token == ":":
            continue
        elif top is not None and top.is_object and top.expecting_key:
            key = json.loads(token)
            if key in top.keys:
                top.repeated.append((key, line))
            top.keys.add(key)
            top.last_key, top.expecting_key = key, False
        elif top is not None and top.is_object and top.last_key == "id":
            top.element = json.loads(token)
    return sorted(found, key=lambda repeated: repeated.line)
