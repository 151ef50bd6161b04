"""Finding, reading and writing tests files, with errors that name the place at fault."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.definition.io import write_atomic
from engine.errors import BatonError
from engine.proctest.format import TESTS_SUFFIX, TestFile, TestScenario

DEFINITION_SUFFIX = ".baton.json"


class TestFileError(BatonError):
    """A tests file cannot be read, does not fit the format or its definition (exit 2)."""

    __test__ = False
    exit_code = 2


def tests_path_for(definition_file: str | Path) -> Path:
    """`NAME.tests.json` beside `NAME.baton.json`."""
    path = Path(definition_file)
    return path.with_name(path.name.removesuffix(DEFINITION_SUFFIX) + TESTS_SUFFIX)


def definition_path_for(tests_file: str | Path) -> Path:
    """`NAME.baton.json` beside `NAME.tests.json`."""
    path = Path(tests_file)
    return path.with_name(path.name.removesuffix(TESTS_SUFFIX) + DEFINITION_SUFFIX)


def find_tests(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """The tests files the paths name, and the definitions found without one.

    A path may be a tests file, a definition (its tests file beside it) or a folder (every
    tests file under it, and every definition there that has none).

    Raises:
        TestFileError: a path does not exist, or a named definition has no tests file.
    """
    found: list[Path] = []
    untested: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(path.rglob("*" + TESTS_SUFFIX)))
            untested.extend(
                d
                for d in sorted(path.rglob("*" + DEFINITION_SUFFIX))
                if not tests_path_for(d).exists()
            )
        elif path.name.endswith(DEFINITION_SUFFIX):
            beside = tests_path_for(path)
            if not beside.exists():
                raise TestFileError(
                    f"no tests beside it (looked for {beside.name})",
                    file=str(path),
                    hint="write one (see docs: 'Process tests') or record one with --record",
                )
            found.append(beside)
        elif path.exists():
            if not path.name.endswith(TESTS_SUFFIX):
                raise TestFileError(
                    f"not a tests file (the name should end in {TESTS_SUFFIX})", file=str(path)
                )
            found.append(path)
        else:
            raise TestFileError("no such file or folder", file=str(path))
    unique: dict[Path, Path] = {}
    for file in found:  # a file named twice (itself and its folder) runs once
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), untested


def _place(data: Any, loc: Sequence[Any]) -> str:
    """`scenario 'name', script[2].complete` for a pydantic error location."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "scenarios" and isinstance(rest[1], int):
        index = rest[1]
        scenarios = data.get("scenarios") if isinstance(data, dict) else None
        name = None
        if isinstance(scenarios, list) and index < len(scenarios):
            entry = scenarios[index]
            name = entry.get("name") if isinstance(entry, dict) else None
        parts.append(f"scenario {name!r}" if name else f"scenarios[{index}]")
        rest = rest[2:]
    # Tags of the script's union (complete, event, ...) repeat the key; drop them.
    path = ""
    for i, part in enumerate(rest):
        if isinstance(part, int):
            path += f"[{part}]"
        elif i > 0 and rest[i - 1] == part:
            continue
        else:
            path += ("." if path else "") + str(part)
    if path:
        parts.append(path)
    return ", ".join(parts)


def tests_from_dict(data: Any, source: str | None = None) -> TestFile:
    """A tests file from parsed JSON.

    Raises:
        TestFileError: naming the scenario and field of the first mistake.
    """
    if not isinstance(data, dict):
        raise TestFileError("a tests file is a JSON object", file=source)
    try:
        return TestFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _place(data, first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        message = f"{where}: {first['msg']}{more}" if where else first["msg"] + more
        raise TestFileError(
            message, file=source, hint="see docs: 'Process tests' for the format"
        ) from None


def load_tests(path: str | Path) -> TestFile:
    """Read a tests file.

    Raises:
        TestFileError: the file is missing, not JSON, or does not fit the format.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TestFileError(f"cannot read it: {exc.strerror}", file=str(path)) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TestFileError(f"not valid JSON: {exc}", file=str(path)) from None
    return tests_from_dict(data, source=str(path))


def scenario_json(scenario: TestScenario) -> dict[str, Any]:
    """A scenario as the plain JSON a tests file holds (defaults left out)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def dumps_tests(tests: TestFile) -> str:
    """A tests file as stable, indented JSON text."""
    data = tests.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"schema": tests.schema_, **data}
    data["scenarios"] = [scenario_json(s) for s in tests.scenarios]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_tests(tests: TestFile, path: str | Path) -> None:
    """Write a tests file atomically (temp file, fsync, rename)."""
    write_atomic(Path(path), dumps_tests(tests))


def add_scenario(path: Path, definition_id: str, scenario: TestScenario) -> None:
    """Add a scenario to a tests file (created when missing); the file is rewritten whole.

    Raises:
        TestFileError: the file is for another orchestration, or has a scenario of that name.
    """
    if path.exists():
        tests = load_tests(path)
        if tests.definition != definition_id:
            raise TestFileError(
                f"these tests are for {tests.definition!r}, the run is of {definition_id!r}",
                file=str(path),
            )
        if any(s.name == scenario.name for s in tests.scenarios):
            raise TestFileError(
                f"it already has a scenario named {scenario.name!r}",
                file=str(path),
                hint="choose another with --name",
            )
        tests = tests.model_copy(update={"scenarios": [*tests.scenarios, scenario]})
    else:
        tests = TestFile(definition=definition_id, scenarios=[scenario])
    save_tests(tests, path)
