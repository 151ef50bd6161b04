"""Bodies a client should not send, as a newcomer sent them with curl.

`{"a": Infinity}` was stored as text no JSON reader accepts (on PostgreSQL refused by the
database as "unavailable"); a body over 1 MiB sent chunked, with no Content-Length, got
FastAPI's 400 "There was an error parsing the body" instead of the documented 413.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.api.limits import MAX_BODY

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_a_non_json_number_is_400_and_nothing_is_stored(served, constant):
    body = '{"fields": {"name": "Acme", "score": ' + constant + "}}"

    response = served.as_("esign").post("/v1/records/Account", content=body, headers=JSON)

    assert response.status_code == 400
    assert response.json()["message"] == "the request body is not valid JSON"


def test_ordinary_numbers_in_a_body_still_work(served):
    response = served.as_("esign").post(
        "/v1/records/Account", content='{"fields": {"score": 1.5e300}}', headers=JSON
    )

    assert response.status_code == 201
    assert response.json()["fields"] == {"score": 1.5e300}


def test_a_chunked_body_over_the_limit_is_413(served):
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "x", "data": {"blob": "'
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"x" * 65536
        yield b'"}}'

    response = served.as_("esign").post("/v1/events", content=chunks(), headers=JSON)

    assert response.status_code == 413
    assert response.json()["message"] == "the request body is larger than 1024 KiB"
