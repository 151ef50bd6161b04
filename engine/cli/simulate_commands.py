"""`baton simulate`: many runs of a definition on a virtual clock, and starter scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from engine.cli.app import app
from engine.cli.common import FormatOption, OutputFormat, note_local_only
from engine.definition import load_definition, parse_duration
from engine.errors import InvalidInput, UsageError
from engine.simulation import (
    Scenario,
    load_scenario,
    save_scenario,
    scenario_path_for,
    simulate,
    starter_scenario,
)
from engine.simulation.report import format_report
from engine.simulation.scenario import Arrivals


@app.command("simulate")
def simulate_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Definition file (.baton.json).")],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            metavar="FILE",
            help="Scenario file (default: NAME.scenario.json beside the definition, if any).",
        ),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            metavar="N",
            min=0,
            max=1_000_000,  # the scenario's own bound on runs (engine.simulation.scenario)
            help="Start N runs at the scenario's rate (replaces its limits on arrivals; "
            "with --horizon, whichever comes first).",
        ),
    ] = None,
    horizon: Annotated[
        str | None,
        typer.Option(
            "--horizon",
            metavar="DURATION",
            help="Start runs only within this time, e.g. P30D (overrides the scenario).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="N", help="Random seed (overrides the scenario)."),
    ] = None,
    init_scenario: Annotated[
        bool,
        typer.Option(
            "--init-scenario",
            help="Write a starter scenario listing every step with defaults, then stop.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --init-scenario: replace an existing file.")
    ] = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Simulate runs on a virtual clock and print throughput, cycle times and bottlenecks."""
    definition = load_definition(file)
    if init_scenario:
        target = scenario or scenario_path_for(file)
        if target.exists() and not force:
            raise InvalidInput(
                f"{target} exists; it was not changed", hint="pass --force to replace it"
            )
        save_scenario(starter_scenario(definition), target)
        typer.echo(f"wrote {target}")
        return
    note_local_only("simulate", "simulated runs")
    chosen, label = _scenario(definition.id, file, scenario)
    updates: dict[str, object] = {}
    remarks: tuple[str, ...] = ()
    if runs is not None or horizon is not None:
        updates["arrivals"], remarks = _arrivals(chosen, runs, horizon)
    if seed is not None:
        updates["seed"] = seed
    if updates:
        chosen = chosen.model_copy(update=updates)
    result = simulate(definition, chosen, source=label)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        typer.echo(format_report(result, label, remarks))


def _scenario(definition_id: str, file: Path, given: Path | None) -> tuple[Scenario, str]:
    if given is not None:
        return load_scenario(given), str(given)
    beside = scenario_path_for(file)
    if beside.exists():
        return load_scenario(beside), str(beside)
    return Scenario(definition=definition_id), "defaults"


def _arrivals(
    chosen: Scenario, runs: int | None, horizon: str | None
) -> tuple[Arrivals, tuple[str, ...]]:
    """The scenario's arrivals with --runs and --horizon applied, and what the report
    should say they changed.

    `--runs N` asks for N runs: a horizon in the scenario would silently start fewer, so
    it no longer applies unless --horizon is given too (then whichever comes first, and the
    report says how many arrived if fewer).
    """
    fields = chosen.arrivals.model_dump()
    remarks: tuple[str, ...] = ()
    if horizon is not None:
        try:
            parse_duration(horizon)
        except ValueError as exc:
            raise UsageError(f"--horizon: {exc}") from None
        fields["horizon"] = horizon
    if runs is not None:
        fields["runs"] = runs
        if horizon is None and fields["horizon"] is not None:
            remarks = (
                f"--runs {runs} replaces the scenario's arrival horizon ({fields['horizon']})",
            )
            fields["horizon"] = None
    try:
        return Arrivals.model_validate(fields), remarks
    except ValidationError as exc:
        raise UsageError(exc.errors()[0]["msg"]) from None
