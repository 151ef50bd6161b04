"""Which engine an exported BPMN file is for: how its conditions are written.

`spiff` (the default) writes Python that SpiffWorkflow evaluates; `camunda8` writes FEEL
(`=`-prefixed) that Zeebe evaluates, and `bpmn_camunda8` adds the `zeebe:` extensions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import InterchangeError
from engine.interchange.bpmn_conditions import to_python
from engine.interchange.bpmn_names import PYTHON_LANGUAGE
from engine.interchange.feel import to_feel
from engine.interchange.salesforce_conditions import Untranslatable

FEEL_LANGUAGE = "https://www.omg.org/spec/DMN/20191111/FEEL/"


@dataclass(frozen=True)
class Dialect:
    """How conditions are written for one target engine."""

    name: str
    language: str | None
    """The `language` attribute of condition expressions (None: the engine's default)."""
    _translate: Callable[[str, set[str]], str]
    _prefix: str = ""
    _negate: str = "not ({})"

    def condition(self, expression: str, step_ids: set[str], element: str) -> str:
        """The target's form of a Baton condition.

        Raises:
            InterchangeError: the condition has no form in the target's language.
        """
        try:
            return self._prefix + self._translate(expression, step_ids)
        except Untranslatable as why:
            raise InterchangeError(
                f"the condition {expression!r} cannot be written for {self.name}: {why}",
                element=element,
                hint="rewrite it with comparisons, and/or/not and arithmetic, or export "
                "in the default dialect",
            ) from None

    def first_match(self, own: str, earlier: list[str]) -> str:
        """`own` and none of the earlier conditions (Baton takes the first that holds)."""
        if not earlier:
            return own
        strip = len(self._prefix)
        parts = [f"({own[strip:]})", *(self._negate.format(c[strip:]) for c in earlier)]
        return self._prefix + " and ".join(parts)


SPIFF = Dialect("spiff", PYTHON_LANGUAGE, to_python)
CAMUNDA8 = Dialect("camunda8", None, to_feel, "=", "not({})")
DIALECTS = {d.name: d for d in (SPIFF, CAMUNDA8)}
