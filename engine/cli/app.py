"""The Typer application, error rendering and the plugin hook for other packages."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points, version

import typer

from engine.errors import BatonError

CLI_ENTRY_POINT_GROUP = "baton.cli"

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
    sys.exit(main())
