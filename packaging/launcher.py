"""Entry point of the desktop bundle: the `baton` command, the designer when given nothing.

Started from a menu, a dock or a double-click, the bundle gets no arguments and opens the
designer; started from a terminal with arguments it is the full `baton` CLI
(`baton validate ...`, `baton selftest`, `baton --version`).
"""

from __future__ import annotations

import os
import sys


def _arguments(argv: list[str]) -> list[str]:
    # macOS Finder used to add a process serial number (-psn_0_12345) to apps it starts.
    given = [a for a in argv if not a.startswith("-psn_")]
    return given or ["designer"]


def main() -> int:
    """Run `baton` with the process's arguments (the designer when there are none)."""
    from engine.cli import main as baton_main

    return baton_main(_arguments(sys.argv[1:]))


def _end(code: int) -> None:
    """End the bundle's process with `code`."""
    if "temporalio.client" in sys.modules:
        # As `baton` itself does (engine.cli.app.main): the Temporal client's threads can
        # abort the interpreter's teardown (temporalio/sdk-python#300), so a process that
        # used it ends without one, once its output is out. Only here, at the process's
        # end: `main()` called in-process (a test) must return, not end its caller.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    _end(main())
