"""The orchestration definition format: models, loading, saving, JSON Schema."""

from engine.definition.durations import format_duration, parse_duration
from engine.definition.io import (
    FILE_SUFFIX,
    dumps_definition,
    from_dict,
    load_definition,
    loads_definition,
    save_definition,
    to_dict,
)
from engine.definition.models import (
    OUTCOMES,
    SCHEMA,
    SCHEMA_VERSION,
    AnyNode,
    AnyStep,
    BackgroundStep,
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    ManualTrigger,
    NoticeTemplate,
    Orchestration,
    Output,
    Position,
    RecordTrigger,
    RetryPolicy,
    ScheduleTrigger,
    StageNode,
    StartNode,
    Variable,
    WaitStep,
    parse_node,
    parse_step,
)


def json_schema() -> dict:
    """The JSON Schema of the file format, for editors' completion and checks."""
    schema = Orchestration.model_json_schema(by_alias=True)
    schema["$id"] = f"https://baton.invalid/schema/{SCHEMA}.json"
    schema["title"] = "Baton orchestration definition"
    return schema


__all__ = [
    "FILE_SUFFIX",
    "OUTCOMES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "AnyNode",
    "AnyStep",
    "BackgroundStep",
    "DecisionNode",
    "EndNode",
    "Flow",
    "InteractiveStep",
    "ManualTrigger",
    "NoticeTemplate",
    "Orchestration",
    "Output",
    "Position",
    "RecordTrigger",
    "RetryPolicy",
    "ScheduleTrigger",
    "StageNode",
    "StartNode",
    "Variable",
    "WaitStep",
    "dumps_definition",
    "format_duration",
    "from_dict",
    "json_schema",
    "load_definition",
    "loads_definition",
    "parse_duration",
    "parse_node",
    "parse_step",
    "save_definition",
    "to_dict",
]
