"""What each status looks like on a card: colour, hatching, labels and tooltips."""

from __future__ import annotations

from datetime import UTC, datetime

from designer.canvas.overlay import OverlayState, RunOverlay
from designer.canvas.overlay.looks import STATUS_COLORS
from designer.runs.formatting import OVERDUE_COLOR

NOON = datetime(2026, 1, 7, 12, tzinfo=UTC)


def _item(step: str, assignee: str, created: str, overdue: bool = False) -> dict:
    return {
        "step": step,
        "assignee": assignee,
        "created_at": created,
        "due_at": "2026-01-07T09:00:00.000000Z",
        "overdue": overdue,
    }


def test_a_failed_step_is_red_with_its_error_in_the_tooltip(canvas):
    overlay = RunOverlay(canvas.scene)

    overlay.apply(
        OverlayState(statuses={"payroll": "failed"}, errors={"payroll": "HR system refused: no id"})
    )

    look = overlay.look_of("payroll")
    assert look.color == STATUS_COLORS["failed"]
    assert "HR system refused: no id" in look.tooltip
    assert canvas.scene.card_item("payroll").childItems()[0].toolTip() == look.tooltip


def test_skipped_and_canceled_steps_are_hatched(canvas):
    overlay = RunOverlay(canvas.scene)

    overlay.apply(OverlayState(statuses={"laptop": "skipped", "accounts": "canceled"}))

    assert overlay.look_of("laptop").hatched
    assert overlay.look_of("accounts").hatched
    assert not overlay.look_of("payroll").hatched  # not started: faded, not hatched


def test_an_overdue_item_says_so_in_red_with_who_and_how_long(canvas):
    overlay = RunOverlay(canvas.scene)

    overlay.apply(
        OverlayState(
            statuses={"contract": "waiting"},
            items={"wi-1": _item("contract", "group:hr", "2026-01-05T09:00:00.000000Z", True)},
            now=NOON,
        )
    )

    look = overlay.look_of("contract")
    assert look.color == STATUS_COLORS["waiting"]
    assert look.label == "hr · 2 d 3 h · overdue"
    assert look.label_color == OVERDUE_COLOR
    assert "double-click" in look.tooltip


def test_a_paused_run_flags_its_stage_in_purple(canvas):
    overlay = RunOverlay(canvas.scene)

    overlay.apply(
        OverlayState(
            statuses={"paperwork": "running"}, current_stage="paperwork", run_status="paused"
        )
    )

    look = overlay.look_of("paperwork")
    assert look.tag == "Paused in this stage"
    assert look.color == STATUS_COLORS["paused"]


def test_a_wait_step_waits_for_its_event_since_it_started(canvas):
    overlay = RunOverlay(canvas.scene)

    overlay.apply(
        OverlayState(
            statuses={"badge": "waiting"},
            started={"badge": "2026-01-07T10:30:00.000000Z"},
            now=NOON,
        )
    )

    assert overlay.look_of("badge").label == "event badge_printed · 1 h 30 min"


def test_a_persons_step_replayed_before_its_item_opens_waits_on_its_assignee(canvas):
    # Given the history moved to just after HR's contract check started (its item is
    # created by the next event)
    overlay = RunOverlay(canvas.scene)

    # When that moment is shown
    overlay.apply(
        OverlayState(
            statuses={"contract": "waiting"},
            started={"contract": "2026-01-07T10:30:00.000000Z"},
            now=NOON,
        )
    )

    # Then the card says whom it waits on, not a timer it does not have
    look = overlay.look_of("contract")
    assert look.label == "hr · 1 h 30 min"
    assert "timer" not in look.tooltip
