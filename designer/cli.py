"""Adds `baton designer` to the `baton` command (entry-point group `baton.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach the designer's subcommands to the engine's CLI."""

    @app.command("designer")
    def designer_command(
        file: Annotated[Path | None, typer.Argument(help="A .baton.json file to open.")] = None,
        screenshot: Annotated[
            Path | None,
            typer.Option(help="Open, save a PNG of the window to this path, and exit."),
        ] = None,
    ) -> None:
        """Open the designer window, optionally on a definition file."""
        from designer.app import run

        raise typer.Exit(run(file, screenshot=screenshot))
