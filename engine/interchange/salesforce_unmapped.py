"""Flow metadata Baton does not map, named in the import report instead of dropped silently.

Each element kind has the children the readers understand (or report themselves, such as a
fault connector). Anything else is reported once per element with what to do. A few step
flags are reported only when set, because their default matches what Baton does.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from engine.interchange.report import Report
from engine.interchange.safe_xml import local_name
from engine.interchange.salesforce_xml import text

_COMMON = {"name", "label", "locationX", "locationY", "processMetadataValues"}
KNOWN = {
    "Flow": {
        "apiVersion",
        "label",
        "description",
        "processType",
        "status",
        "start",
        "orchestratedStages",
        "decisions",
        "variables",
        "constants",
        "processMetadataValues",
    },
    "start": {
        "locationX",
        "locationY",
        "connector",
        "object",
        "triggerType",
        "recordTriggerType",
        "filterLogic",
        "filters",
        "doesRequireRecordChangedToMeetCriteria",
        "schedule",
        "filterFormula",
    },
    "orchestratedStages": _COMMON
    | {
        "connector",
        "faultConnector",
        "exitConditionLogic",
        "exitConditions",
        "exitActionName",
        "exitActionType",
        "exitActionInputParameters",
        "stageSteps",
    },
    "stageSteps": _COMMON
    | {
        "actionName",
        "actionType",
        "stepSubtype",
        "assignees",
        "entryConditionLogic",
        "entryConditions",
        "entryActionName",
        "entryActionType",
        "entryActionInputParameters",
        "exitConditionLogic",
        "exitConditions",
        "inputParameters",
        "outputParameters",
    },
    "decisions": _COMMON | {"rules", "defaultConnector", "defaultConnectorLabel"},
    "variables": {
        "name",
        "dataType",
        "isCollection",
        "isInput",
        "isOutput",
        "value",
        "description",
        "scale",
        "objectType",
    },
    "constants": {"name", "dataType", "value", "description"},
}
# Flags whose default (false) is what Baton does; reported only when true.
_FLAGS = {"requiresAsyncProcessing", "runAsUser", "canAssigneeEdit", "isOutput"}


def report_unmapped(element: Element, report: Report, owner: str | None = None) -> None:
    """Add one report item naming the children of `element` that no reader maps."""
    kind = local_name(element.tag)
    known = KNOWN.get(kind, set())
    left = []
    for item in element:
        tag = local_name(item.tag)
        if tag in known and tag not in _FLAGS:
            continue
        if tag in _FLAGS and (item.text or "").strip().lower() != "true":
            continue
        if tag not in left:
            left.append(tag)
    if left:
        report.add(
            owner or text(element, "name") or kind,
            f"{', '.join(left)} not mapped to Baton and not written back on export; "
            "set them again in Salesforce after deploying an export",
        )
