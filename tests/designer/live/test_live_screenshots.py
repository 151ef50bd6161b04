"""Pictures of each live widget with a realistic week of runs, for review and the README.

Saved under tests/artifacts/ (git-ignored). Each test also checks the picture shows the
data it was built from, so a blank or empty render fails.
"""

from __future__ import annotations

import pytest
from live_helpers import ARTIFACTS, item_of, populate
from PySide6.QtWidgets import QWidget

from designer.live.editors import FieldSpec
from designer.live.history import RunHistoryPanel
from designer.live.inbox import InboxPanel
from designer.live.runs_panel import RunsPanel
from designer.live.start_run_dialog import StartRunDialog
from designer.live.typed_form import TypedForm


def _save(qtbot, widget: QWidget, name: str) -> None:
    qtbot.wait(50)  # let layouts settle
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000


@pytest.fixture
def week(engine, clock):
    return populate(engine, clock)


def test_runs_panel_picture(qtbot, bridge, onboarding, week):
    panel = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(panel)
    panel.resize(1280, 360)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(week), timeout=10_000)
    panel.select_run(week["Bo Chen"])
    _save(qtbot, panel, "runs_panel")


def test_inbox_picture(qtbot, bridge, engine, week):
    inbox = InboxPanel(bridge)
    qtbot.addWidget(inbox)
    inbox.resize(1280, 640)
    inbox.show()
    qtbot.waitUntil(lambda: inbox.user_combo.count() > 0, timeout=10_000)
    inbox.set_acting_user("hr_lead")
    qtbot.waitUntil(lambda: len(inbox.item_ids()) >= 2, timeout=10_000)
    inbox.open_item(item_of(engine, week["Ann Lee"], "contract"))
    qtbot.waitUntil(
        lambda: inbox.guide.context is not None or inbox.guide.banner.isVisible(), timeout=10_000
    )
    assert inbox.guide.context is not None, inbox.guide.banner.text()
    _save(qtbot, inbox, "inbox")


def test_history_picture(qtbot, bridge, engine, week):
    panel = RunHistoryPanel(bridge)
    qtbot.addWidget(panel)
    panel.resize(1100, 520)
    panel.show()
    with qtbot.waitSignal(panel.moment_changed, timeout=10_000):
        panel.set_run(week["Dee Evans"])
    panel.slider.setValue(12)
    _save(qtbot, panel, "history")


def test_start_run_dialog_picture(qtbot, bridge, onboarding):
    dialog = StartRunDialog(bridge, onboarding, actor="ops")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.form.editor("employee"), "Hana Ito")
    dialog.start()  # email missing: the inline error shows
    _save(qtbot, dialog, "start_run_dialog")


def test_bulk_reassign_dialog_picture(qtbot, bridge, onboarding, week):
    panel = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(panel)
    panel.show()
    panel.bulk_reassign(source="user:hannah")
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=10_000)
    panel.dialog.to.setCurrentText("user:alice")
    _save(qtbot, panel.dialog, "bulk_reassign_dialog")


def test_every_field_type_picture(qtbot, clock):
    fields = [
        FieldSpec("customer", "text", required=True, description="Account name as in the CRM."),
        FieldSpec("discount", "number", required=True, default=12.5),
        FieldSpec("seats", "number"),
        FieldSpec("renewal", "boolean", default=True),
        FieldSpec("close_date", "date", required=True),
        FieldSpec("call_at", "datetime"),
        FieldSpec("region", choices=("emea", "amer", "apac"), required=True),
        FieldSpec("tier", choices=("bronze", "silver", "gold", "platinum", "diamond")),
        FieldSpec("terms", "json", default={"net": 30}),
    ]
    form = TypedForm(fields, today=clock.now())
    qtbot.addWidget(form)
    form.resize(520, 480)
    form.show()
    form.editor("terms").setPlainText('{"net": 30,')  # invalid JSON shows red
    assert form.values() is None  # region is required and the JSON is broken
    _save(qtbot, form, "typed_form")
