"""The names `BatonRun` passes to `workflow.patched`, one per change to what the workflow
does for a history recorded before that change.

tests/engine/temporal/histories hold histories of both sides of each, and
tests/engine/temporal/test_replay.py replays them. A name is never reused or renamed: it is
written into every history made since.
"""

from __future__ import annotations

RUN_ROWS = "run-rows"
"""Publishes the record, end time, outcome and error as search attributes."""
LINKED_RUNS = "linked-runs"
"""Starts the runs an action's record writes trigger and its child orchestration (child
workflows); tells a parent that its child ended and a child that its parent step went."""
CONTINUE = "continue-as-new"
"""Continues a run whose history grew past `RunStart.history_limit` as a new execution."""
NOTICES = "notices"
"""Sends assignment notices and the failure notice (an activity after the turn)."""
BUFFER = "baton-event-buffer"
"""A wait with a `buffer` that opened claims a kept event (an activity after the turn) and
takes it in a turn of its own."""
MIGRATE = "baton-migrate"
"""Marks histories whose run was moved by the `migrate` Update, so a later change to how
a move applies can be guarded against them."""
WEBHOOKS = "baton-webhooks-outbox"
"""Guards the outbox activity: a run whose history began on a worker without it queues no
webhook deliveries (its history has no such activity, and replay must match it)."""
BUFFER_IN_TURN = "baton-buffer-in-turn"
"""A wait with a `buffer` claims its kept event as it opens, within the turn, so the log
reads as locally (`event_received` with `buffered`, no timeout); runs whose history began
before it claim after the turn (`BUFFER`)."""
RECHECK_OTHERS = "baton-record-recheck-others"
"""A record an action updated: its other active runs are told (an activity after the turn),
as locally; runs whose history began before it told only themselves."""
BUFFER_CONSUME = "baton-buffer-consume"
"""A kept event a wait took is removed from the catalogue at once (an activity after the
claim), as locally; runs whose history began before it leave it claimed until it expires."""
ITEMS_MEMO = "baton-items-memo"
"""A run's workflow leaves its items in its memo as it closes (`shapes.ITEMS_MEMO`), for
`work list --all`; runs whose history began before it leave none and are queried."""
