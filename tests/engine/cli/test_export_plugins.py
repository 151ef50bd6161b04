"""`baton export --to` finds formats other packages register, and explains missing ones."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from engine.interchange import exporters

EXAMPLE = str(Path(__file__).parents[3] / "resources/examples/deal_desk_approval.baton.json")
GROUP = exporters.EXPORTERS_ENTRY_POINT_GROUP
written_by_fake: list[tuple[str, Path]] = []


def fake_exporter(definition, output: Path) -> list[Path]:
    """Stands in for a designer exporter: records its call and writes a file."""
    written_by_fake.append((definition.id, output))
    output.write_text(definition.name, encoding="utf-8")
    return [output]


def _only(monkeypatch: pytest.MonkeyPatch, *entries: EntryPoint) -> None:
    monkeypatch.setattr(exporters, "entry_points", lambda group: list(entries))


def test_an_unknown_format_is_refused_naming_the_formats_there_are(baton, tmp_path):
    result = baton("export", EXAMPLE, "--to", "fancy", "-o", str(tmp_path / "x"))

    assert result.code == 2
    assert "unknown export format 'fancy'" in result.err
    assert "bpmn" in result.err and "salesforce" in result.err
    assert not (tmp_path / "x").exists()


def test_an_image_format_without_the_designer_says_the_designer_is_missing(
    baton, tmp_path, monkeypatch
):
    _only(monkeypatch)

    result = baton("export", EXAMPLE, "--to", "svg", "-o", str(tmp_path / "d.svg"))

    assert result.code == 2
    assert "export to svg comes with the designer, which is not installed here" in result.err
    assert "Traceback" not in result.err


def test_a_registered_exporter_gets_the_definition_and_the_output(baton, tmp_path, monkeypatch):
    here = f"{__name__}:fake_exporter"
    _only(monkeypatch, EntryPoint(name="fake-format", value=here, group=GROUP))
    written_by_fake.clear()

    result = baton("export", EXAMPLE, "--to", "fake-format", "-o", str(tmp_path / "out.txt"))

    assert result.code == 0, result.err
    assert written_by_fake == [("deal_desk_approval", tmp_path / "out.txt")]
    assert f"wrote {tmp_path / 'out.txt'}" in result.out


def test_an_exporter_that_cannot_be_loaded_is_reported_not_raised(baton, tmp_path, monkeypatch):
    broken = EntryPoint(name="fake-format", value="no_such_module_here:export", group=GROUP)
    _only(monkeypatch, broken)

    result = baton("export", EXAMPLE, "--to", "fake-format", "-o", str(tmp_path / "out"))

    assert result.code == 2
    assert "the fake-format exporter (no_such_module_here:export) cannot be loaded" in result.err


def test_builtin_formats_still_export_without_any_plugin(baton, tmp_path, monkeypatch):
    _only(monkeypatch)

    result = baton("export", EXAMPLE, "--to", "bpmn", "-o", str(tmp_path / "d.bpmn"))

    assert result.code == 0, result.err
    assert (tmp_path / "d.bpmn").read_text(encoding="utf-8").startswith("<?xml")
