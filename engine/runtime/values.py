"""Checking and converting values against declared types (run inputs, item outputs).

Values may arrive typed (from Python or JSON) or as text (from `--input k=v`); both are
accepted when they clearly mean a value of the declared type.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from engine.errors import InvalidInput

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def coerce(value: Any, type_: str) -> Any:
    """The value as the declared type.

    Raises:
        ValueError: with a short reason, when the value cannot mean that type.
    """
    if value is None:
        return None
    if type_ == "text":
        if isinstance(value, (dict, list)):
            raise ValueError("expected text, got a structure")
        return str(value)
    if type_ == "number":
        if isinstance(value, bool):
            raise ValueError("expected a number, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            number = value
        else:
            try:
                text = str(value).strip()
                if text.lstrip("-").isdigit():
                    return int(text)
                number = float(text)
            except ValueError:
                raise ValueError(f"{value!r} is not a number") from None
        # float() reads "nan", "inf" and 1e999, and JSON bodies may carry them too: stored,
        # they would leave the run's variables unreadable as JSON and every comparison false.
        if math.isnan(number):
            raise ValueError(f"{value!r} is not a number")
        if math.isinf(number):
            raise ValueError(f"{value!r} is beyond the largest number a run holds (about 1.8e308)")
        return number
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{value!r} is not a boolean (use true or false)")
    if type_ == "date":
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)") from None
    if type_ == "datetime":
        if isinstance(value, datetime):
            return value.isoformat()
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time (use ISO 8601)") from None
    if type_ == "json":
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    raise ValueError(f"unknown type {type_!r}")


def check_inputs(
    variables: list[Any], given: dict[str, Any], *, enforce_required: bool
) -> dict[str, Any]:
    """Run variables from declared defaults and given inputs.

    Raises:
        InvalidInput: one message naming every bad or missing input; nothing is started.
    """
    problems: list[str] = []
    declared = {v.name: v for v in variables}
    values: dict[str, Any] = {v.name: v.default for v in variables}
    refused: set[str] = set()
    for name, value in given.items():
        var = declared.get(name)
        if var is None or not var.input:
            inputs = ", ".join(v.name for v in variables if v.input) or "none"
            problems.append(f"{name}: not an input of this orchestration (inputs: {inputs})")
            continue
        try:
            values[name] = coerce(value, var.type)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            refused.add(name)  # said once: not also "missing" below
    if enforce_required:
        for var in variables:
            if var.name in refused:
                continue
            if var.input and var.required and values.get(var.name) in (None, ""):
                problems.append(f"{var.name}: required input is missing")
    if problems:
        raise InvalidInput("inputs refused: " + "; ".join(problems), hint="no run was started")
    return values


def check_outputs(
    step: Any,
    given: dict[str, Any],
    *,
    require: bool = True,
    hint: str = "nothing was changed; complete the item again with valid outputs",
) -> dict[str, Any]:
    """An interactive step's outputs checked against its declared outputs.

    Args:
        require: whether declared required outputs must be given (False when an operator
            skips the step: whatever is given is checked, nothing is demanded).
        hint: what to do, for the refusal.

    Raises:
        InvalidInput: a message per bad field (type, choices, required); nothing changed.
    """
    problems: list[str] = []
    declared = {o.name: o for o in step.outputs}
    clean: dict[str, Any] = {}
    for name, value in given.items():
        out = declared.get(name)
        if out is None:
            names = ", ".join(declared) or "none"
            problems.append(f"{name}: not an output of this step (outputs: {names})")
            continue
        try:
            value = coerce(value, out.type)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if out.choices and value not in (None, "") and value not in out.choices:
            problems.append(f"{name}: {value!r} is not one of {', '.join(out.choices)}")
            continue
        clean[name] = value
    for out in step.outputs if require else ():
        if out.required and given.get(out.name) in (None, ""):
            problems.append(f"{out.name}: required")
    if problems:
        raise InvalidInput(
            "outputs refused: " + "; ".join(problems),
            element=step.id,
            hint=hint,
        )
    return clean
