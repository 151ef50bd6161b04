"""Examples and icons are found through the installed `baton_resources` package, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import resources
from engine.definition import load_definition

REPO_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def test_every_example_in_the_repository_is_found_through_the_package():
    # given the examples kept in the repository's top-level resources/ folder
    in_repository = sorted(p.name for p in (REPO_RESOURCES / "examples").glob("*.baton.json"))

    # when the installed package is asked for them
    found = resources.example_files()

    # then it lists the same files, and each one loads
    assert [p.name for p in found] == in_repository
    for path in found:
        assert load_definition(path).id


def test_an_icon_is_a_file_on_disk_that_qt_can_read():
    path = resources.icon_path("stage")

    assert path is not None
    assert path.read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: resources.icon_path("no-such-icon"),
        lambda: resources.example_path("no_such_example.baton.json"),
        lambda: resources.resource_path("examples"),  # a folder is not a resource file
    ],
    ids=["icon", "example", "folder"],
)
def test_a_missing_resource_is_none_not_an_error(lookup):
    assert lookup() is None


def test_an_install_without_the_resources_package_finds_nothing(monkeypatch):
    # given an installation that lost its resources package
    monkeypatch.setattr(resources, "PACKAGE", "baton_resources_not_installed")

    # when anything asks for a resource, then it is absent, never an exception
    assert resources.icon_path("stage") is None
    assert resources.example_path("employee_onboarding.baton.json") is None
    assert resources.example_files() == []
