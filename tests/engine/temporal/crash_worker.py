"""A `baton worker` for the crash test, with one extra action registered.

`email_then_note` sends an email (through the context, keyed by the step visit), writes a
marker file, and, when `BATON_TEST_HOLD` is set, never returns: the test SIGKILLs the
worker while it holds, mid-action, after the outside effect.

    python -m tests.engine.temporal.crash_worker
"""

from __future__ import annotations

import os
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from engine.actions import register_action
from engine.cli import main


def email_then_note(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """Send the welcome email, note the attempt, and hold when told to."""
    file = context.send_email(inputs["to"], "Welcome", "Glad you are here.")
    notes = Path(os.environ["BATON_TEST_NOTES"])
    notes.mkdir(parents=True, exist_ok=True)
    (notes / f"ran-{uuid.uuid4().hex[:8]}").write_text(context.idempotency_key)
    if os.environ.get("BATON_TEST_HOLD"):
        threading.Event().wait()
    return {"message_file": str(file)}


if __name__ == "__main__":
    register_action("email_then_note", email_then_note)
    code = main(["worker"])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # see engine.cli.app.main: the Temporal client's threads and teardown
