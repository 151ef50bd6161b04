"""JSON text for stored columns, from encoders built once.

`json.dumps(value, default=str)` and `JSONEncoder.encode` build a fresh C encoder for every
call: about 10 µs, most of the cost for the small documents the engine stores on every call
(event payloads, a work item's outputs, a run's state). These encoders are built once and
write the same text: ASCII, `str` for anything JSON has no form for. Values are trees the
engine built, so the check for cycles is left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    """An encoder writing what `json.dumps(value, separators=(item_separator,
    key_separator), default=str)` writes."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return json.JSONEncoder(separators=(item_separator, key_separator), default=str).encode
    ascii_text = json.encoder.encode_basestring_ascii
    chunks = make(None, str, ascii_text, None, key_separator, item_separator, False, False, True)
    return lambda value: "".join(chunks(value, 0))


compact = encoder(",", ":")
"""No spaces: event payloads, a run's state document."""

spaced = encoder(", ", ": ")
"""`json.dumps`' own separators: the text columns Core writes for JSON values (a work
item's outputs), so a row reads the same whichever path wrote it."""
