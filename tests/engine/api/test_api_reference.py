"""The API reference page is generated from the OpenAPI schema when the site is built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.api.app import openapi_schema

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "api_reference.py"


def test_the_reference_script_writes_every_endpoint_and_body(tmp_path):
    out = tmp_path / "reference.md"

    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    schema = openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"### `{method.upper()} {path}`" in page
    assert "### StartRunIn" in page and "| `orchestration` | string | yes |" in page


def test_the_reference_page_is_generated_when_the_site_is_built():
    # The page holds only the marker the docs hook replaces, so it cannot fall out of date
    page = (REPO / "docs" / "api-reference.md").read_text(encoding="utf-8")

    assert page.strip() == "<!-- generated: api -->"
