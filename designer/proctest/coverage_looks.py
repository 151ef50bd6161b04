"""Coverage as looks for a `DecorationLayer`: what no scenario reached in red, the rest green.

Stages, steps, decisions and ends are keyed by their id, a decision's outcomes by their flow
(source, target). A step whose start condition was only ever true (or only ever false) is
red too, with the way no scenario took in its tag, because that is a branch left untested.
"""

from __future__ import annotations

from designer.canvas.overlay import Look
from designer.selection import SelectionKey
from engine.proctest import Coverage

MISSING_COLOR = "#b3261e"
REACHED_COLOR = "#1e8e3e"


def _missing_look(labels: list[str]) -> Look:
    return Look(
        color=MISSING_COLOR,
        tint=40,
        emphasis=True,
        tag="not tested",
        tooltip="No scenario reached: " + "; ".join(labels),
    )


def coverage_looks(coverage: Coverage) -> dict[SelectionKey, Look]:
    """The look of every element coverage counts (and each decision with an untested way)."""
    missing: dict[SelectionKey, list[str]] = {}
    reached: dict[SelectionKey, list[str]] = {}
    for element in coverage.elements:
        key: SelectionKey = element.flow if element.flow else element.node
        chosen = reached if element.id in coverage.reached else missing
        chosen.setdefault(key, []).append(element.label)
        if element.flow and element.id not in coverage.reached:
            # The decision itself is where an admin looks for the story nobody wrote.
            missing.setdefault(element.node, []).append(element.label)
    looks: dict[SelectionKey, Look] = {
        key: Look(color=REACHED_COLOR, tint=18, tooltip="Tested: " + "; ".join(labels))
        for key, labels in reached.items()
    }
    looks.update({key: _missing_look(labels) for key, labels in missing.items()})
    return looks
