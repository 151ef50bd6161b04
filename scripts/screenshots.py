"""The documentation's screenshots, taken from the real designer on a real X server.

Run through `scripts/screenshots.sh`, which starts Xvfb at each screen size and theme. One
run stages a week of onboarding runs in a fresh SQLite file (a virtual clock a few days
behind the wall clock, so ages read as days), opens the designer window at the screen's
size and saves each picture the docs show into `--out`. Documentation images, not tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONBOARDING = ROOT / "resources/examples/employee_onboarding.baton.json"
SCENARIO = ROOT / "resources/examples/employee_onboarding.scenario.json"
APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    scratch = Path(tempfile.mkdtemp(prefix="baton-shots-"))
    # A newcomer's home: the status bar shows ~/Documents/... and the default database,
    # never this machine's scratch folder.
    os.environ["HOME"] = str(scratch)
    database = scratch / ".local" / "share" / "baton" / "baton.db"
    database.parent.mkdir(parents=True)
    os.environ["BATON_DB"] = f"sqlite:///{database}"
    os.environ["BATON_RECOVERY_DIR"] = str(scratch / "recovery")
    os.environ["BATON_USER"] = "hr_lead"  # the inbox acts as the HR lead (escalations land there)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(scratch / "settings"))
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Baton")
    try:
        shots = Shots(app, scratch, args.out, (width, height), args.theme == "dark")
        try:
            shots.take_all()
        finally:
            shots.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


class Shots:
    """One window, one staged database, every picture."""

    def __init__(self, app, scratch: Path, out: Path, size: tuple[int, int], dark: bool) -> None:
        from designer.window import MainWindow
        from engine.definition import load_definition
        from engine.runtime import Engine, VirtualClock

        self.app, self.out, self.size = app, out, size
        self.definition = load_definition(ONBOARDING)
        self.path = scratch / "Documents" / ONBOARDING.name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ONBOARDING, self.path)
        shutil.copy(SCENARIO, self.path.parent / SCENARIO.name)
        self.clock = VirtualClock(datetime.now(UTC) - timedelta(days=5))
        self.engine = Engine(os.environ["BATON_DB"], clock=self.clock)
        self.runs = _stage_week(self.engine, self.clock, self.definition)
        self.window = MainWindow()
        self.window.resize(*size)
        self.window.show()
        self.window.appearance.use("dark" if dark else "light")
        self.settle()
        assert self.window.files.open_file(self.path)
        self.settle()

    def close(self) -> None:
        """Close the window (its engine thread stops) and the staging engine."""
        self.window.close()
        self.settle(5)
        self.engine.close()

    def settle(self, rounds: int = 20) -> None:
        """Let queued events, deferred fits and the engine bridge's replies arrive."""
        import time

        for _ in range(rounds):
            self.app.processEvents()
            time.sleep(0.02)

    def wait_for(self, ready: Callable[[], bool], seconds: float = 5.0) -> None:
        import time

        end = time.monotonic() + seconds
        while not ready() and time.monotonic() < end:
            self.settle(2)

    def save(self, widget, name: str) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"saved {path}")

    def roomy(self, dock, share: float = 0.5) -> None:
        """Give a bottom dock a share of the window's height, as a user looking at it would."""
        from PySide6.QtCore import Qt

        height = int(self.size[1] * share)
        self.window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        self.settle()

    def take_all(self) -> None:
        window, live = self.window, self.window.live
        self.save(window, "designer-onboarding")

        live.show_dock("runs")
        inbox_counts: list[int] = []
        live.inbox.count_changed.connect(inbox_counts.append)
        self.wait_for(lambda: live.runs.model.rowCount() >= len(self.runs))
        self.roomy(live.docks["runs"])
        self.save(live.docks["runs"], "live-runs-panel")

        self.roomy(live.docks["runs"], 0.25)
        live.runs.select_run(self.runs["Ann Lee"])
        self.wait_for(lambda: live.monitor is not None and live.monitor.overlay.active)
        window.view.fit()
        self.save(window, "overlay-run")

        live.show_dock("history")
        dee = self.runs["Dee Evans"]
        live.runs.select_run(dee)
        history = live.history
        # Dee's own log, not the run shown before hers (its rows would pass a bare count).
        self.wait_for(lambda: history.run_id == dee and dee in history.title.text())
        self.wait_for(lambda: history.model.rowCount() > 20)
        self.roomy(live.docks["history"])
        # Mid-history: her laptop prepared, accounts still open. Set after the dock is
        # resized and the log settled, so a late reply cannot move it back to the end.
        history.slider.setValue(21)
        self.settle()
        if history.slider.value() != 21:
            raise SystemExit("screenshots: the history slider did not stay at event 21")
        self.save(live.docks["history"], "live-history")

        live.show_dock("inbox")
        self.wait_for(lambda: bool(inbox_counts and inbox_counts[-1]))
        live.inbox.open_item(self.engine.work_items("hr_lead")[0]["id"])
        self.wait_for(lambda: live.inbox.guide_window is not None)
        self.roomy(live.docks["inbox"])
        self.save(live.docks["inbox"], "live-inbox")
        self.save(live.inbox.guide_window, "live-work-guide")
        live.inbox.guide_window.close()

        live.runs.table.clearSelection()  # no run's overlay: the heat of all of them
        heatmap = live.heatmap
        live.show_dock("heatmap")
        self.roomy(live.docks["heatmap"], 0.25)
        heatmap.refresh()
        self.wait_for(lambda: heatmap.aggregate is not None)
        heatmap.show_button.setChecked(True)
        self.settle()
        window.view.fit()
        self.save(window, "overlay-heatmap")
        live.docks["heatmap"].hide()

        self._start_run_dialog()
        self._bulk_reassign_dialog()
        self._simulation()

    def _start_run_dialog(self) -> None:
        from PySide6.QtTest import QTest

        from designer.live.start_run_dialog import StartRunDialog

        dialog = StartRunDialog(
            self.window.live.ensure_bridge(), self.definition, actor="ops", parent=self.window
        )
        dialog.show()
        QTest.keyClicks(dialog.form.editor("employee"), "Hana Ito")
        dialog.start()  # the email is missing: the inline error shows
        self.save(dialog, "live-start-run-dialog")
        dialog.reject()

    def _bulk_reassign_dialog(self) -> None:
        runs = self.window.live.runs
        runs.bulk_reassign(source="user:hannah")
        self.wait_for(lambda: runs.dialog is not None and runs.dialog.isVisible())
        runs.dialog.to.setCurrentText("user:alice")
        self.save(runs.dialog, "live-bulk-reassign-dialog")
        runs.dialog.reject()

    def _simulation(self) -> None:
        dialog = self.window.live.simulate()
        dialog.resize(*self.size)
        assert dialog.run()
        self.wait_for(lambda: dialog.thread is None, seconds=120)
        self.save(dialog, "simulation-results")
        dialog.tabs.setCurrentIndex(1)
        self.save(dialog, "simulation-heatmap")
        dialog.close()


