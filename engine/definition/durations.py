"""ISO 8601 durations (`P2D`, `PT30M`, `P1W`) as used by `due`, `timeout` and retry delays."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_DURATION_CHARACTERS = re.compile(r"P[\d.WDTHMS]+\Z")

MAX_DURATION = timedelta(days=36525)
"""The longest duration a definition may give: 100 years. Anything longer is a typo, and
past a few thousand years a due date no longer fits in a date."""

_SECONDS = {"weeks": 604800.0, "days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0}
_LONGEST_TEXT = 100


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration without years or months (they have no fixed length).

    Raises:
        ValueError: with a message that shows the expected form, or says the duration is
            longer than `MAX_DURATION` (100 years). Nothing else, whatever the text.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration; write e.g. 'P2D'")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> timedelta:
    # A definition repeats a few durations thousands of times (every step's `due`): parse
    # each once. Errors are not cached (lru_cache keeps only returned values).
    stripped = text.strip()
    if len(stripped) > _LONGEST_TEXT and _DURATION_CHARACTERS.match(stripped):
        raise ValueError(_too_long(text))  # only digits past any sensible length
    match = _DURATION.match(stripped) if len(stripped) <= _LONGEST_TEXT else None
    if not match or stripped.endswith("T"):
        raise ValueError(
            f"{_shown(text)} is not an ISO 8601 duration; write e.g. 'P2D' (2 days), "
            "'PT4H' (4 hours), 'PT30M' (30 minutes) or 'P1DT12H'"
        )
    parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
    seconds = sum(_SECONDS[k] * v for k, v in parts.items())
    # float() of a long digit string is inf rather than an error; inf fails this test too.
    if not seconds <= MAX_DURATION.total_seconds():
        raise ValueError(_too_long(text))
    return timedelta(**parts)


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:30]) + "..."


def _too_long(text: str) -> str:
    return (
        f"the duration {_shown(text)} is longer than 100 years, the longest Baton accepts; "
        "write a shorter one, e.g. 'P30D'"
    )


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
