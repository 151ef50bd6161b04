"""Files and safety: save and reopen, dirty marker, close prompts, broken files, recovery."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import text_of, two_stages
from gui import drop_mime, drop_palette, open_window
from PySide6.QtCore import QMimeData, QPointF, QUrl
from PySide6.QtWidgets import QMessageBox

import designer.window.files as files_module
from designer.window import MainWindow
from engine.definition import load_definition, save_definition
from engine.validation import Diagnostic


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, tmp_path)


def make_dirty(window: MainWindow) -> None:
    drop_palette(window, "stage", QPointF(400, 500))


def test_save_then_reopen_gives_an_identical_file(window, qtbot, tmp_path):
    make_dirty(window)
    target = tmp_path / "saved.baton.json"
    assert window.files.save_as(target)
    other = MainWindow(recovery_dir=tmp_path / "other")
    qtbot.addWidget(other)
    assert other.files.open_file(target)
    again = tmp_path / "again.baton.json"
    assert other.files.save_as(again)
    assert again.read_text() == target.read_text()
    assert text_of(other.document) == text_of(window.document)


def test_the_title_marks_unsaved_changes_until_saved(window):
    assert not window.isWindowModified()
    make_dirty(window)
    assert window.isWindowModified()
    assert window.files.save()
    assert not window.isWindowModified()
    window.undo_stack.undo()  # back past the save point is a change too
    assert window.isWindowModified()


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(
    window, monkeypatch, dialogs
):
    make_dirty(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible()


def test_closing_and_choosing_save_writes_the_file(window, monkeypatch):
    make_dirty(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert window.close()
    assert text_of(load_definition(window.files.path)) == text_of(window.document)


def test_closing_a_clean_window_asks_nothing(window, dialogs):
    assert window.close()
    assert not [d for d in dialogs if d[0] == "question"]


def test_opening_another_file_with_unsaved_changes_asks_first(window, tmp_path, monkeypatch):
    make_dirty(window)
    before = text_of(window.document)
    other = tmp_path / "other.baton.json"
    save_definition(two_stages(), other)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.files.open_file(other)
    assert text_of(window.document) == before


def test_a_broken_file_shows_the_loaders_error_and_changes_nothing(window, tmp_path, dialogs):
    broken = tmp_path / "broken.baton.json"
    broken.write_text('{"schema": "baton/1", "id": ')
    newer = tmp_path / "newer.baton.json"
    newer.write_text('{"schema": "baton/99", "id": "x"}')
    before, path = text_of(window.document), window.files.path
    for bad in (broken, newer):
        assert not window.files.open_file(bad)
        assert text_of(window.document) == before and window.files.path == path
    errors = [text for kind, text in dialogs if kind == "critical"]
    assert "line 1" in errors[0] and "broken.baton.json" in errors[0]
    assert "newer.baton.json" in errors[1]
    assert broken.read_text() == '{"schema": "baton/1", "id": '


def test_saving_a_definition_with_errors_is_allowed_but_warns(window, monkeypatch, dialogs):
    problem = Diagnostic("error", "unreachable", "approval", None, "nothing leads here")
    monkeypatch.setattr(files_module, "validate", lambda definition: [problem])
    make_dirty(window)
    assert window.files.save()
    assert not window.isWindowModified()
    (warning,) = [text for kind, text in dialogs if kind == "warning"]
    assert "1 error" in warning and "unreachable" in warning
    assert window.scene.node_item("approval").badge == "error"
    assert window._counts_label.text().startswith("1 error")


def test_dropping_a_file_onto_the_window_opens_it(window, tmp_path):
    other_definition = two_stages().model_copy(update={"name": "Dropped"})
    other = tmp_path / "dropped.baton.json"
    save_definition(other_definition, other)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    drop_mime(window, mime, QPointF(300, 300))
    assert window.files.path == other.resolve()
    assert window.document.definition.name == "Dropped"


def test_unsaved_work_is_offered_back_after_a_crash(qtbot, tmp_path, monkeypatch):
    recovery = tmp_path / "recovery"
    crashed = open_window(qtbot, tmp_path)
    make_dirty(crashed)
    assert crashed.files.autosave()
    unsaved = text_of(crashed.document)
    # the crash: no cleanup
    crashed.files.recovery = type(crashed.files.recovery)(tmp_path / "elsewhere")
    crashed.undo_stack.setClean()
    crashed.close()
    assert list(recovery.glob("*.baton.json"))

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    restarted = MainWindow(recovery_dir=recovery)
    qtbot.addWidget(restarted)
    assert restarted.files.offer_recovery()
    assert text_of(restarted.document) == unsaved
    assert restarted.files.path == crashed.files.path
    assert restarted.isWindowModified()  # restored work is not saved yet
    assert restarted.files.save()
    assert not any(
        p.name.endswith(".baton.json") and p != restarted.files.recovery.path
        for p in recovery.glob("*")
    )


def test_autosave_writes_nothing_when_there_is_nothing_unsaved(window):
    assert not window.files.autosave()
    assert not Path(window.files.recovery.path).exists()


def test_recent_files_remember_what_was_opened(window):
    assert window.files.recent_files()[0] == str(window.files.path)
    assert window.files.recent_menu.actions()[0].text() == str(window.files.path)


def test_dock_layout_and_view_options_are_remembered_for_the_next_window(window, qtbot, tmp_path):
    window.palette_dock.hide()
    window.canvas.minimap_action.trigger()  # off
    assert window.close()
    again = MainWindow(recovery_dir=tmp_path / "again")
    qtbot.addWidget(again)
    again.show()
    assert not again.palette_dock.isVisible()
    assert not again.canvas.minimap_action.isChecked() and not again.view.minimap.isVisible()


def test_a_recovery_file_of_a_designer_still_running_is_not_offered(tmp_path):
    import json
    import subprocess
    import sys

    from designer.window.recovery import RecoveryStore

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        store = RecoveryStore(tmp_path)
        store.write(two_stages(), None)
        meta = store.path.with_name(store.path.name.replace(".baton.json", ".meta.json"))
        data = json.loads(meta.read_text())
        meta.write_text(json.dumps({**data, "pid": live.pid}))
        assert RecoveryStore(tmp_path).pending() == []
        meta.write_text(json.dumps({**data, "pid": 2**22 + 12345}))  # no such process
        assert len(RecoveryStore(tmp_path).pending()) == 1
    finally:
        live.kill()


def test_autosave_in_the_background_writes_the_unsaved_work(window, qtbot):
    # Given unsaved work
    make_dirty(window)
    recovery = window.files.recovery

    # When the autosave timer's way of saving runs (serializing on a thread)
    assert window.files.autosave_in_background()
    qtbot.waitUntil(lambda: not recovery.writing(), timeout=20_000)

    # Then the recovery file holds exactly the unsaved work
    assert text_of(load_definition(recovery.path)) == text_of(window.document)


def test_saving_during_a_background_autosave_leaves_no_recovery_file(window, qtbot, tmp_path):
    # Given a background autosave under way
    make_dirty(window)
    recovery = window.files.recovery
    assert window.files.autosave_in_background()

    # When the user saves before (or while) it writes
    assert window.files.save_as(tmp_path / "saved.baton.json")
    qtbot.waitUntil(lambda: not recovery.writing(), timeout=20_000)

    # Then nothing is left to offer back after a restart
    assert not Path(recovery.path).exists()
