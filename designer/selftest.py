"""`baton selftest`: prove an installation works end to end, without a display.

Checks, in order, each printed as one line: the version metadata is present, Qt starts (on
the offscreen platform when there is no display), the designer window opens a bundled
example and draws every node and step, icons render (Qt's SVG plugins are there), the
definition validates, 10 simulated runs go through the real runtime, and the diagram renders
to a PNG at 2x and an SVG with its Markdown document. The first failure stops the test with
one clear line and exit code 1. The same command checks a developer install and the desktop
bundle (packaging/smoke_test.sh), so a module or Qt plugin PyInstaller left out shows here.

The user's own settings, recent files and recovery files are never touched: the window runs
with both pointed at a temporary folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from engine.resources import example_path

DEFAULT_EXAMPLE = "employee_onboarding.baton.json"
SIMULATED_RUNS = 10


class SelfTestFailure(Exception):
    """One check failed; the message says what was expected and what was found."""


def register(app: typer.Typer) -> None:
    """Attach `baton selftest` to the engine's CLI (entry-point group `baton.cli`)."""

    @app.command("selftest")
    def selftest_command(
        file: Annotated[
            Path | None,
            typer.Argument(help="A .baton.json to test with (default: a bundled example)."),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Keep the rendered PNG, SVG and Markdown in this folder."),
        ] = None,
    ) -> None:
        """Open an example offscreen, validate, simulate 10 runs, render a PNG; exit 0 if ok."""
        raise typer.Exit(run_selftest(file, out, echo=typer.echo))


def run_selftest(file: Path | None, out: Path | None, echo: Callable[[str], None] = print) -> int:
    """Run every check; 0 when all pass, 1 (after one clear line) on the first failure."""
    example = file or example_path(DEFAULT_EXAMPLE)
    with tempfile.TemporaryDirectory(prefix="baton-selftest-") as scratch:
        folder = out or Path(scratch) / "out"
        folder.mkdir(parents=True, exist_ok=True)
        checks = _Checks(example, folder, Path(scratch), echo)
        try:
            checks.run_all()
        except SelfTestFailure as exc:
            echo(f"baton selftest: FAILED: {exc}")
            return 1
        finally:
            checks.close()
    echo(f"baton selftest: all checks passed{f' (files in {out})' if out else ''}")
    return 0


class _Checks:
    """The checks in order; state (window, definition) is shared from one to the next."""

    def __init__(
        self, example: Path | None, out: Path, scratch: Path, echo: Callable[[str], None]
    ) -> None:
        self.example, self.out, self.scratch, self.echo = example, out, scratch, echo
        self.window = None
        self.definition = None

    def run_all(self) -> None:
        for name, check in (
            ("version", self.version),
            ("qt", self.qt),
            ("open", self.open_example),
            ("icons", self.icons),
            ("validate", self.validate),
            ("simulate", self.simulate),
            ("png", self.png),
            ("markdown", self.markdown),
        ):
            try:
                detail = check()
            except SelfTestFailure as exc:
                raise SelfTestFailure(f"{name}: {exc}") from exc
            except Exception as exc:  # any crash inside a check is that check's failure
                raise SelfTestFailure(f"{name}: {type(exc).__name__}: {exc}") from exc
            self.echo(f"selftest: ok  {name:<9} {detail}")

    def version(self) -> str:
        from engine.cli.app import baton_version

        found = baton_version()
        if found == "0+unknown":
            raise SelfTestFailure("no package metadata for baton-studio (dist-info missing)")
        return f"baton {found}"

    def qt(self) -> str:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QSettings

        from designer.headless import application

        # Before any window reads settings: keep the user's settings and recent files apart.
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(self.scratch / "settings"))
        app = application()
        return f"PySide6 {pyside_version} on the {app.platformName()} platform"

    def open_example(self) -> str:
        from designer.window import MainWindow
        from engine.definition import load_definition

        if self.example is None:
            raise SelfTestFailure(
                f"the bundled example {DEFAULT_EXAMPLE} is missing from this installation;"
                " reinstall Baton, or name a .baton.json to test with"
            )
        if not self.example.is_file():
            raise SelfTestFailure(f"{self.example} not found")
        # Loading first turns a broken file into a clear error instead of a modal message box.
        self.definition = load_definition(self.example)
        self.window = MainWindow(recovery_dir=self.scratch / "recovery")
        if not self.window.files.open_file(self.example, confirmed=True):
            raise SelfTestFailure(f"the window did not open {self.example}")
        self.window.show()
        _process_events()
        nodes, cards, _flows = self.window.scene.counts()
        expected = (len(self.definition.nodes), len(self.definition.steps()))
        if (nodes, cards) != expected:
            raise SelfTestFailure(f"drew {nodes} nodes and {cards} steps, expected {expected}")
        return f"{self.example.name}: {nodes} nodes, {cards} steps drawn"

    def icons(self) -> str:
        from designer.canvas import theme

        for name in ("baton", "stage", "interactive"):
            if theme.icon_path(name) is None:
                raise SelfTestFailure(f"icon {name}.svg is missing from this installation")
            if theme.icon(name).pixmap(32, 32).isNull():
                raise SelfTestFailure(f"icon {theme.icon_path(name)} did not render")
        return "SVG icons render"

    def validate(self) -> str:
        from engine.validation import validate

        diagnostics = validate(self.definition)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            raise SelfTestFailure("; ".join(d.message for d in errors))
        return f"no errors, {len(diagnostics)} warnings"

    def simulate(self) -> str:
        from engine.simulation import Scenario, load_scenario, scenario_path_for, simulate

        beside = scenario_path_for(self.example)
        scenario = load_scenario(beside) if beside.exists() else Scenario(definition="")
        scenario = scenario.model_copy(
            update={
                "definition": self.definition.id,
                "arrivals": scenario.arrivals.model_copy(update={"runs": SIMULATED_RUNS}),
            }
        )
        result = simulate(self.definition, scenario)
        if result.runs_started != SIMULATED_RUNS or result.runs_failed:
            raise SelfTestFailure(
                f"{result.runs_started} runs started, {result.runs_failed} failed "
                f"(expected {SIMULATED_RUNS} started, none failed)"
            )
        return (
            f"{result.runs_started} runs, {result.runs_completed} completed, "
            f"cycle time mean {result.cycle_time.mean:.1f} h"
        )

    def png(self) -> str:
        from PySide6.QtGui import QImage

        from designer.canvas.export import MARGIN, export_png

        path = self.out / (self.definition.id + ".png")
        if not export_png(self.window.scene, path):
            raise SelfTestFailure(f"could not write {path}")
        bounds = self.window.scene.diagram_bounds().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        image = QImage(str(path))
        expected = (int(bounds.width() * 2), int(bounds.height() * 2))
        if image.isNull() or (image.width(), image.height()) != expected:
            raise SelfTestFailure(f"{path} is {image.width()}x{image.height()}, not {expected}")
        return f"{path.name} {image.width()}x{image.height()}"

    def markdown(self) -> str:
        from designer.file_export import export_markdown_file

        document, image = export_markdown_file(
            self.definition, self.out / f"{self.definition.id}.md"
        )
        text = document.read_text(encoding="utf-8")
        missing = [s.name for s in self.definition.stages() if s.name not in text]
        if missing or image.name not in text:
            raise SelfTestFailure(f"{document} lacks {missing or image.name}")
        return f"{document.name} and {image.name}"

    def close(self) -> None:
        if self.window is not None:
            # Nothing here is the user's work: never let a "save changes?" question block.
            self.window.undo_stack.setClean()
            self.window.close()
            _process_events()


def _process_events() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
