"""Compare two Flow metadata files element by element, ordering and whitespace aside.

Each file is flattened to the multiset of its leaves, each written as the path of element
names that leads to it; an element with a `name` child is told apart by it
(`orchestratedStages[Stage_Intake]/stageSteps[Check]/label = Check it`). Baton's own
`processMetadataValues` named `Baton` are left out: they are what Baton adds.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import Element, parse


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_baton_value(element: Element) -> bool:
    if _local(element.tag) != "processMetadataValues":
        return False
    return any(_local(c.tag) == "name" and (c.text or "").strip() == "Baton" for c in element)


def leaves(element: Element, path: str = "") -> Counter[str]:
    """`path = text` for every leaf under `element`."""
    found: Counter[str] = Counter()
    for item in element:
        if _is_baton_value(item):
            continue
        name = next((c.text for c in item if _local(c.tag) == "name" and len(c) == 0), None)
        here = f"{path}/{_local(item.tag)}" + (f"[{(name or '').strip()}]" if name else "")
        if len(item):
            found += leaves(item, here)
        else:
            found[f"{here} = {(item.text or '').strip()}"] += 1
    return found


def differences(original: Path, exported: Path | str, ignore: tuple[str, ...] = ()) -> list[str]:
    """Leaves only one side has, `- ` for the original's and `+ ` for the export's."""
    before = leaves(parse(original).getroot())
    after = leaves(parse(exported).getroot())
    out = [f"- {leaf}" for leaf in sorted((before - after).elements())]
    out += [f"+ {leaf}" for leaf in sorted((after - before).elements())]
    return [line for line in out if not any(i in line for i in ignore)]
