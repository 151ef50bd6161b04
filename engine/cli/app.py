"""The Typer application, error rendering and the plugin hook for other packages.

Start-up is kept short by importing only what the invoked command needs: each subcommand
module is imported when its command is asked for (`COMMAND_MODULES`), plugins from the
`baton.cli` entry points only when the command is none of ours or the whole list is shown,
and `importlib.metadata` only to read the version or the entry points (a bare `baton --version`
is answered in `engine.cli` before this module is imported).
`benchmarks/cli_startup.py` measures it.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
import typer.main
from typer.core import TyperArgument, TyperGroup, TyperOption

from engine.cli.plain import reported
from engine.cli.version import baton_version
from engine.errors import BatonError

CLI_ENTRY_POINT_GROUP = "baton.cli"
# Usage mistakes (unknown command or option, bad value) are Click's ClickException. Typer
# < 0.20 depends on Click, >= 0.20 carries its own copy; typer.BadParameter derives from
# whichever is in use, so the base class comes from it and Baton never imports Click.
_USAGE_ERROR: type[Exception] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException"
)

# Which module under engine.cli defines each top-level command (a Typer sub-app counts as
# one command). tests/engine/cli/test_cli_startup.py checks this against what the modules
# really register, so a new command cannot be forgotten here.
COMMAND_MODULES: dict[str, str] = {
    "users": "admin_commands",
    "tick": "admin_commands",
    "worker": "admin_commands",
    "serve": "api_commands",
    "tokens": "api_commands",
    "webhooks": "api_commands",
    "db": "db_commands",
    "validate": "definition_commands",
    "schema": "definition_commands",
    "event": "event_commands",
    "record": "event_commands",
    "export": "interchange_commands",
    "import": "interchange_commands",
    "outbox": "outbox_commands",
    "bulk": "operator_commands",
    "audit": "operator_commands",
    "vars": "operator_commands",
    "nudge": "operator_commands",
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
    "migrate": "migrate_commands",
    "prune": "retention_commands",
    "simulate": "simulate_commands",
    "test": "test_commands",
    "work": "work_commands",
}

# `baton --help` lists the commands in the order a newcomer needs them. A command a plugin
# adds that is not named here is listed last, under "More".
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Design", ("designer", "validate", "simulate", "test", "export", "import", "schema")),
    ("Run", ("activate", "definitions", "start", "record", "work", "event")),
    ("Operate", ("runs", "show", "log", "pause", "resume", "retry", "skip", "vars", "nudge",
                 "cancel", "bulk", "migrate", "deactivate", "worker", "tick", "outbox")),
    ("Admin", ("users", "tokens", "webhooks", "serve", "audit", "db", "prune", "selftest")),
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


# Root options that take a value, each also read from the environment by the commands:
# where runs live, and how to reach a Temporal cluster (docs/scale-out.md).
_ROOT_VALUE_OPTIONS = {
    "--runtime": "BATON_RUNTIME",
    "--tls-cert": "BATON_TEMPORAL_TLS_CERT",
    "--tls-key": "BATON_TEMPORAL_TLS_KEY",
    "--api-key": "BATON_TEMPORAL_API_KEY",
}


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
    runtime: str | None = typer.Option(
        None,
        "--runtime",
        metavar="local|temporal://HOST:PORT/NAMESPACE",
        help="Where runs live (default: $BATON_RUNTIME, else local = in BATON_DB).",
    ),
    tls_cert: str | None = typer.Option(
        None, "--tls-cert", metavar="FILE", help="Client certificate for Temporal mTLS."
    ),
    tls_key: str | None = typer.Option(
        None, "--tls-key", metavar="FILE", help="Client key for Temporal mTLS."
    ),
    api_key: str | None = typer.Option(
        None, "--api-key", metavar="KEY", help="Temporal Cloud API key."
    ),
) -> None:
    """Baton: design, simulate and run orchestrations."""
    import os

    given = {"--runtime": runtime, "--tls-cert": tls_cert, "--tls-key": tls_key,
             "--api-key": api_key}  # fmt: skip
    for option, value in given.items():
        if value is not None:
            os.environ[_ROOT_VALUE_OPTIONS[option]] = value


def _command_name(args: list[str]) -> str | None:
    """The subcommand asked for: the first argument that is neither an option nor the
    value of a root option that takes one (`--runtime X`)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _ROOT_VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


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


