"""The Typer application, error rendering and the plugin hook for other packages.

Start-up is kept short by importing only what the invoked command needs: each subcommand
module is imported when its command is asked for (`COMMAND_MODULES`), plugins from the
`baton.cli` entry points only when the command is none of ours or the whole list is shown,
and `importlib.metadata` only to read the version or the entry points.
`benchmarks/cli_startup.py` measures it.
"""

from __future__ import annotations

import importlib
import sys

import typer

from engine.errors import BatonError

CLI_ENTRY_POINT_GROUP = "baton.cli"

# Which module under engine.cli defines each top-level command (a Typer sub-app counts as
# one command). tests/engine/cli/test_cli_startup.py checks this against what the modules
# really register, so a new command cannot be forgotten here.
COMMAND_MODULES: dict[str, str] = {
    "users": "admin_commands",
    "tick": "admin_commands",
    "worker": "admin_commands",
    "serve": "api_commands",
    "tokens": "api_commands",
    "db": "db_commands",
    "validate": "definition_commands",
    "schema": "definition_commands",
    "event": "event_commands",
    "record": "event_commands",
    "export": "interchange_commands",
    "import": "interchange_commands",
    "outbox": "outbox_commands",
    "activate": "run_commands",
    "deactivate": "run_commands",
    "definitions": "run_commands",
    "start": "run_commands",
    "runs": "run_commands",
    "show": "run_commands",
    "log": "run_commands",
    "cancel": "run_commands",
    "pause": "run_commands",
    "resume": "run_commands",
    "retry": "run_commands",
    "skip": "run_commands",
    "simulate": "simulate_commands",
    "work": "work_commands",
}

app = typer.Typer(
    name="baton",
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
    from importlib.metadata import version

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


def _command_name(args: list[str]) -> str | None:
    """The subcommand asked for: the first argument that is not an option (the root takes
    no option with a value, so none can hide in between)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


def register_commands(args: list[str] | None = None) -> None:
    """Add to `app` the commands these arguments need; all of them when `args` is None.

    A command module is imported for its side effect of adding its commands to `app`.
    `baton --version` needs none; `baton validate ...` only definition_commands; a name
    that is not ours (a plugin's, a typo) or the bare `baton`/`--help` all of them, so
    help lists everything and click can suggest a near name.
    """
    name = None if args is None else _command_name(args)
    if args is not None and name is None and "--version" in args and "--help" not in args:
        return
    if name in COMMAND_MODULES:
        importlib.import_module(f"engine.cli.{COMMAND_MODULES[name]}")
        return
    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"engine.cli.{module}")
    _register_plugins()


_plugins_loaded = False


def _register_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:  # main() may run many times in one process (tests, the designer)
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=CLI_ENTRY_POINT_GROUP):
        ep.load()(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; BatonErrors become one clear line on stderr, not a traceback."""
    register_commands(sys.argv[1:] if argv is None else list(argv))
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
    except Exception as exc:  # click's usage errors
        import click

        # Typer >= 0.20 vendors click as typer._click; accept either flavour.
        vendored = getattr(getattr(typer, "_click", None), "exceptions", None)
        usage_errors = tuple(
            e.ClickException for e in (click.exceptions, vendored) if e is not None
        )
        if isinstance(exc, usage_errors):
            exc.show()
            return 2
        from engine.store.faults import is_driver_error

        if is_driver_error(exc):
            # Stores translate the faults they know; anything else is still one line.
            typer.echo(f"baton: error: the database failed: {str(exc).splitlines()[0]}", err=True)
            return 2
        raise
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    # Commands register on engine.cli.app's `app`, not on this __main__ copy of the module.
    from engine.cli import main as _main

    sys.exit(_main())
