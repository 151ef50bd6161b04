"""docs/architecture.md lists exactly the events `EventType` defines (generated, not typed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.runtime.events import EventType

REPO = Path(__file__).resolve().parents[3]
PAGE = REPO / "docs" / "architecture.md"


def test_the_event_list_in_the_architecture_page_is_up_to_date():
    # given the committed page, when the generator checks it, then nothing is stale
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "event_list.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_event_type_has_a_row_in_the_architecture_page():
    text = PAGE.read_text(encoding="utf-8")
    assert all(f"| `{kind.value}` |" in text for kind in EventType)
