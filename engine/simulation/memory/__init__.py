"""The run core driven in memory: the simulation's fast engine.

The decisions of the run core (`engine.runtime.interpreter`, `commands`, `fold`) are pure:
they read a run's state and emit events into a `Turn`. The local engine's `Unit` is their
SQL shell; the Temporal workflow is another. This is a third, for the simulation only:
each call is a `MemoryCall` that emits and folds exactly as `Unit.emit` does, and what a
transaction would write (work items, timers, event waits, records, kept events) is kept in
dictionaries instead. No second interpreter: every decision is the same function the live
engine calls.

It does what a simulation asks of an engine, the way the SQL shell does it: start runs
(manual, child and record-triggered), complete items (with the same authorization),
deliver events to waits by name and key (runs in id order) and keep those that reach no
run for a wait step with a `buffer`, fire due timers oldest first (equal times in the order
they were set, at most 200 per pass), create and update records (re-checking the runs a
record's change concerns), roll back what a failed action set in motion, finish and cancel
child runs with their parents, and undo a whole call that raises, as a transaction is
rolled back. `tests/engine/simulation/test_memory_shell.py` checks that the SQL store gives
the same results.

Modules: `shell` (the engine: calls and what they leave behind), `call` (one call: the
Turn, starts, records, reactions, undo), `context` (what an action sees), `world` (records
and kept events).
"""

from engine.simulation.memory.shell import MemoryEngine

__all__ = ["MemoryEngine"]
