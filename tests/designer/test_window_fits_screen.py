"""The main window opens inside the screen it is on, however small (issue 19).

Tests run on Qt's offscreen platform, whose screen is 800x800: smaller than the window's
preferred 1440x900, as a 1024x700 laptop or remote desktop is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMainWindow

from designer.window import MainWindow
from designer.window.settings import designer_settings


def _available():
    return QApplication.primaryScreen().availableGeometry()


def test_a_first_start_on_a_small_screen_opens_inside_it(qtbot, tmp_path):
    # Given a screen smaller than the designer's preferred 1440x900
    assert _available().width() < 1440 or _available().height() < 900

    # When the designer starts for the first time and shows its window
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    QApplication.processEvents()

    # Then the whole window, frame included, is on the screen
    assert _available().contains(window.frameGeometry()), (window.frameGeometry(), _available())


def test_a_size_saved_on_a_bigger_screen_is_pulled_back_onto_this_one(qtbot, tmp_path):
    # Given a window layout saved on a big monitor (1440x900 at 300,200)
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(300, 200, 1440, 900)
    designer_settings().setValue("window/geometry", big.saveGeometry())

    # When the designer starts again on the small screen
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    QApplication.processEvents()

    # Then the restored window fits the screen
    assert _available().contains(window.frameGeometry()), (window.frameGeometry(), _available())


def test_a_size_the_user_chose_after_opening_is_kept(qtbot, tmp_path):
    # Given a window the program (or a test) sized explicitly before showing it
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(700, 500)

    # When it is shown
    window.show()
    QApplication.processEvents()

    # Then it keeps that size
    assert (window.width(), window.height()) == (700, 500)


def test_the_roomy_dialogs_open_inside_a_small_screen(qtbot, tmp_path):
    # Given the designer on the small screen with the onboarding example open
    from pathlib import Path

    from designer.live.audit_dialog import AuditLogDialog
    from designer.screens import FRAME_ALLOWANCE

    example = Path(__file__).parents[2] / "resources/examples/employee_onboarding.baton.json"
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(example)

    # When the newcomer opens Run ▸ Simulate… and the audit log
    simulate = window.live.simulate()
    audit = AuditLogDialog(window.live.ensure_bridge(), "ada", window)
    qtbot.addWidget(audit)

    # Then each fits the screen with room for a window frame (1500x900 ran off a 1024x700
    # screen, its buttons out of reach)
    room = _available().size() - FRAME_ALLOWANCE
    for dialog in (simulate, audit):
        size = dialog.size()
        assert size.width() <= room.width() and size.height() <= room.height(), (dialog, size)
    simulate.close()
