"""`baton simulate`: many runs of a definition on a virtual clock, and starter scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.app import app
from engine.cli.common import FormatOption, OutputFormat, note_local_only
from engine.definition import load_definition
from engine.errors import InvalidInput
from engine.simulation import (
    Scenario,
    load_scenario,
    save_scenario,
    scenario_path_for,
    simulate,
    starter_scenario,
)
from engine.simulation.report import format_report


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
            help="Number of runs (overrides the scenario).",
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
    if runs is not None:
        updates["arrivals"] = chosen.arrivals.model_copy(update={"runs": runs})
    if seed is not None:
        updates["seed"] = seed
    if updates:
        chosen = chosen.model_copy(update=updates)
    result = simulate(definition, chosen, source=label)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
    else:
        typer.echo(format_report(result, label))


def _scenario(definition_id: str, file: Path, given: Path | None) -> tuple[Scenario, str]:
    if given is not None:
        return load_scenario(given), str(given)
    beside = scenario_path_for(file)
    if beside.exists():
        return load_scenario(beside), str(beside)
    return Scenario(definition=definition_id), "defaults"
