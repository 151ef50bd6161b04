"""Scenario fields as short text and back: durations and output weights in a table cell.

`P1D` / `PT2H, P1D` for distributions (parameters in the order the kind lists them);
`decision: approve=9, reject=1; priority=high` for output choices and fixed values.
Values are read as JSON when they parse (numbers, true/false), else as text.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from engine.simulation import ScenarioError
from engine.simulation.scenario import (
    Choice,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
    ValueSpec,
)

DISTRIBUTIONS: dict[str, tuple[type, tuple[str, ...]]] = {
    "fixed": (Fixed, ("value",)),
    "uniform": (Uniform, ("low", "high")),
    "triangular": (Triangular, ("low", "mode", "high")),
    "exponential": (Exponential, ("mean",)),
    "lognormal": (LogNormal, ("mean", "spread")),
}


def distribution_text(distribution: Any) -> str:
    """`PT2H, P1D` for a uniform distribution, `` for none."""
    if distribution is None:
        return ""
    _, fields = DISTRIBUTIONS[distribution.kind]
    return ", ".join(str(getattr(distribution, name)) for name in fields)


def distribution_from_text(kind: str | None, text: str, step_id: str) -> Any:
    """A distribution of `kind` from its comma-separated parameters (None: the default).

    Raises:
        ScenarioError: wrong count of parameters, or one is not an ISO 8601 duration.
    """
    if kind is None:
        return None
    model, fields = DISTRIBUTIONS[kind]
    parts = [p.strip() for p in text.split(",") if p.strip()]
    where = f"steps.{step_id}.duration"
    if len(parts) != len(fields):
        raise ScenarioError(
            f"{kind} takes {len(fields)} duration(s): {', '.join(fields)}",
            field=where,
            hint="durations are ISO 8601, e.g. PT4H or P1D",
        )
    try:
        return model(kind=kind, **dict(zip(fields, parts, strict=True)))
    except ValidationError as exc:
        raise ScenarioError(
            exc.errors()[0]["msg"], field=where, hint="durations are ISO 8601, e.g. PT4H or P1D"
        ) from None


def outcomes_text(outputs: dict[str, ValueSpec]) -> str:
    """`decision: approve=9, reject=1; note=ok` for a step's output specs."""
    parts = []
    for name, spec in outputs.items():
        if spec.choices:
            weights = ", ".join(f"{_show(c.value)}={c.weight:g}" for c in spec.choices)
            parts.append(f"{name}: {weights}")
        elif spec.template is not None:
            parts.append(f"{name}={spec.template}")
        elif spec.value is not None:
            parts.append(f"{name}={_show(spec.value)}")
    return "; ".join(parts)


def outcomes_from_text(text: str, step_id: str) -> dict[str, ValueSpec]:
    """The inverse of `outcomes_text`.

    Raises:
        ScenarioError: a part is neither `name: v=w, ...` nor `name=value`.
    """
    outputs: dict[str, ValueSpec] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        where = f"steps.{step_id}.outputs"
        try:
            if ":" in part.split("=", 1)[0]:
                name, rest = (s.strip() for s in part.split(":", 1))
                choices = []
                for pair in rest.split(","):
                    value, weight = pair.rsplit("=", 1)
                    choices.append(Choice(value=_read(value), weight=float(weight)))
                outputs[name] = ValueSpec(choices=choices)
            else:
                name, value = (s.strip() for s in part.split("=", 1))
                outputs[name] = (
                    ValueSpec(template=value) if "{n}" in value else ValueSpec(value=_read(value))
                )
        except (ValueError, ValidationError):
            raise ScenarioError(
                f"cannot read {part!r}",
                field=where,
                hint="write e.g. decision: approve=9, reject=1; asset_tag=LT-{n}",
            ) from None
    return outputs


def _read(text: str) -> Any:
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
