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
    server = ServerProcess(db, env={"BATON_OUTBOX": outbox})
    script = "set -euo pipefail\n" + _block("# setup") + _block("# walkthrough")
    try:
        done = subprocess.run(
            ["bash", "-c", script],
            env={
                **os.environ,
                "BATON_DB": db,
                "BATON_OUTBOX": outbox,
                "BATON_URL": server.url,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "PYTHONPATH": str(REPO),
            },
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
