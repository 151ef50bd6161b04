"""Bad input a newcomer typed at the terminal: each ends in one clear line and its exit code.

Found by feeding every command wrong values (see the newcomer session's report): numbers too
big for the database, limits of zero, ages past year 1. Each of them used to end in a Python
traceback.
"""

from __future__ import annotations

import pytest

from tests.engine.clirunner import in_process
from tests.engine.runtime.builders import interactive, orchestration, stage, var

HUGE = "99999999999999999999"  # more than a 64-bit column holds


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    """`baton` on a SQLite file with one waiting run of `deal` (the admin acts)."""
    from engine.definition import save_definition

    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_USER", "admin")
    baton = in_process(capsys)
    path = tmp_path / "deal.baton.json"
    save_definition(
        orchestration(
            "deal",
            stage("review", interactive("approve", "group:sales")),
            variables=[var("amount", type="number", input=True)],
        ),
        path,
    )
    assert baton("users", "add", "admin", "--role", "admin").code == 0
    assert baton("activate", str(path)).code == 0
    return baton


def _run_id(baton) -> str:
    return baton("start", "deal", "--input", "amount=5").out.strip()


@pytest.mark.parametrize(
    "args",
    [
        ("runs", "--limit", HUGE),
        ("runs", "--version", HUGE),
        ("definitions", "--limit", "0"),
        ("definitions", "--limit", "-3"),
        ("work", "list", "--version", HUGE),
        ("users", "list", "--limit", HUGE),
        ("tokens", "list", "--limit", HUGE),
        ("outbox", "--limit", HUGE),
        ("audit", "--before", HUGE),
        ("audit", "--limit", HUGE),
        ("migrate", "plan", "deal", "--to", "2", "--from", HUGE),
        ("prune", "--older-than", "1d", "--batch", HUGE),
        ("serve", "--port", "-1"),
        ("serve", "--port", "70000"),
    ],
)
def test_a_number_out_of_range_is_a_usage_error_naming_the_option(cli, args):
    # given a database with a run; when a number option is out of range
    result = cli(*args)

    # then: a usage message naming the option, exit 2, no traceback
    option = next(a for a in reversed(args) if a.startswith("--"))
    assert result.code == 2, result
    assert f"Invalid value for '{option}'" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("limit", ["0", "-5", HUGE])
def test_log_with_a_limit_out_of_range_says_so(cli, limit):
    run_id = _run_id(cli)

    result = cli("log", run_id, "--limit", limit)

    assert result.code == 2
    assert "Invalid value for '--limit'" in result.err


def test_log_after_a_sequence_number_too_big_says_so(cli):
    run_id = _run_id(cli)

    result = cli("log", run_id, "--after", HUGE)

    assert result.code == 2
    assert "Invalid value for '--after'" in result.err


def test_log_pages_still_work_within_range(cli):
    run_id = _run_id(cli)

    first = cli("log", run_id, "--limit", "1")

    assert first.code == 0
    assert len(first.out.splitlines()) == 1
    assert "next page: --after 1" in first.err


@pytest.mark.parametrize("age", ["99999999999d", "400000d", "52143w"])
def test_prune_older_than_an_age_past_any_run_is_refused(cli, age):
    result = cli("prune", "--older-than", age)

    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"baton: error: --older-than {age!r} reaches back past any run "
        "(give an age under 1000 years, e.g. 3650d for ten years)"
    ]


def test_prune_older_than_ten_years_still_counts(cli):
    result = cli("prune", "--older-than", "3650d")

    assert result.code == 0, result


def test_simulate_more_runs_than_a_scenario_allows_names_the_option(cli, tmp_path):
    result = cli("simulate", str(tmp_path / "deal.baton.json"), "--runs", HUGE)

    assert result.code == 2
    assert "Invalid value for '--runs'" in result.err


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("nan", "'nan' is not a number"),
        ("inf", "'inf' is beyond the largest number a run holds (about 1.8e308)"),
        ("-inf", "'-inf' is beyond the largest number a run holds (about 1.8e308)"),
        # the command line reads 1e999 as JSON, which makes it infinity already
        ("1e999", "inf is beyond the largest number a run holds (about 1.8e308)"),
    ],
)
def test_a_number_input_that_is_not_finite_is_refused(cli, amount, reason):
    # float() reads these; a run holding one showed `NaN` in `baton show --format json`
    result = cli("start", "deal", "--input", f"amount={amount}")

    assert result.code == 1
    assert result.err.strip() == (
        f"baton: error: inputs refused: amount: {reason} (no run was started)"
    )
    assert cli("runs", "--format", "json").json() == []


def test_a_large_but_finite_number_input_is_kept(cli):
    run_id = cli("start", "deal", "--input", "amount=1.5e300").out.strip()

    assert cli("vars", run_id, "--format", "json").json()["amount"] == 1.5e300
