"""Conditions of foreign BPMN (FEEL, JUEL, Python) as Baton expressions, where they are simple.

Camunda 8 writes FEEL (`=amount > 1000 and not(vip)`), Camunda 7 JUEL (`${amount > 1000 &&
!vip}`), SpiffWorkflow Python (`amount > 1000 and not vip`). Comparisons, arithmetic, boolean
logic, literals and (dotted) names translate token by token; anything else — function calls,
method calls, FEEL ranges and filters — is refused, so that a condition either means in
Baton what it meant in the other engine or is left for the admin to rewrite.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from engine.errors import ExpressionError
from engine.expressions import parse

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>-?\d+(?:\.\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>=!()+*/-])
    )""",
    re.VERBOSE,
)
_WORDS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "true": "True",
    "false": "False",
    "null": "None",
    # JUEL's word operators
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
}
_PYTHON_WORDS = {"True": "True", "False": "False", "None": "None", "is": "is", "in": "in"}


@dataclass
class Translation:
    """A translated condition, or why not; `names` are the variables it reads."""

    expression: str | None
    names: set[str] = field(default_factory=set)
    literals: dict[str, str] = field(default_factory=dict)
    why: str = ""


def translate_condition(text: str, language: str = "") -> Translation:
    """Translate a foreign condition into a Baton expression.

    Args:
        text: the condition as written in the file.
        language: the `language` attribute (or the file's `expressionLanguage`), if any.
    """
    source = text.strip()
    dialect = _dialect(source, language)
    if dialect == "juel":
        inner = re.fullmatch(r"[$#]\{(.*)\}", source, re.DOTALL)
        if not inner:
            return Translation(None, why="a JUEL expression must be one ${...}")
        return _tokens(inner.group(1), feel=False)
    if dialect == "feel":
        return _tokens(source.removeprefix("=").strip(), feel=True)
    return _python(source)


def _dialect(source: str, language: str) -> str:
    lowered = language.lower()
    if source.startswith(("${", "#{")) or "juel" in lowered:
        return "juel"
    if source.startswith("=") or "feel" in lowered:
        return "feel"
    return "python"


def _python(source: str) -> Translation:
    try:
        parse(source)
    except ExpressionError as exc:
        return Translation(None, why=f"not an expression Baton reads ({exc.message})")
    translated = _tokens(source, feel=False, python=True)
    if translated.expression:
        return translated
    # Valid Baton syntax beyond simple comparisons (arithmetic, say): keep it as it is.
    tree = ast.parse(source, mode="eval")
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in _PYTHON_WORDS
    }
    return Translation(source, names, {name: "json" for name in names})


def _tokens(source: str, *, feel: bool, python: bool = False) -> Translation:
    out: list[str] = []
    names: set[str] = set()
    literals: dict[str, str] = {}
    position = 0
    last_name: str | None = None
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if not match:
            return Translation(None, why=f"{source[position : position + 20]!r} is not understood")
        position = match.end()
        kind = match.lastgroup
        token = match.group(kind or "")
        if kind == "name":
            word = _PYTHON_WORDS.get(token) if python else None
            word = word or _WORDS.get(token.lower() if not python else token)
            if word:
                out.append(word)
                last_name = None
                continue
            if source[position:].lstrip().startswith("("):
                return Translation(None, why=f"calls {token}(), which Baton cannot translate")
            names.add(token.split(".")[0])
            out.append(token)
            last_name = token
            continue
        if kind == "string":
            if feel and token.startswith("'"):
                return Translation(None, why="FEEL strings use double quotes")
            out.append(token)
            continue
        if kind == "number":
            out.append(token)
            continue
        out.append(_operator(token, feel))
        if token in ("=", "==", "!=", "<", ">", "<=", ">=") and last_name:
            literals[last_name] = _literal_type(source[position:])
    expression = " ".join(out).replace("( ", "(").replace(" )", ")")
    if not expression:
        return Translation(None, why="the condition is empty")
    try:
        parse(expression)
    except ExpressionError as exc:
        return Translation(None, why=f"does not translate cleanly ({exc.message})")
    return Translation(expression, names, literals)


def _operator(token: str, feel: bool) -> str:
    if token == "=":
        return "==" if feel else "="  # a lone '=' outside FEEL fails to parse, as it should
    return {"&&": "and", "||": "or", "!": "not"}.get(token, token)


def _literal_type(rest: str) -> str:
    """The Baton type of the literal a name is compared with (text when unsure)."""
    rest = rest.lstrip()
    if re.match(r"-?\d", rest):
        return "number"
    if re.match(r"(?i)(true|false)\b", rest):
        return "boolean"
    return "text"
