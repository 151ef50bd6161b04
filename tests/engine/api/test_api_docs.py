"""The setup and curl walkthrough of docs/api.md, run as written against a real server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.runtime import Engine
from tests.engine.api.server_process import REPO, ServerProcess

DOC = REPO / "docs" / "api.md"


def _block(first_line: str) -> str:
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    (found,) = [b for b in blocks if b.startswith(first_line)]
    return found


def test_the_documented_curl_walkthrough_works_against_a_real_server(tmp_path):
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to check the documented calls (apt-get install curl)")
    db = str(tmp_path / "baton.db")
    outbox = str(tmp_path / "outbox")
    env = {
        **os.environ,
        "BATON_DB": db,
        "BATON_OUTBOX": outbox,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
    }
    # As the page says: the setup makes the database and the tokens, then the server starts
    # on it (it refuses a database that does not exist), then the walkthrough calls it.
    setup = "set -euo pipefail\n" + _block("# setup")
    prepared = subprocess.run(
        ["bash", "-c", setup + "\necho TOKEN=$TOKEN\necho MARIA_TOKEN=$MARIA_TOKEN\n"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    tokens = dict(line.split("=", 1) for line in prepared.stdout.splitlines() if "TOKEN=" in line)
    server = ServerProcess(db, env={"BATON_OUTBOX": outbox})
    walkthrough = "set -euo pipefail\n" + _block("# walkthrough")
    try:
        done = subprocess.run(
            ["bash", "-c", walkthrough],
            env={**env, **tokens, "BATON_URL": server.url},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.stop()

    assert done.returncode == 0, done.stdout + done.stderr
    engine = Engine(db)
    (run,) = engine.runs()
    detail = engine.run(run["id"])
    engine.close()
    steps = {s["id"]: s["status"] for s in detail["steps"]}
    assert steps["setup_form"] == "completed" and steps["schedule_call"] == "completed"
    assert [i["assignee"] for i in detail["open_items"]] == ["user:cs_lead"]
    assert '"next_cursor":null' in done.stdout
