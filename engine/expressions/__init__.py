"""Safe expressions for conditions and input mappings (DESIGN rule 7: data, never `eval`).

Syntax is Python-like and evaluated by `simpleeval`. Names an expression may read: run
variables, step ids (their outputs as attributes, `contract.decision`), `record` (the
triggering record as it is now) and `run` (`run.id`, `run.started_at`). A few functions are
available (`len`, `str`, `int`, ...) and a short allow-list of methods (`lower`,
`startswith`, `get`, ...): methods such as `zfill`, `ljust` or `replace` can build gigabytes
from a short text. Parsed expressions are cached, so the runtime pays the parse once per
distinct text.

Cost is bounded by what an expression does, not by the length of its text (`limits`):

* at most `MAX_LENGTH` characters, `MAX_NODES` syntax nodes and `MAX_NESTING` levels;
* no lambdas, assignments, imports, starred or walrus expressions, no `%` formatting of text,
  f-string widths of at most `MAX_FORMAT_WIDTH`;
* integers of at most `MAX_INT_DIGITS` digits;
* no value built heavier than `MAX_SIZE` (elements counted through nesting, characters);
* at most `MAX_WORK` units of work (elements built, copied, compared, searched, printed)
  and `MAX_ITERATIONS` comprehension steps per evaluation.

What the text alone shows to break a limit (`[[1] * 10000] * 10000`, `9 ** 9 ** 9`) is
refused by `parse`, so validation reports it (`expression-limit`); the rest is refused
while evaluating, before the costly step runs. Every refusal is an `ExpressionLimitError`
whose one-line message names the limit.
"""

from __future__ import annotations

from engine.expressions.evaluator import Namespace, evaluate
from engine.expressions.limits import (
    MAX_FORMAT_WIDTH,
    MAX_INT_DIGITS,
    MAX_ITERATIONS,
    MAX_LENGTH,
    MAX_NESTING,
    MAX_NODES,
    MAX_SIZE,
    MAX_WORK,
)
from engine.expressions.parsing import names_read, parse
from engine.expressions.vocabulary import CONSTANTS, FUNCTIONS, RESERVED_NAMES, SAFE_METHODS

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_FORMAT_WIDTH",
    "MAX_INT_DIGITS",
    "MAX_ITERATIONS",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_NODES",
    "MAX_SIZE",
    "MAX_WORK",
    "RESERVED_NAMES",
    "SAFE_METHODS",
    "Namespace",
    "evaluate",
    "names_read",
    "parse",
]
