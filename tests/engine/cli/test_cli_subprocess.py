"""A few commands through the real `baton` executable: exit codes, streams, the worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage

REPO = Path(__file__).resolve().parents[3]


def _baton_command() -> list[str]:
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "BATON_DB": str(db), "PYTHONPATH": str(REPO)}


def _run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_baton_command(), *args],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.mark.slow
def test_a_run_started_by_one_process_is_seen_and_advanced_by_others(tmp_path):
    db = tmp_path / "shared.db"
    definition = tmp_path / "hello.baton.json"
    save_definition(
        orchestration("hello", stage("s", interactive("greet", "user:ann"))), definition
    )
    assert _run(db, "users", "add", "ann").returncode == 0
    assert _run(db, "activate", str(definition)).returncode == 0

    run_id = _run(db, "start", "hello").stdout.strip()
    (item,) = json.loads(_run(db, "work", "list", "--as", "ann", "--format", "json").stdout)
    refused = _run(db, "work", "complete", item["id"], "--as", "nobody")
    done = _run(db, "work", "complete", item["id"], "--as", "ann")

    assert refused.returncode == 1 and refused.stderr.startswith("baton: error:")
    assert "Traceback" not in refused.stderr
    assert done.returncode == 0
    shown = json.loads(_run(db, "show", run_id, "--format", "json").stdout)
    assert shown["status"] == "completed"


@pytest.mark.slow
def test_usage_errors_exit_2(tmp_path):
    result = _run(tmp_path / "x.db", "work", "complete")
    assert result.returncode == 2


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_the_worker_stops_cleanly_on_ctrl_c(tmp_path):
    assert _run(tmp_path / "w.db", "db", "upgrade").returncode == 0
    worker = subprocess.Popen(
        [*_baton_command(), "worker", "--poll", "0.2"],
        env=_env(tmp_path / "w.db"),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert "Ctrl-C stops" in worker.stderr.readline()
    worker.send_signal(signal.SIGINT)
    _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0
    assert "baton worker stopped" in err


def test_the_worker_refuses_an_unusable_copy_setting_before_it_starts(tmp_path):
    # Given a mail server and a copy setting that is neither yes nor no
    env = {**_env(tmp_path / "w.db"), "BATON_SMTP_HOST": "127.0.0.1", "BATON_OUTBOX_COPY": "maybe"}

    # When the worker starts
    done = subprocess.run(
        [*_baton_command(), "worker", "--poll", "0.2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )

    # Then it refuses in one line naming the setting, instead of logging it every pass
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "BATON_OUTBOX_COPY='maybe' is not yes or no" in line
    assert "Traceback" not in done.stderr
