"""The encoders built once write exactly what `json.dumps` writes for the same value."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engine.runtime import jsontext

_atoms = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.dates()
    | st.decimals(allow_nan=False)
)
_trees = st.recursive(
    _atoms,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_trees)
def test_any_stored_value_is_written_as_json_dumps_writes_it(value):
    # given any value the engine may store (dates and decimals written as their text)
    # when it is encoded by both
    # then the text is the same, with json.dumps' own and with compact separators
    assert jsontext.spaced(value) == json.dumps(value, default=str)
    assert jsontext.compact(value) == json.dumps(value, separators=(",", ":"), default=str)


def test_a_work_items_outputs_read_back_as_written():
    # given outputs with text, numbers, a date and a nested list
    outputs = {
        "note": "ça va",
        "amount": Decimal("12.50"),
        "when": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        "day": date(2026, 1, 5),
        "tags": ["a", ("b", 2)],
    }

    # when written and read back
    text = jsontext.spaced(outputs)

    # then it is plain ASCII JSON with the non-JSON values as their text
    assert text.isascii()
    assert json.loads(text) == {
        "note": "ça va",
        "amount": "12.50",
        "when": "2026-01-05 09:00:00+00:00",
        "day": "2026-01-05",
        "tags": ["a", ["b", 2]],
    }