def _stage_week(engine, clock, definition) -> dict[str, str]:
    """A week of onboarding runs in every state an operator meets (as the docs tell)."""
    engine.add_user("alice", groups=["hr"])
    engine.add_user("hr_lead", groups=["hr"])
    engine.add_user("hannah", groups=["hr"])
    engine.add_user("bob", groups=["it"])
    engine.add_user("dan", queues=["it_service_desk"])
    engine.add_user("manager")
    engine.activate(definition)

    def start(name: str) -> str:
        email = name.lower().replace(" ", ".") + "@example.com"
        return engine.start("employee_onboarding", {"employee": name, "email": email})

    def item(run_id: str, step: str) -> str:
        return next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)

    def later(hours: float) -> None:
        clock.advance(timedelta(hours=hours))

    runs: dict[str, str] = {}
    for name in ("Dee Evans", "Eli Fox", "Bo Chen", "Fay Gold", "Cy Diaz", "Gus Hill", "Ann Lee"):
        runs[name] = start(name)
        later(7.3)
    for name in ("Dee Evans", "Bo Chen", "Cy Diaz", "Ann Lee"):
        engine.complete_item(item(runs[name], "contract"), "alice", APPROVE)
        later(2.5)
        engine.send_event("badge_printed", name, actor="badge-printer")
        later(1)
    dee = runs["Dee Evans"]
    engine.complete_item(item(dee, "laptop"), "bob", {"asset_tag": "LT-0412"})
    later(3)
    engine.complete_item(item(dee, "accounts"), "dan")
    later(5)
    engine.complete_item(item(dee, "plan"), "manager", {"buddy": "Rita"})
    later(1.5)
    engine.complete_item(item(runs["Cy Diaz"], "laptop"), "bob", {"asset_tag": "LT-0413"})
    engine.complete_item(item(runs["Ann Lee"], "laptop"), "bob", {"asset_tag": "LT-1234"})
    later(0.5)
    engine.complete_item(item(runs["Cy Diaz"], "accounts"), "dan")
    engine.cancel(runs["Eli Fox"], "offer withdrawn by the candidate", actor="ops")
    engine.pause(runs["Fay Gold"], actor="ops")
    runs["Ivy Park"] = start("Ivy Park")  # HR has not checked her contract yet
    engine.advance(clock.now() + timedelta(days=2, hours=2))
    engine.reassign(item(runs["Gus Hill"], "contract"), "user:hannah", actor="ops")
    engine.deactivate_user("hannah")
    return runs


if __name__ == "__main__":
    sys.exit(main())
