"""Refusing a BPMN file whose ids cannot be trusted: a repeated id, a flow to nowhere.

In BPMN every element's `id` is an XML ID, unique in the file, and sequence flows join
elements by naming those ids. When an id repeats or a flow names no element, the file's
graph is ambiguous; mapping it anyway drops or misplaces elements with no error (a start
event that reused its process's id once imported as an orchestration with every step
"not reached", exit 0). So both importers (ours and foreign) check first and name each
broken element.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from engine.errors import InterchangeError
from engine.interchange.bpmn_names import BPMN_NS, bpmn
from engine.interchange.safe_xml import local_name

_MODEL = "{" + BPMN_NS + "}"


def check_ids(root: Element, source: str) -> None:
    """Raise when an id of the BPMN model repeats or a sequence flow names no element.

    Only elements of the BPMN model namespace count: tools' extension elements (Camunda's
    form fields, for one) reuse their own ids from task to task, legitimately.

    Raises:
        InterchangeError: listing every repeated id and every dangling flow end.
    """
    first_tag: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(_MODEL):
            continue
        element_id = element.get("id")
        if element_id is None:
            continue
        tag = local_name(element.tag)
        if element_id in first_tag:
            problems.append(
                (
                    f"{tag} {element_id}",
                    f"the id is already used by a <{first_tag[element_id]}>; "
                    "ids must be unique in a BPMN file",
                )
            )
        else:
            first_tag[element_id] = tag
    for flow in root.iter(bpmn("sequenceFlow")):
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if ref is None:
                problems.append((f"sequenceFlow {flow.get('id')}", f"has no {end}"))
            elif ref not in first_tag:
                problems.append(
                    (f"sequenceFlow {flow.get('id')}", f"{end} {ref!r} names no element")
                )
    if problems:
        raise InterchangeError(
            f"{len(problems)} element(s) with a repeated id or a flow to nowhere",
            problems=problems,
            file=source,
            hint="give each element its own id in the modeller, or export the file again",
        )
