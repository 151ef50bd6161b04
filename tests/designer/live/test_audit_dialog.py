"""Run ▸ Audit log…: an admin reads who changed the catalogue, filters it and pages back."""

from __future__ import annotations

from designer.live.audit_dialog import PAGE, AuditLogDialog
from designer.live.bridge import EngineBridge
from designer.window import MainWindow


def _open(qtbot, bridge, actor="root") -> AuditLogDialog:
    dialog = AuditLogDialog(bridge, actor)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    return dialog


def _column(dialog: AuditLogDialog, column: int) -> list[str]:
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def _reload(qtbot, dialog: AuditLogDialog, action) -> None:
    dialog.message.clear()
    action()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)


def test_the_newest_admin_actions_are_listed_first_with_who_did_them(qtbot, engine, bridge):
    engine.add_user("maria", role="operator", actor="root")
    engine.deactivate_user("bob", actor="root")

    dialog = _open(qtbot, bridge)

    assert _column(dialog, 3)[:2] == ["user.deactivated", "user.added"]
    assert _column(dialog, 4)[:2] == ["bob", "maria"]
    assert _column(dialog, 2)[:2] == ["root", "root"]
    assert "role=operator" in _column(dialog, 5)[1]


def test_filters_narrow_the_list_to_one_kind_and_one_subject(qtbot, engine, bridge):
    engine.deactivate_user("bob", actor="root")
    engine.deactivate("employee_onboarding", actor="root")
    dialog = _open(qtbot, bridge)

    _reload(qtbot, dialog, lambda: dialog.kind.setCurrentIndex(dialog.kind.findData("definition.")))
    kinds = set(_column(dialog, 3))
    dialog.kind.setCurrentIndex(0)
    qtbot.keyClicks(dialog.subject, "bob")
    _reload(qtbot, dialog, dialog.subject.returnPressed.emit)

    assert kinds == {"definition.activated", "definition.deactivated"}
    assert set(_column(dialog, 4)) == {"bob"}


def test_older_entries_come_a_page_at_a_time(qtbot, engine, bridge):
    for number in range(PAGE + 5):
        engine.add_user(f"temp{number}", actor="root")
    dialog = _open(qtbot, bridge)
    assert dialog.table.rowCount() == PAGE and dialog.older_button.isEnabled()
    newest_first = [int(n) for n in _column(dialog, 0)]

    _reload(qtbot, dialog, dialog.older_button.click)

    numbers = [int(n) for n in _column(dialog, 0)]
    assert len(numbers) > PAGE and numbers[:PAGE] == newest_first
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    assert not dialog.older_button.isEnabled()


def test_someone_who_is_not_an_admin_is_told_why_when_roles_are_enforced(
    qtbot, engine, db_url, clock, monkeypatch
):
    monkeypatch.setenv("BATON_ROLES", "enforce")
    enforced = EngineBridge(db_url, clock=clock, poll_ms=100)
    qtbot.waitUntil(enforced.is_ready, timeout=10_000)
    try:
        dialog = _open(qtbot, enforced, actor="alice")

        assert dialog.table.rowCount() == 0
        assert "'alice' may not read the audit log" in dialog.message.text()
    finally:
        enforced.close()


def test_the_run_menu_opens_the_audit_log(qtbot, tmp_path):
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    assert window.live.audit_action in run_menu.actions()

    window.live.audit_action.trigger()

    dialog = window.findChild(AuditLogDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    dialog.close()
    window.live.close()


def test_times_read_as_in_every_other_list_with_the_exact_one_on_hover(qtbot, engine, bridge):
    # Given an admin action in the log
    engine.add_user("maria", role="operator", actor="root")

    # When the audit log opens
    dialog = _open(qtbot, bridge)

    # Then its time reads like the runs' and the history's (no microseconds or Z), and
    # the stored time is in the tooltip
    shown, stored = dialog.table.item(0, 1).text(), dialog.shown[0]["time"]
    assert len(shown) == len("2026-01-05 09:00") and shown[10] == " "
    assert stored.startswith(shown.replace(" ", "T"))
    assert dialog.table.item(0, 1).toolTip() == stored
