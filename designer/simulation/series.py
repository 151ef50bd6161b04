"""Readable numbers from a simulation's raw series: utilization per period, one unit per column.

The engine reports utilization in short bins (a hundred over the horizon), so a bin over a
night reads 0 % and a busy afternoon 100 %: plotted as is, a thicket of spikes. Merged per
day or week, weighted by the working hours each bin had, it reads as the load it was.
Qt-free, so the arithmetic is tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY = 24.0
WEEK = 7 * DAY


def utilization_period(horizon_hours: float) -> float:
    """Weeks for a horizon of four weeks or more, else days (a handful of points at least)."""
    return WEEK if horizon_hours >= 4 * WEEK else DAY


def utilization_by_period(
    bin_ends: list[float],
    utilization: list[float],
    capacity: list[float],
    period: float,
) -> tuple[list[float], list[float]]:
    """Per period: (middle of the period in days, % of its working hours busy).

    Each bin counts in the period where it ends, weighted by its working hours (`capacity`);
    a period without any working hours has no value (NaN: the plot leaves a gap).
    """
    busy: dict[int, float] = {}
    available: dict[int, float] = {}
    for end, share, hours in zip(bin_ends, utilization, capacity, strict=True):
        index = max(0, math.ceil(end / period) - 1)
        busy[index] = busy.get(index, 0.0) + share * hours
        available[index] = available.get(index, 0.0) + hours
    middles, percents = [], []
    for index in sorted(available):
        middles.append((index + 0.5) * period / DAY)
        hours = available[index]
        percents.append(100.0 * busy[index] / hours if hours > 0 else math.nan)
    return middles, percents


@dataclass(frozen=True)
class Unit:
    """A unit of duration for a whole table column."""

    label: str  # "min", "h" or "d"
    hours: float  # how many hours one unit is

    def format(self, hours: float | None) -> str:
        """`hours` in this unit, one decimal at most ("" when there is no value)."""
        if hours is None or math.isnan(hours):
            return ""
        value = hours / self.hours
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"


MINUTES, HOURS, DAYS = Unit("min", 1 / 60), Unit("h", 1.0), Unit("d", DAY)


def column_unit(values: list[float | None]) -> Unit:
    """The one unit a column of durations (hours) reads best in: by its largest value."""
    largest = max((v for v in values if v is not None and not math.isnan(v)), default=0.0)
    if largest >= 2 * DAY:
        return DAYS
    if largest >= 1.0:
        return HOURS
    return MINUTES