# Help placeholders read as words: Typer labels values by Python type (`--limit <int>`,
# `FILE <path>`, usage `{FILE}`); people read `--limit N`, `FILE`.
_WORDS = {"int": "N", "float": "NUMBER", "str": "TEXT", "path": "PATH", "datetime": "TIME"}


def _word(label: str) -> str:
    inner = label.strip("<>")
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    return _WORDS.get(inner, inner.upper())


def _plain_help(command: Any) -> None:
    """Give every argument and untyped option of the tree a word for a placeholder."""
    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument):
            # The metavar names it already; the type adds nothing a reader needs.
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
            name = param.display_name_raw if param.required else f"[{param.display_name_raw}]"
            suffix = "..." if param.nargs != 1 else ""
            param.get_usage_pieces = lambda ctx, n=name + suffix: [n]  # type: ignore[method-assign]
        elif isinstance(param, TyperOption) and param.metavar is None and not param.is_flag:
            word = _word(param.display_type(None))  # type: ignore[arg-type]
            param.display_type_rich = lambda ctx, w=word: w  # type: ignore[method-assign]
    for child in getattr(command, "commands", {}).values():
        _plain_help(child)


def _click_command(args: list[str]) -> Any:
    """Click's command tree for these arguments: only the asked-for command when it is one
    of ours. Turning a Typer command into Click's evaluates every parameter's annotation,
    several milliseconds a command, and a command module registers up to a dozen."""
    name = _command_name(args)
    if name not in COMMAND_MODULES:
        return typer.main.get_command(app)
    saved = app.registered_commands, app.registered_groups
    app.registered_commands = [c for c in saved[0] if c.name == name]
    app.registered_groups = [g for g in saved[1] if g.name == name]
    try:
        return typer.main.get_command(app)
    finally:
        app.registered_commands, app.registered_groups = saved


def main(argv: list[str] | None = None) -> int:
    """Run the command line; BatonErrors become one clear line on stderr, not a traceback."""
    args = sys.argv[1:] if argv is None else list(argv)
    register_commands(args)
    import os

    from engine.cli.closing import closing_engines

    # Root options set the environment for this invocation only (main() may run many times
    # in one process: tests, the designer).
    saved = {name: os.environ.get(name) for name in _ROOT_VALUE_OPTIONS.values()}
    try:
        command = _click_command(args)
        _plain_help(command)
        with closing_engines():  # the engines the command opened, refused or not
            result = command(args=argv, prog_name="baton", standalone_mode=False)
    except BatonError as exc:
        reported(exc)  # one line on stderr
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("baton: aborted", err=True)
        return 1
    except _USAGE_ERROR as exc:
        exc.show()
        return 2
    except OSError as exc:
        if exc.filename is None:
            raise
        # A file the command reads or writes (an export's folder is a file, a folder is
        # missing): name it, as every other error does, rather than show a traceback.
        reason = (exc.strerror or str(exc)).lower()
        typer.echo(f"baton: error: {exc.filename}: {reason} (check the path)", err=True)
        return 2
    except Exception as exc:
        code = reported(exc)  # a database driver's fault, in one line
        if code is None:
            raise
        return code
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    code = result if isinstance(result, int) else 0
    if argv is None and "temporalio.client" in sys.modules:
        # The Temporal client's background threads can abort the interpreter's teardown
        # (temporalio/sdk-python#300, "PyGILState_Release"); a `baton` process that used it
        # ends without one, once its output is out. Never when called in-process.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    # Commands register on engine.cli.app's `app`, not on this __main__ copy of the module.
    from engine.cli import main as _main

    sys.exit(_main())
