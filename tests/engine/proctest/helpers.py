"""Builders for process-test stories: a definition and its tests file in a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from engine.definition import Orchestration, save_definition

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def example_folder(tmp_path: Path, name: str) -> Path:
    """A copy of one bundled example and its tests in a fresh folder; returns the folder."""
    for suffix in (".baton.json", ".tests.json"):
        shutil.copy(EXAMPLES / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path


def write_tests(
    folder: Path, definition: Orchestration | str, *scenarios: dict[str, Any], **fields: Any
) -> Path:
    """Write `ID.tests.json` (and the definition, when given as a model) into `folder`."""
    if isinstance(definition, Orchestration):
        save_definition(definition, folder / f"{definition.id}.baton.json")
        definition_id = definition.id
    else:
        definition_id = definition
    path = folder / f"{definition_id}.tests.json"
    data = {
        "schema": "baton-tests/1",
        "definition": definition_id,
        **fields,
        "scenarios": list(scenarios),
    }
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def scenario(name: str, *script: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A scenario's JSON: a name, script entries, and any other fields."""
    return {"name": name, "script": list(script), **fields}
