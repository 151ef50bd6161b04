"""Process tests: scenarios an admin writes beside a definition, run by `baton test`.

`format` is the `NAME.tests.json` file, `runner` plays its scenarios on the real engine in a
`sandbox` (virtual clock, in-memory store, nothing delivered), `expectations` compares what
happened with what was expected, `coverage` says which stages, steps, branches and ends no
scenario reached, `report` prints the summary and writes JUnit XML, and `recording` turns a
real run's history into a scenario.
"""

from __future__ import annotations

from engine.proctest.coverage import Coverage, Element
from engine.proctest.files import (
    TestFileError,
    definition_path_for,
    find_tests,
    load_tests,
    tests_path_for,
)
from engine.proctest.format import TESTS_SCHEMA, TestFile, TestScenario, tests_json_schema
from engine.proctest.runner import FileResult, ScenarioResult, run_file

__all__ = [
    "TESTS_SCHEMA",
    "Coverage",
    "Element",
    "FileResult",
    "ScenarioResult",
    "TestFile",
    "TestFileError",
    "TestScenario",
    "definition_path_for",
    "find_tests",
    "load_tests",
    "run_file",
    "tests_json_schema",
    "tests_path_for",
]
