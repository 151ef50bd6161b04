"""Every example and generated definition, exported for Camunda 8, passes bpmnlint with the
newest Camunda 8 rules of bpmnlint-plugin-camunda-compat with 0 errors.

bpmnlint runs on Node from tools/bpmnlint (installed by scripts/setup.sh with `npm ci`).
Without Node or those packages the test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.synthetic import generate
from engine.interchange import import_file
from engine.interchange.bpmn_export import export_bpmn
from tests.engine.interchange.builders import FIXTURES
from tests.engine.interchange.test_bpmn_export import DEFINITIONS

TOOLS = Path(__file__).parents[3] / "tools" / "bpmnlint"


def _linter() -> list[str]:
    node = shutil.which("node")
    installed = (TOOLS / "node_modules" / "bpmnlint-plugin-camunda-compat").is_dir()
    if node and installed:
        return [node, str(TOOLS / "lint.js")]
    why = "node is not installed" if not node else "run scripts/setup.sh (npm ci in tools/bpmnlint)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"bpmnlint is needed in CI: {why}")
    pytest.skip(f"bpmnlint unavailable: {why}")


def _definitions() -> dict:
    found = {name: make() for name, make in DEFINITIONS.items()}
    found["synthetic_20x5"] = generate(20, 5, seed=7)
    for path in sorted((FIXTURES / "foreign").glob("*.bpmn")):
        if path.stem != "camunda7_message_start":  # its condition has no Baton form yet
            found[f"imported_{path.stem}"] = import_file(path).definition
    return found


def test_every_camunda8_export_passes_bpmnlint_with_no_errors(tmp_path):
    command = _linter()
    files = []
    for name, definition in _definitions().items():
        path = tmp_path / f"{name}.bpmn"
        path.write_text(export_bpmn(definition, "camunda8"), encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["config"].startswith("camunda-cloud-8-")
    errors = [
        f"{Path(file).stem}: {item['id']} {item['rule']}: {item['message']}"
        for file, items in report["results"].items()
        for item in items
        if item["category"] == "error"
    ]
    assert len(report["results"]) == len(files)
    assert errors == []
