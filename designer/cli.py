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

    @app.command("image")
    def image_command(
        file: Annotated[Path, typer.Argument(help="The .baton.json definition to draw.")],
        output: Annotated[Path, typer.Argument(help="Where to write it: a .png or .svg file.")],
        scale: Annotated[float, typer.Option(help="PNG pixels per diagram unit.")] = 2.0,
    ) -> None:
        """Render the diagram of a definition as a PNG or SVG image (no window needed)."""
        from designer.canvas.export import render_definition_file

        suffix = output.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise typer.BadParameter("the output must end in .png or .svg", param_hint="OUTPUT")
        render_definition_file(file, output, scale=scale)
        typer.echo(f"wrote {output}")
