"""The team load benchmark, short: desks and workers (one SIGKILLed) leave a sound database."""

from __future__ import annotations

import os

import pytest

from benchmarks.team_load import main


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="kills a worker with SIGKILL")
def test_a_short_team_load_with_a_killed_worker_passes_the_integrity_audit(pg_server, capsys):
    code = main(["--duration", "4", "--db", pg_server.empty_database()])

    out = capsys.readouterr().out
    assert "with SIGKILL" in out
    assert code == 0, out
    assert "integrity: OK" in out
