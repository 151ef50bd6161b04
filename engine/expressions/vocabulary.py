"""What an expression may call and name: functions, methods and constants."""

from __future__ import annotations

from typing import Any

from engine.expressions.limits import MAX_INT_DIGITS, LimitExceeded

RESERVED_NAMES = frozenset({"record", "run"})
CONSTANTS = frozenset({"True", "False", "None", "true", "false", "null"})
BASE_NAMES: dict[str, Any] = {
    "True": True,
    "False": False,
    "None": None,
    "true": True,
    "false": False,
    "null": None,
}


def _round(number: Any, ndigits: Any = None) -> Any:
    # round(1, -10**9) computes 10**(10**9) before it answers.
    if isinstance(ndigits, int) and abs(ndigits) > MAX_INT_DIGITS:
        raise LimitExceeded(
            f"round() to {ndigits} digits is past the digit limit of {MAX_INT_DIGITS:,}"
        )
    return round(number, ndigits)


FUNCTIONS: dict[str, Any] = {
    "len": len,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
    "round": _round,
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
    "list": list,
    "tuple": tuple,
    "dict": dict,
    "set": set,
}

CONSTANT_COST_FUNCTIONS = frozenset({len, bool})
"""Functions whose work does not grow with their argument."""

# Methods whose result is never much larger than their object; anything else (zfill, ljust,
# center, expandtabs, replace, join, format, ...) can turn a short text into gigabytes.
SAFE_METHODS = frozenset(
    {
        "lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold",
        "startswith", "endswith", "split", "rsplit", "splitlines", "count", "find", "rfind",
        "isdigit", "isalpha", "isalnum", "isnumeric", "isspace",
        "get", "keys", "values", "items",
    }
)  # fmt: skip

LOOKUP_METHODS = frozenset({"get", "keys", "values", "items"})
"""Methods that look up rather than scan: their work is that of hashing their arguments."""
