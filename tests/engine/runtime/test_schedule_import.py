"""croniter (and the dateutil it brings) is imported when a schedule needs a cron slot, not by
every command that opens an engine (benchmarks/engine_import.py prints what that saves).

Each command runs in a fresh interpreter, as a user's `baton` would, so `sys.modules` after it
is the fact to check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "resources/examples/employee_onboarding.baton.json"


def _baton(*args: str) -> tuple[int, str, set[str]]:
    """Run `baton ARGS` in a fresh interpreter; its exit code, stdout and imported modules."""
    code = (
        "import json, sys\n"
        "from engine.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    *printed, modules = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stderr
    return done.returncode, "\n".join(printed), set(json.loads(modules))


def test_starting_and_completing_work_do_not_import_croniter(tmp_path):
    db = str(tmp_path / "baton.db")
    _baton("users", "add", "ann", "--admin", "--db", db)
    _, _, activated = _baton("activate", str(EXAMPLE), "--as", "ann", "--db", db)

    _, run_id, started = _baton(
        "start",
        "employee_onboarding",
        "--input",
        "employee=Ada",
        "--input",
        "email=ada@example.com",
        "--as",
        "ann",
        "--db",
        db,
    )

    assert run_id.strip()
    assert "croniter" not in activated
    assert "croniter" not in started


def test_a_schedule_still_gets_its_cron_slots_from_croniter(tmp_path):
    # Given the example with a schedule trigger (Mondays 09:00 UTC) instead of a record one
    definition = json.loads(EXAMPLE.read_text())
    definition["trigger"] = {"type": "schedule", "cron": "0 9 * * 1"}
    definition["variables"] = [{**v, "required": False} for v in definition["variables"]]
    path = tmp_path / "weekly.baton.json"
    path.write_text(json.dumps(definition))
    db = str(tmp_path / "baton.db")
    _baton("users", "add", "ann", "--admin", "--db", db)

    # When it is activated, and a worker's pass runs long after the first slot
    _, _, activated = _baton("activate", str(path), "--as", "ann", "--db", db)
    _, fired, _ = _baton("tick", "--now", "2099-01-13T00:00Z", "--format", "json", "--db", db)

    # Then activating imported croniter to compute the slot, and the pass fired it
    assert "croniter" in activated
    assert json.loads(fired) == {"fired": 1}
