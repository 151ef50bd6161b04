"""Mutating definition documents: hostile values at random places of real definitions.

A mutation walks from the top of a parsed `.baton.json` document to a random place and
replaces, deletes or duplicates what it finds there, or adds a key Baton does not know.
The values are the ones careless or hostile editing produces: huge numbers and texts,
deep nesting, wrong types, durations past any calendar, expressions that explode.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from engine.definition import to_dict
from tests.engine.builders import background, interactive, linear, stage, variable, wait

EXAMPLES = sorted((Path(__file__).parents[3] / "resources" / "examples").glob("*.baton.json"))


def _small_document() -> dict[str, Any]:
    definition = linear(
        stage("intake", interactive("review", due="P1D"), wait("hold", timeout="PT1H")),
        stage("act", background("store", action="set_variables", inputs={"note": "amount"})),
        variables=[variable("amount", type="number"), variable("note", input=False)],
    )
    return to_dict(definition)


DOCUMENTS = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
DOCUMENTS.append(_small_document())


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 10**30, 1.5e308, float("inf"), "", " ", "x" * 5000, "é\u202e\u0000",
    [], {}, _deep(300), {"type": "stage"}, [{"id": "start", "type": "start"}],
    "P99999999999999999999D", "P3000000D", "P36525D", "PT0S", "P", "PT", "P1DT",
    "[[[1] * 10000] * 10000] * 10000", "quote.discont > 1", "1 in record", "amount >",
    "9 ** 9 ** 9", "f'{amount:>999999999}'", "record.__class__", "(lambda: 1)()",
    "user:", "group:nobody", "queue:a:b", "../../x", "start", "end", "a b", "0 9 * * 1",
    "baton/" + "9" * 5000, "baton/0", "baton/2", "set_variables", "send_email", "manual",
    "record", "schedule", "interactive", "background", "wait", "decision",
]  # fmt: skip
HOSTILE = st.sampled_from(HOSTILE_VALUES)
_DURATIONS = st.sampled_from(
    ["P99999999999999999999D", "P3000000D", "P36525D", "P36526D", "PT0S", "P", "PT", "P1DT",
     "P1.5W", "PT" + "9" * 5000 + "S", "2 days", ""]
)  # fmt: skip
_EXPRESSIONS = st.sampled_from(
    ["[[[1] * 10000] * 10000] * 10000", "str([[amount] * amount] * amount)", "1 in record",
     "quote.discont > 1", "amount >", "9 ** 9 ** 9", "f'{amount:>999999999}'",
     "record.__class__", "(lambda: 1)()", "-" * 150 + "1", "x" * 2001, "round(1, -10 ** 9)",
     "missing_name", "amount > 1000"]
)  # fmt: skip
_IDS = st.sampled_from(["start", "end", "../../x", "a b", "", "é", "x" * 5000, "record", "run"])
_FIELD_VALUES = {
    "due": _DURATIONS, "timeout": _DURATIONS, "delay": _DURATIONS,
    "condition": _EXPRESSIONS, "exit_condition": _EXPRESSIONS, "key": _EXPRESSIONS,
    "id": _IDS, "from": _IDS, "to": _IDS, "assignee": _IDS, "escalate_to": _IDS,
    "schema": st.sampled_from(["baton/" + "9" * 5000, "baton/0", "baton/2", "baton/²", "bpmn"]),
}  # fmt: skip
_SAME_KIND = {
    kind: st.sampled_from([v for v in HOSTILE_VALUES if type(v) is kind])
    for kind in (str, int, list, dict, bool)
}


def _replacement(draw: st.DrawFn, old: Any, field: Any = None) -> Any:
    """A hostile value for the field when it has its own (durations, expressions, ids), else
    mostly one of the same JSON kind (so loading gets past the types), else any."""
    if field in _FIELD_VALUES and draw(st.integers(0, 3)) > 0:
        return draw(_FIELD_VALUES[field])
    same = _SAME_KIND.get(type(old))
    chosen = draw(same) if same is not None and draw(st.integers(0, 4)) > 0 else draw(HOSTILE)
    return copy.deepcopy(chosen)  # the pool's lists and objects must never be edited in place


KEYS = st.sampled_from(
    ["id", "type", "after", "condition", "due", "timeout", "max_visits", "default", "from",
     "to", "inputs", "outputs", "choices", "retry", "attempts", "delay", "colour"]
)  # fmt: skip


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A real definition document with one to three random mutations."""
    document = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        document = _mutate(draw, document)
    return document


def _mutate(draw: st.DrawFn, document: Any) -> Any:
    parent: Any = None
    where: Any = None
    node = document
    # Deep places (a step's field sits five levels down) are where mistakes hide.
    for _ in range(draw(st.integers(min_value=1, max_value=7))):
        if not (isinstance(node, dict | list) and node):
            break
        where = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else
                                     range(len(node))))  # fmt: skip
        parent, node = node, node[where]
    action = draw(st.sampled_from(["replace", "delete", "duplicate", "add key"]))
    if parent is None:
        if isinstance(document, dict):
            key = draw(KEYS)
            document[key] = _replacement(draw, None, key)
            return document
        return _replacement(draw, None)
    if action == "replace":
        parent[where] = _replacement(draw, node, where)
    elif action == "delete":
        del parent[where]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(where, copy.deepcopy(node))
    elif isinstance(node, dict):
        key = draw(KEYS)
        node[key] = _replacement(draw, None, key)
    else:
        parent[where] = _replacement(draw, node, where)
    return document


@st.composite
def document_texts(draw: st.DrawFn) -> str:
    """A mutated document as file text: sometimes with a BOM, a repeated key, or cut short."""
    text = json.dumps(draw(mutated_documents()), indent=2, ensure_ascii=draw(st.booleans()))
    form = draw(st.sampled_from(["plain"] * 6 + ["bom", "repeated key", "cut short"]))
    if form == "bom":
        return "\ufeff" + text
    if form == "repeated key":
        return text.replace('"id": ', '"id": "twice",\n  "id": ', 1)
    if form == "cut short":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    return text
