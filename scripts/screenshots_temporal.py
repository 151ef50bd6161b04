"""The scale-out page's screenshots: the designer on a Temporal runtime.

Run through `scripts/screenshots.sh` (Xvfb at each size and theme), after
`scripts/screenshots.py`. It starts a Temporal dev server (on 7233 when free, as the page
says, else on a free port), a Baton worker, and a catalogue with the walkthrough's people
and two onboarding runs (Ada and Bo), then photographs File ▸ Connect to engine… filled in
for Temporal and Hanna's inbox with Ada's contract check open. Without the `temporal`
extra it says so and saves nothing. Documentation images, not tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the dev server and worker helpers of the test suite
ONBOARDING = ROOT / "resources/examples/employee_onboarding.baton.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    args = parser.parse_args(argv)
    from tests.engine.temporal.server import DevServer, find_temporal

    binary = find_temporal()
    if binary is None:
        print("screenshots_temporal: the `temporal` extra is not installed; no pictures")
        return 0
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="baton-shots-temporal-"))
    os.environ["HOME"] = str(scratch)  # the status bar shows ~/scale-out/catalogue.db
    folder = scratch / "scale-out"
    folder.mkdir()
    shutil.copy(ONBOARDING, folder)
    os.environ["BATON_RECOVERY_DIR"] = str(scratch / "recovery")
    os.environ["BATON_OUTBOX"] = str(scratch / "outbox")
    os.environ.pop("BATON_TASK_QUEUE", None)
    server = DevServer(binary, port=7233 if _free(7233) else None)
    try:
        return _photograph(server, folder, args.out, (width, height), args.theme == "dark")
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _photograph(server, folder: Path, out: Path, size: tuple[int, int], dark: bool) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from engine.definition import load_definition
    from engine.runtime import Engine
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine
    from tests.engine.temporal.runtimes import WorkerThread

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder.parent / "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Baton")
    worker = WorkerThread(server.target, "default", "baton")
    catalogue = Engine(str(folder / "catalogue.db"))
    cli = TemporalEngine(TemporalAddress(server.target, "default"), catalogue)
    try:
        cli.add_user("me", role="admin")
        cli.add_user("hanna", groups=["hr"])
        cli.add_user("ivan", groups=["it"], queues=["it_service_desk"])
        cli.add_user("manager")
        cli.activate(load_definition(folder / ONBOARDING.name))
        for name, laptop in (("Ada", False), ("Bo", True)):
            inputs = {"employee": name, "email": f"{name.lower()}@example.com"}
            cli.start("employee_onboarding", {**inputs, "needs_laptop": laptop})
        runtime = f"temporal://localhost:{server.port}/default"
        Camera(app, out, size, dark).take(folder, runtime)
    finally:
        cli.close()
        worker.stop()
    return 0


class Camera:
    """The designer window as the page's reader sees it, and the pictures."""

    def __init__(self, app, out: Path, size: tuple[int, int], dark: bool) -> None:
        self.app, self.out, self.size, self.dark = app, out, size, dark

    def settle(self, rounds: int = 20) -> None:
        for _ in range(rounds):
            self.app.processEvents()
            time.sleep(0.02)

    def wait_for(self, ready: Callable[[], bool], seconds: float = 60.0) -> None:
        end = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > end:
                raise SystemExit("screenshots_temporal: the designer did not get there in time")
            self.settle(2)

    def save(self, widget, name: str) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"saved {path}")

    def take(self, folder: Path, runtime: str) -> None:
        from PySide6.QtCore import QDate, Qt
        from PySide6.QtWidgets import QRadioButton, QScrollArea

        from designer.window import MainWindow

        # `BATON_USER=hanna baton designer employee_onboarding.baton.json`, in the folder.
        os.chdir(folder)
        os.environ.update(BATON_RUNTIME=runtime, BATON_DB="catalogue.db", BATON_USER="hanna")
        window = MainWindow()
        window.resize(*self.size)
        window.show()
        window.appearance.use("dark" if self.dark else "light")
        assert window.files.open_file(folder / ONBOARDING.name)
        live = window.live
        try:
            dialog = live.open_connect_dialog()
            dialog.test_connection()
            self.wait_for(lambda: not dialog.testing())
            self.save(dialog, "temporal-connect")
            dialog.reject()

            live.show_dock("inbox")
            inbox = live.inbox
            inbox.separate_guide.setChecked(False)  # the guide beside the list: one picture
            self.wait_for(lambda: inbox.list.topLevelItemCount() == 2)
            window.resizeDocks([live.docks["inbox"]], [int(self.size[1] * 0.55)],
                               Qt.Orientation.Vertical)  # fmt: skip
            rows = [inbox.list.topLevelItem(i) for i in range(2)]
            ada = next(row for row in rows if row.text(1) == "Ada")
            inbox.open_item(ada.data(0, Qt.ItemDataRole.UserRole))
            form = inbox.guide
            self.wait_for(lambda: form.form is not None and form.form.isVisible())
            # Step 5 of the page, half done: approve chosen, the start date set.
            form.form.editor("decision").findChild(QRadioButton, "choice_approve").click()
            form.form.editor("start_date").setDate(QDate(2026, 3, 2))
            self.settle()
            for scroll in form.findChildren(QScrollArea):  # at 1024x700 the answer is below
                scroll.ensureWidgetVisible(form.form)
            window.view.fit()
            self.save(window, "temporal-inbox")
        finally:
            live.close()
            window.close()
            self.settle(5)


if __name__ == "__main__":
    code = main()
    # The Temporal client's threads can abort the interpreter's teardown
    # (temporalio/sdk-python#300), as `baton` itself avoids: leave without one.
    sys.stdout.flush()
    os._exit(code)
