"""The `baton` command.

Subcommands live in small modules beside this one. Packages that extend the command (the
designer adds `baton designer` and image export) register through the entry-point group
`baton.cli`, so the engine never imports them (DESIGN rule 1).

`baton --version` is answered here, before Typer (about a third of the start-up of every
other command) is imported, and so is a plain `baton runs ...` (the command people type
most against a big database); `app` is imported on first use.
"""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Run the command line (see `engine.cli.app.main`); returns the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from engine.cli.version import baton_version

        print(f"baton {baton_version()}")
        return 0
    if args[:1] == ["runs"]:
        # A plain `baton runs ...` is answered without Typer (engine.cli.runs_listing).
        from engine.cli.runs_listing import answer_plainly

        code = answer_plainly(args[1:])
        if code is not None:
            return code
    from engine.cli.app import main as run

    return run(argv)


def __getattr__(name: str) -> Any:
    # `from engine.cli import app` keeps working without importing Typer for `--version`.
    if name == "app":
        from engine.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
