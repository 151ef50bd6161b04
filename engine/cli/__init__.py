"""The `baton` command.

Subcommands live in small modules beside this one. Packages that extend the command (the
designer adds `baton designer` and image export) register through the entry-point group
`baton.cli`, so the engine never imports them (DESIGN rule 1).
"""

from __future__ import annotations

from engine.cli.app import app, main

__all__ = ["app", "main"]
