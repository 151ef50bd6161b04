"""Drawing durations and values from a scenario's distributions, reproducibly.

Each run draws from its own random stream (seeded by the scenario seed and the run's
number), so changing one assumption, e.g. a capacity, leaves every run's durations and
outcomes as they were: comparisons between two scenarios show the effect of the change,
not of different luck.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from typing import Any

from engine.definition.durations import parse_duration
from engine.simulation.scenario import (
    Distribution,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
    ValueSpec,
)


def run_stream(seed: int, run_number: int) -> random.Random:
    """The random stream of one run (string seeds are hashed stably across processes)."""
    return random.Random(f"baton:{seed}:run:{run_number}")


def named_stream(seed: int, name: str) -> random.Random:
    """A random stream for one purpose (arrivals, ...)."""
    return random.Random(f"baton:{seed}:{name}")


def _seconds(text: str) -> float:
    return parse_duration(text).total_seconds()


def sample_seconds(dist: Distribution, rng: random.Random) -> float:
    """One duration in seconds (never negative)."""
    if isinstance(dist, Fixed):
        return _seconds(dist.value)
    if isinstance(dist, Uniform):
        return rng.uniform(_seconds(dist.low), _seconds(dist.high))
    if isinstance(dist, Triangular):
        low, high = _seconds(dist.low), _seconds(dist.high)
        return rng.triangular(low, high, min(max(_seconds(dist.mode), low), high))
    if isinstance(dist, Exponential):
        mean = _seconds(dist.mean)
        return rng.expovariate(1.0 / mean) if mean > 0 else 0.0
    if isinstance(dist, LogNormal):
        return _lognormal(_seconds(dist.mean), _seconds(dist.spread), rng)
    raise TypeError(f"unknown distribution {dist!r}")


def _lognormal(mean: float, spread: float, rng: random.Random) -> float:
    # Admins think in the mean and spread of the durations themselves; lognormvariate takes
    # those of the underlying normal, so convert (moment matching).
    if mean <= 0:
        return 0.0
    if spread <= 0:
        return mean
    sigma2 = math.log(1.0 + (spread / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2.0
    return rng.lognormvariate(mu, math.sqrt(sigma2))


def sample_value(spec: ValueSpec, rng: random.Random, run_number: int) -> Any:
    """One value drawn from a value spec for run number `run_number`."""
    if spec.choices is not None:
        weights = [c.weight for c in spec.choices]
        return rng.choices([c.value for c in spec.choices], weights=weights)[0]
    if spec.between is not None:
        low, high = spec.between
        return rng.uniform(low, high)
    if spec.template is not None:
        return spec.template.replace("{n}", str(run_number))
    return spec.value


def placeholder(type_: str, name: str, run_number: int, now: datetime) -> Any:
    """A plausible value of a declared type when the scenario gives none.

    Text is unique per run, so a wait keyed by it reaches exactly its own run.
    """
    if type_ == "number":
        return 0
    if type_ == "boolean":
        return True
    if type_ == "date":
        return now.date().isoformat()
    if type_ == "datetime":
        return now.isoformat()
    if type_ == "json":
        return {}
    return f"{name}-{run_number}"
