"""The database tables (SQLAlchemy Core), shared by every dialect.

Times are stored as fixed-width UTC text (`2026-01-31T09:00:00.000000Z`) so they sort and
compare as strings on any database. JSON columns hold payloads, fields and run state.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    false,
    true,
)

SCHEMA_VERSION = 16
"""Kept in `baton_meta` for people reading the file; Alembic's revision is what is checked.

These tables are the head of `engine/store/migrations`: a change here needs a migration.
"""

metadata = MetaData()

meta = Table(
    "baton_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

definitions = Table(
    "definitions",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("active", Boolean, nullable=False, default=False),
    Column("name", Text, nullable=False, default=""),
    Column("trigger_type", String(16), nullable=False),
    Column("trigger_object", String(200)),
    Column("body", Text, nullable=False),
    Column("activated_at", String(32), nullable=False),
)
Index("ix_definitions_active", definitions.c.active, definitions.c.trigger_type)

runs = Table(
    "runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("definition_id", String(200), nullable=False),
    Column("definition_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("current_stage", String(200)),
    Column("started_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("parent_run_id", String(40)),
    Column("parent_step_id", String(200)),
    Column("record_object", String(200)),
    Column("record_id", String(64)),
    Column("error", Text),
    # The outcome of the end a completed run reached ("completed", "rejected", ...).
    Column("outcome", String(64)),
    Column("seq", Integer, nullable=False),
    Column("rev", Integer, nullable=False),
    Column("state", Text, nullable=False),
)
# Lists by status, and `baton prune` walking finished runs oldest first (0015).
Index("ix_runs_status_ended", runs.c.status, runs.c.ended_at, runs.c.id)
# Lists page newest first by (started_at, id) and filter by version and stage (0009); in
# exactly that order (0015), so a page reads its rows off the index without a sort.
Index("ix_runs_started", runs.c.started_at.desc(), runs.c.id)
Index("ix_runs_definition", runs.c.definition_id, runs.c.definition_version, runs.c.started_at)
_IN_A_STAGE = runs.c.current_stage.isnot(None)
# A finished run has no current stage and is never looked up by one: it stays out of this
# index, so finishing a run writes one page fewer to the write-ahead log, which a durable
# commit waits for (0016).
Index("ix_runs_stage", runs.c.current_stage, sqlite_where=_IN_A_STAGE, postgresql_where=_IN_A_STAGE)
# Record updates and record views find a record's runs; most runs have none (partial index).
Index(
    "ix_runs_record",
    runs.c.record_object,
    runs.c.record_id,
    sqlite_where=runs.c.record_id.isnot(None),
    postgresql_where=runs.c.record_id.isnot(None),
)

stage_instances = Table(
    "stage_instances",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("stage_id", String(200), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("visits", Integer, nullable=False),
    Column("entered_at", String(32)),
    Column("exited_at", String(32)),
)

step_instances = Table(
    "step_instances",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("step_id", String(200), primary_key=True),
    Column("stage_id", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("started_at", String(32)),
    Column("ended_at", String(32)),
    Column("error", Text),
)

work_items = Table(
    "work_items",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("run_id", String(40), nullable=False),
    Column("step_id", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("guidance", Text, nullable=False, default=""),
    Column("assignee", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("due_at", String(32)),
    Column("overdue", Boolean, nullable=False, default=False),
    Column("completed_by", String(200)),
    Column("completed_at", String(32)),
    Column("outputs", JSON),
)
Index("ix_work_items_open", work_items.c.status, work_items.c.assignee)
Index("ix_work_items_run", work_items.c.run_id)
Index("ix_work_items_created", work_items.c.created_at, work_items.c.id)

events = Table(
    "events",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    # Microseconds since 1970 (UTC) and a small code per event type: the log shows both as
    # text (engine.runtime.eventrows), the table keeps 9 bytes where it kept some 40.
    Column("time", BigInteger, nullable=False),
    Column("type", SmallInteger, nullable=False),
    Column("actor", String(200)),
    Column("payload", Text, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("object", String(200), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("fields", JSON, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("email", String(320)),
    Column("active", Boolean, nullable=False, default=True),
    # "admin", "operator" or "assignee" (see engine.runtime.permissions).
    Column("role", String(16), nullable=False, default="assignee", server_default="assignee"),
)

groups = Table(
    "groups",
    metadata,
    Column("name", String(200), primary_key=True),
    # "group" or "queue": both hold members; a queue is worked from a shared list.
    Column("kind", String(8), primary_key=True),
)

memberships = Table(
    "memberships",
    metadata,
    Column("user_name", String(200), primary_key=True),
    Column("group_name", String(200), primary_key=True),
    Column("kind", String(8), primary_key=True),
)
Index("ix_memberships_group", memberships.c.group_name, memberships.c.kind)

timers = Table(
    "timers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("due_at", String(32), nullable=False),
    # "retry", "timeout", "due", "escalate"
    Column("kind", String(16), nullable=False),
    Column("run_id", String(40), nullable=False),
    Column("step_id", String(200), nullable=False),
    Column("item_id", String(40)),
)
Index("ix_timers_due", timers.c.due_at)
Index("ix_timers_run", timers.c.run_id)

waits = Table(
    "waits",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("step_id", String(200), primary_key=True),
    Column("event", String(200), nullable=False),
    Column("key", Text),
)
Index("ix_waits_event", waits.c.event)

# Events kept for wait steps that open later (`buffer:`; engine.runtime.buffering).
buffered_events = Table(
    "buffered_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", String(200), nullable=False),
    Column("key", Text),
    Column("data", Text, nullable=False),
    Column("sent_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("actor", String(200)),
    # The Temporal run (run, step, visit) that claimed it (`buffered.claim`); None: free.
    Column("claimed_by", String(300)),
)
Index("ix_buffered_events_event", buffered_events.c.event, buffered_events.c.sent_at)
Index("ix_buffered_events_expires", buffered_events.c.expires_at)

schedules = Table(
    "schedules",
    metadata,
    Column("definition_id", String(200), primary_key=True),
    Column("cron", String(120), nullable=False),
    Column("next_at", String(32), nullable=False),
)

# Assignment notices: written in the transaction that assigns an item (a transactional
# outbox), delivered afterwards by `Engine.tick`, so a crash can delay a notice, never lose it.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("item_id", String(40), nullable=False),
    Column("assignee", String(200), nullable=False),
    # "assigned", "reassigned", "overdue" or "escalated"
    Column("reason", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("sent_at", String(32)),
    Column("recipients", Text),
    # A failed delivery is retried later (next_try_at) and logged; `failed` after the last.
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("next_try_at", String(32)),
    Column("last_error", Text),
    Column("failed", Boolean, nullable=False, default=False, server_default=false()),
    # Set by the worker that delivers it, outside any transaction; another worker leaves
    # the row alone until then (a worker that died mid-delivery loses its claim then).
    Column("claimed_until", String(32)),
)
Index("ix_notifications_pending", notifications.c.sent_at)
Index("ix_notifications_run", notifications.c.run_id)  # `baton prune` (0015)

# API tokens for `baton serve` (engine.api.tokens). Only a SHA-256 of each token is kept;
# the token itself is shown once, when it is created. `id` is the token's public part, so a
# request finds its row by primary key and compares the hash in constant time.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("label", Text, nullable=False, default="", server_default=""),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(200)),
    Column("revoked_at", String(32)),
    Column("revoked_by", String(200)),
)
Index("ix_api_tokens_user", api_tokens.c.user_name)
Index("ix_api_tokens_created", api_tokens.c.created_at, api_tokens.c.id)


def _delivery_columns() -> list[Column]:
    """The columns of a table delivered after commit with the outbox protocol of
    engine.store.outbox (claim, then sent, or retried with a growing pause, then failed).
    Fresh objects each call: a Column belongs to one table."""
    return [
        Column("created_at", String(32), nullable=False),
        Column("sent_at", String(32)),
        Column("attempts", Integer, nullable=False, default=0, server_default="0"),
        Column("next_try_at", String(32)),
        Column("last_error", Text),
        Column("failed", Boolean, nullable=False, default=False, server_default=false()),
        Column("claimed_until", String(32)),
    ]


# Messages that actions send (`send_email`): written with the run's transaction, delivered
# after it commits (an `.eml` file at once, SMTP by the worker), retried like notices.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The action's idempotency key: one message per step visit however often it runs.
    Column("key", String(300), nullable=False, unique=True),
    Column("run_id", String(40)),
    # JSON: to, cc, sender, subject, body
    Column("message", Text, nullable=False),
    *_delivery_columns(),
)
Index("ix_outbox_pending", outbox.c.sent_at)
Index("ix_outbox_run", outbox.c.run_id)  # `baton prune` (0015)

# Outgoing webhooks per orchestration (engine.runtime.webhooks). The secret signs each body
# (HMAC-SHA256), so it is kept as is, unlike API tokens; only admins read this table's use.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("orchestration", String(200), nullable=False),
    Column("url", Text, nullable=False),
    Column("secret", String(100), nullable=False),
    # Comma-separated: run.completed, run.failed, item.created
    Column("events", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(200)),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
)
Index("ix_webhooks_orchestration", webhooks.c.orchestration)

# One row per message to a webhook: written in the transaction that appends the run event
# (an outbox), delivered after commit by `Engine.tick` with the outbox protocol of
# engine.store.outbox (claim, then sent or failed with a growing pause).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # webhook id : run id : event seq -- one delivery per event however often it is queued
    Column("key", String(300), nullable=False, unique=True),
    Column("webhook_id", String(32), nullable=False),
    Column("run_id", String(40)),
    Column("event", String(40), nullable=False),
    # The JSON body exactly as signed and sent.
    Column("body", Text, nullable=False),
    *_delivery_columns(),
)
Index("ix_webhook_deliveries_pending", webhook_deliveries.c.sent_at)
Index("ix_webhook_deliveries_webhook", webhook_deliveries.c.webhook_id, webhook_deliveries.c.id)
Index("ix_webhook_deliveries_run", webhook_deliveries.c.run_id)  # `baton prune` (0015)

# Admin actions outside runs (activations, users and roles, tokens, webhooks): who did what
# when. Runs keep their own log in `events`; this is the catalogue's (`baton audit`).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", String(32), nullable=False),
    Column("actor", String(200)),
    # e.g. definition.activated, user.added, user.role_changed, token.created
    Column("action", String(40), nullable=False),
    # What it was done to: an orchestration id, a user name, a token or webhook id.
    Column("subject", String(300), nullable=False),
    Column("details", JSON),
)
Index("ix_audit_log_time", audit_log.c.time)
Index("ix_audit_log_action", audit_log.c.action, audit_log.c.id)
Index("ix_audit_log_actor", audit_log.c.actor, audit_log.c.id)
Index("ix_audit_log_subject", audit_log.c.subject, audit_log.c.id)
