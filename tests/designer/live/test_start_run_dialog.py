"""Starting a run from Run ▸ Start run…, as an admin would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit

from designer.live.start_run_dialog import StartRunDialog


def _dialog(qtbot, bridge, onboarding) -> StartRunDialog:
    dialog = StartRunDialog(bridge, onboarding, actor="root")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_form_has_one_typed_widget_per_input_with_defaults(qtbot, bridge, onboarding):
    dialog = _dialog(qtbot, bridge, onboarding)

    assert isinstance(dialog.form.editor("employee"), QLineEdit)
    assert isinstance(dialog.form.editor("needs_laptop"), QCheckBox)
    assert dialog.form.editor("needs_laptop").isChecked()  # default true
    assert [f.name for f in dialog.form.fields] == ["employee", "email", "needs_laptop"]


def test_a_missing_required_input_is_marked_inline_and_starts_nothing(
    qtbot, bridge, engine, onboarding
):
    dialog = _dialog(qtbot, bridge, onboarding)
    qtbot.keyClicks(dialog.form.editor("employee"), "Ann Lee")

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    error = dialog.form.findChild(type(dialog.banner), "error_email")
    assert error.isVisible() and error.text() == "Required."
    assert dialog.banner.isVisible() and dialog.result() == 0
    qtbot.wait(150)
    assert engine.runs() == []


def test_start_creates_the_run_and_returns_its_id(qtbot, bridge, engine, onboarding):
    dialog = _dialog(qtbot, bridge, onboarding)
    qtbot.keyClicks(dialog.form.editor("employee"), "Ann Lee")
    qtbot.keyClicks(dialog.form.editor("email"), "ann@example.com")
    dialog.form.editor("needs_laptop").setChecked(False)

    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    run = engine.run(dialog.run_id)
    assert run["variables"]["employee"] == "Ann Lee"
    assert run["variables"]["needs_laptop"] is False
    assert engine.log(dialog.run_id)[0]["actor"] == "root"


def test_an_engine_refusal_is_shown_in_the_dialog(qtbot, bridge, engine, onboarding):
    engine.deactivate("employee_onboarding")
    dialog = _dialog(qtbot, bridge, onboarding)
    qtbot.waitUntil(lambda: "is not active" in dialog.banner.text(), timeout=10_000)
    qtbot.keyClicks(dialog.form.editor("employee"), "Ann Lee")
    qtbot.keyClicks(dialog.form.editor("email"), "ann@example.com")

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "no active orchestration" in dialog.banner.text(), timeout=10_000)
    assert dialog.start_button.isEnabled() and dialog.run_id is None
    assert engine.runs() == []


def test_the_dialog_names_the_version_that_will_run(qtbot, bridge, engine, onboarding):
    engine.activate(onboarding.model_copy(update={"description": "Second edition."}))  # v2

    dialog = _dialog(qtbot, bridge, onboarding)

    qtbot.waitUntil(lambda: "the active version, v2" in dialog.about.text(), timeout=10_000)
