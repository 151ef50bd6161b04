"""Rules on how the file was written, not what it means: `duplicate-key`.

A key given twice in one JSON object loads with its last value (as in every JSON reader);
the earlier one is silently lost, so validation names the key and the line of each
repetition. Saving writes each key once, which clears the warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.validation.context import Index, warning
from engine.validation.diagnostics import Diagnostic


def check_file(index: Index) -> Iterator[Diagnostic]:
    """Report each key the loaded file gave twice in one object."""
    for repeated in index.definition.repeated_keys:
        yield warning(
            "duplicate-key",
            repeated.element,
            repeated.key,
            f"the key {repeated.key!r} is given again at line {repeated.line} in the same "
            "object; the value there is used and the earlier one is ignored: remove one of them",
        )
