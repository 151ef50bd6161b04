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


def test_the_dialogs_muted_and_error_texts_read_in_the_dark_theme(qtbot, bridge, onboarding):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from designer.canvas import theme
    from designer.window.appearance import window_palette

    app = QApplication.instance()
    before = app.palette()
    app.setPalette(window_palette(True))  # what View ▸ Theme ▸ Dark sets
    try:
        # Given the start-run dialog in Dark, with the required email left out
        dialog = _dialog(qtbot, bridge, onboarding)
        qtbot.waitUntil(lambda: "starts the active version" in dialog.about.text(), timeout=10_000)
        qtbot.keyClicks(dialog.form.editor("employee"), "Hana Ito")
        dialog.start()
        error = dialog.findChild(type(dialog.about), "error_email")
        assert error is not None and error.isVisible()

        # Then the description (muted) and the inline error both read at 4.5:1 or better
        # (a fixed grey read at 2.3:1 there, the error red at 3.5:1)
        back = dialog.palette().color(QPalette.ColorRole.Window)
        for label in (dialog.about, error):
            label.ensurePolished()
            color = label.palette().color(QPalette.ColorRole.WindowText)
            assert theme.contrast(color, back) >= 4.5, (label.objectName(), color.name())
    finally:
        app.setPalette(before)
