"""`baton worker` with a Temporal runtime runs the workflow and the actions, as a user
starts it from a terminal; two workers share the task queue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from engine.cli import main
from engine.definition import save_definition
from tests.engine.runtime.builders import background, interactive, orchestration, stage


def _baton() -> list[str]:
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


def test_two_baton_workers_run_runs_started_from_the_cli(
    temporal_server, task_queue, tmp_path, monkeypatch, capsys
):
    # given two `baton worker`s on a Temporal runtime
    env = {
        **os.environ,
        "BATON_DB": str(tmp_path / "baton.db"),
        "BATON_OUTBOX": str(tmp_path / "outbox"),
        "BATON_RUNTIME": temporal_server.address(),
        "BATON_TASK_QUEUE": task_queue,
        "BATON_USER": "tester",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "mail.baton.json"
    save_definition(
        orchestration(
            "mail",
            stage(
                "s",
                background(
                    "m", "send_email", inputs={"to": "'ann@example.com'", "subject": "'hi'"}
                ),
                interactive("ok", "user:tester", after=["m"]),
            ),
        ),
        path,
    )
    assert main(["activate", str(path)]) == 0
    workers = [
        subprocess.Popen([*_baton(), "worker"], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        # when runs are started from the CLI and their items completed
        capsys.readouterr()
        run_ids = []
        for _ in range(3):
            assert main(["start", "mail"]) == 0
            run_ids.append(capsys.readouterr().out.strip())
        for run_id in run_ids:
            assert main(["show", run_id, "--format", "json"]) == 0
            assert '"status": "waiting"' in capsys.readouterr().out
        assert main(["work", "list", "--format", "json"]) == 0
        items = capsys.readouterr().out.count('"id": "wi-')
        assert items == 3
        # then each run sent its email once, into the outbox, by whichever worker ran it
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            _out, err = worker.communicate(timeout=120)
            assert "baton worker on temporal://" in err
            assert worker.returncode == 0, err


def test_a_worker_given_db_writes_its_actions_records_there_without_baton_db(
    temporal_server, task_queue, tmp_path, monkeypatch, capsys
):
    # given a catalogue named only by `--db` (no BATON_DB anywhere; a scratch home, so a
    # default database would land there instead)
    db = tmp_path / "catalogue.db"
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "BATON_OUTBOX": str(tmp_path / "outbox"),
        "BATON_RUNTIME": temporal_server.address(),
        "BATON_TASK_QUEUE": task_queue,
        "BATON_USER": "tester",
    }
    env.pop("BATON_DB", None)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BATON_DB", raising=False)
    path = tmp_path / "enrol.baton.json"
    save_definition(
        orchestration(
            "enrol",
            stage(
                "s",
                background(
                    "make", "create_record", inputs={"object": "'Person'", "fields": "{'n': 1}"}
                ),
            ),
        ),
        path,
    )
    assert main(["activate", str(path), "--db", str(db)]) == 0
    worker = subprocess.Popen(
        [*_baton(), "worker", "--db", str(db)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        # when a run's action creates a record
        capsys.readouterr()
        assert main(["start", "enrol", "--db", str(db)]) == 0
        run_id = capsys.readouterr().out.strip()
        assert main(["show", run_id, "--db", str(db), "--format", "json"]) == 0
        run = json.loads(capsys.readouterr().out)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=120)
    # then the run completed, its record is in the worker's --db, and no default
    # database was made under the home folder
    assert run["status"] == "completed", err
    [step] = run["steps"]
    assert main(["record", "show", "Person", step["outputs"]["record_id"], "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == {"n": 1}
    assert not (tmp_path / "home" / "data" / "baton").exists()
