"""An admin moves open runs to a new version over HTTP (`/v1/migrations`), against a real
`baton serve` on SQLite and PostgreSQL; the same plan as `baton migrate plan` prints."""

from __future__ import annotations

import json
import os
import subprocess

from tests.engine.api.migration_story import check, tell
from tests.engine.api.server_process import REPO, baton_command


def test_an_admin_plans_and_moves_runs_to_a_new_version_over_http(served):
    db = served.server.db

    def cli_plan() -> dict:
        done = subprocess.run(
            [*baton_command(), "migrate", "plan", "hiring", "--from", "1", "--to", "2",
             "--format", "json", "--db", db],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True, text=True, timeout=120, cwd=REPO,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    # given two open runs of hiring v1 and a v2 without v1's intro stage, when the
    # assignee plans and the admin moves every open run (after the refusals)
    story = tell(db, served.as_("root"), served.as_("ann"), cli_plan)

    # then the plan is the CLI's, the refusals are its one-line messages, and only the
    # run whose stage v2 keeps moved
    assert story.answers["plan"].json() == story.cli_plan
    check(story)
