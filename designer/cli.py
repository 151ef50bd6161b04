"""Adds `baton designer` to the `baton` command (entry-point group `baton.cli`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.common import DbOption
from engine.store.store import DB_ENV

_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")
NO_DISPLAY = (
    "baton designer: no display here (DISPLAY and WAYLAND_DISPLAY are unset). Start it in a "
    "desktop session or over `ssh -X`, or take a picture without one: "
    "`baton designer FILE --screenshot window.png`."
)


def register(app: typer.Typer) -> None:
    """Attach the designer's subcommands to the engine's CLI."""

    @app.command("designer")
    def designer_command(
        file: Annotated[
            Path | None, typer.Argument(metavar="FILE", help="A .baton.json file to open.")
        ] = None,
        screenshot: Annotated[
            Path | None,
            typer.Option(
                metavar="PNG",
                help="Open, save a PNG of the window to this path, and exit (no display needed).",
            ),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Open the designer window, optionally on a definition file."""
        if file is not None and not file.is_file():
            # Said here, before Qt starts: a mistyped name got a dialog, then the window
            # closed with nothing on the terminal.
            typer.echo(f"baton designer: {file}: no such file", err=True)
            raise typer.Exit(2)
        if db:
            # The window's engine connection reads BATON_DB before what it remembered.
            os.environ[DB_ENV] = db
        if _without_display():
            if screenshot is None:
                typer.echo(NO_DISPLAY, err=True)
                raise typer.Exit(1)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from designer.app import run

        raise typer.Exit(run(file, screenshot=screenshot))


def _without_display() -> bool:
    # Qt's xcb platform would abort the process (rc 134) with a misleading message about
    # xcb-cursor. Windows and macOS always have a display; an explicit platform is obeyed.
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not any(os.environ.get(v) for v in _DISPLAY_VARIABLES)
    )
