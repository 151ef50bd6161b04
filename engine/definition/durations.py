"""ISO 8601 durations (`P2D`, `PT30M`, `P1W`) as used by `due`, `timeout` and retry delays."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration without years or months (they have no fixed length).

    Raises:
        ValueError: with a message that shows the expected form.
    """
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match or text.strip().endswith("T"):
        raise ValueError(
            f"{text!r} is not an ISO 8601 duration; write e.g. 'P2D' (2 days), "
            "'PT4H' (4 hours), 'PT30M' (30 minutes) or 'P1DT12H'"
        )
    parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
    return timedelta(**parts)


def format_duration(delta: timedelta) -> str:
    """Write a timedelta back as a compact ISO 8601 duration."""
    total = int(delta.total_seconds())
    if total == 0:
        return "PT0S"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    if hours or minutes or seconds:
        out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        out += f"{seconds}S" if seconds else ""
    return out
