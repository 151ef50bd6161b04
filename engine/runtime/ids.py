"""How run and work item ids are spelt: `run-` or `wi-` and 13 characters of base 32.

Thirteen characters of Crockford's base 32 in lower case (digits and letters without i, l,
o and u, so none reads as another) carry 65 bits: the chance that two runs of a database
ever share an id is about 1 in 74 million at a million runs and 1 in 7,400 at a hundred
million (it was 1 in 220 at a hundred thousand with the older 40-bit ids). A run id drawn
twice is drawn again anyway: the engine repeats a call whose new run's id is taken (the
store says so), and Temporal refuses a workflow id in use, so the start draws another.
Item ids are derived, not drawn, so they cannot be drawn again: their 65 bits are what
keeps them apart.

Ids handed out before (`run-` or `wi-` and 10 hex digits, 40 bits) stay valid everywhere:
nothing parses an id, and a run whose id has that older, shorter form keeps deriving its
work item ids the older way, so its recorded Temporal history replays to the same events.

Pure: no randomness here (the run core derives item ids from this module).
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford's base 32, lower case."""
CHARS = 13
"""Characters of an id after its prefix (65 bits)."""
RUN_ID_BITS = 5 * CHARS
OLD_RUN_ID_LENGTH = len("run-") + 10
"""Run ids of this length or shorter are of the older form (or hand-made, e.g. by tests)."""


def spell(number: int) -> str:
    """The 13 base-32 characters of a number below 2**65 (its lowest 65 bits)."""
    chars = []
    for _ in range(CHARS):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def item_id(run_id: str, seq: int) -> str:
    """The id of the work item a run opens at event `seq`: fixed by the run and its log,
    so the same wherever the run is decided (no randomness in decisions)."""
    digest = hashlib.sha1(f"{run_id}:{seq}".encode()).digest()
    if len(run_id) <= OLD_RUN_ID_LENGTH:
        # A run of the older id form keeps the older item ids (its history must replay).
        return "wi-" + digest.hex()[:10]
    return "wi-" + spell(int.from_bytes(digest[:9], "big"))


def derived(prefix: str, digest: bytes) -> str:
    """An id of the current form from a hash (ids fixed by what made them, e.g. a child run
    started by a Temporal activity that may be retried)."""
    return prefix + spell(int.from_bytes(digest[:9], "big"))
