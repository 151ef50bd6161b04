"""The Typer application, error rendering and the plugin hook for other packages."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points, version
from typing import Any

import typer
from typer.core import TyperGroup

from engine.errors import BatonError

CLI_ENTRY_POINT_GROUP = "baton.cli"
# Usage mistakes (unknown command or option, bad value) are Click's ClickException. Typer
# < 0.20 depends on Click, >= 0.20 carries its own copy; typer.BadParameter derives from
# whichever is in use, so the base class comes from it and Baton never imports Click.
_USAGE_ERROR: type[Exception] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException"
)

# `baton --help` lists the commands in the order a newcomer needs them. A command a plugin
# adds that is not named here is listed last, under "More".
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Design", ("designer", "validate", "simulate", "export", "import", "schema")),
    ("Run", ("activate", "definitions", "start", "record", "work", "event")),
    ("Operate", ("runs", "show", "log", "pause", "resume", "retry", "skip", "cancel", "bulk",
                 "deactivate", "worker", "tick", "outbox")),
    ("Admin", ("users", "tokens", "webhooks", "serve", "audit", "db", "selftest")),
)  # fmt: skip


class NewcomerGroup(TyperGroup):
    """The `baton` command group: commands by task, each with its whole one-line summary."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        order = [name for _title, names in SECTIONS for name in names]
        rank = {name: i for i, name in enumerate(order)}
        return sorted(super().list_commands(ctx), key=lambda name: rank.get(name, len(order)))

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        # `formatter` is Click's HelpFormatter (Typer's own copy on Typer >= 0.20).
        shown = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                shown[name] = command
        named = {name for _title, names in SECTIONS for name in names}
        more = tuple(name for name in shown if name not in named)
        for title, names in (*SECTIONS, ("More", more)):
            rows = [(name, _summary(shown[name])) for name in names if name in shown]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _summary(command: Any) -> str:
    # The docstring's first paragraph, whole: Click's short help stops at ~45 characters.
    text = command.short_help or (command.help or "").strip().split("\n\n")[0]
    return " ".join(text.split())


app = typer.Typer(
    name="baton",
    cls=NewcomerGroup,
    help="Baton: design, simulate and run orchestrations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"baton {baton_version()}")
        raise typer.Exit()


def baton_version() -> str:
    """The installed version, from pyproject.toml via the package metadata."""
    try:
        return version("baton-studio")
    except Exception:
        return "0+unknown"


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Baton: design, simulate and run orchestrations."""


def _register_subcommands() -> None:
    # Imported for their side effect of adding commands to `app`.
    from engine.cli import (  # noqa: F401
        admin_commands,
        api_commands,
        db_commands,
        definition_commands,
        event_commands,
        interchange_commands,
        operator_commands,
        outbox_commands,
        run_commands,
        simulate_commands,
        work_commands,
    )

    for ep in entry_points(group=CLI_ENTRY_POINT_GROUP):
        ep.load()(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; BatonErrors become one clear line on stderr, not a traceback."""
    _register_subcommands()
    try:
        result = app(args=argv, standalone_mode=False)
    except BatonError as exc:
        typer.echo(f"baton: error: {exc}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("baton: aborted", err=True)
        return 1
    except _USAGE_ERROR as exc:
        exc.show()
        return 2
    except Exception as exc:
        from engine.store.faults import is_driver_error

        if is_driver_error(exc):
            # Stores translate the faults they know; anything else is still one line.
            typer.echo(f"baton: error: the database failed: {str(exc).splitlines()[0]}", err=True)
            return 2
        raise
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
