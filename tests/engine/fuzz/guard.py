"""The fuzz suite's shared settings and hang guard.

Every property runs with a fixed seed (`derandomize`), so CI sees the same examples each
time, and a bounded number of examples. Hypothesis' own deadline is off: timing is not the
property. The hang guard is an alarm that interrupts a call running far longer than any
refusal takes (benchmarks/expression_limits.py measures milliseconds), so a regression fails
with a message instead of stalling the suite. (A signal is handled between bytecodes, so
the guard catches Python-level loops such as the old result walk; one C call that never
returns would still stall, which is why the limits are checked before such calls.)
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

HANG_GUARD_SECONDS = 5.0
"""More than 50 times the slowest refusal measured on a loaded machine (about 0.1 s)."""


def fuzz_settings(examples: int) -> settings:
    """Fixed-seed settings for `examples` examples, writing no example database."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


class Hung(BaseException):
    """A call ran past the hang guard. Not an `Exception`, so that no `except Exception`
    in the code under test can swallow it (the old evaluator's did)."""


@contextmanager
def hang_guard(what: str) -> Iterator[None]:
    """Interrupt the block with `Hung` if it runs past `HANG_GUARD_SECONDS`."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise Hung(f"{what} ran past the {HANG_GUARD_SECONDS} s hang guard")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
