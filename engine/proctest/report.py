"""The pytest-like summary `baton test` prints, and the JUnit XML file CI systems read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from engine.definition.io import write_atomic
from engine.proctest.coverage import KINDS, Coverage
from engine.proctest.runner import FileResult

_WIDTH = 78
_PLURAL = {
    "stage": "stages",
    "step": "steps",
    "branch": "branches",
    "fault": "fault routes",
    "end": "ends",
}


def _rule(title: str, char: str = "=") -> str:
    side = max(3, (_WIDTH - len(title) - 2) // 2)
    return f"{char * side} {title} {char * side}"


def progress_line(result: FileResult) -> str:
    """`path .F.` : one mark per scenario, as pytest prints them."""
    marks = "".join("." if r.passed else "F" for r in result.results)
    return f"{result.path} {marks}"


def coverage_lines(coverage: Coverage) -> list[str]:
    """Counts per kind on one line, then every element not reached."""
    counts = "  ".join(
        f"{_PLURAL[kind]} {reached}/{total}"
        for kind in KINDS
        for reached, total in [coverage.counts(kind)]
        if total or kind != "fault"
    )
    lines = [f"{coverage.definition}: {counts}  ({coverage.branch_percent():.0f}% of branches)"]
    lines.extend(f"  not reached: {e.kind} {e.id}: {e.label}" for e in coverage.missing())
    return lines


def summary(results: Sequence[FileResult], seconds: float, untested: Sequence[Path] = ()) -> str:
    """The whole report: failures with their reasons, coverage, then one count line."""
    lines: list[str] = []
    failed = [(f, r) for f in results for r in f.failed]
    if failed:
        lines.append(_rule("FAILURES"))
        for file_result, scenario in failed:
            lines.append(_rule(f"{file_result.path.name}::{scenario.name}", "_"))
            lines.extend(scenario.failures)
    lines.append(_rule("coverage"))
    for file_result in results:
        lines.extend(coverage_lines(file_result.coverage))
    lines.extend(f"{path}: no tests (write NAME.tests.json beside it)" for path in untested)
    passed = sum(r.passed for f in results for r in f.results)
    total = sum(len(f.results) for f in results)
    words = [f"{len(failed)} failed"] if failed else []
    words.append(f"{passed} passed")
    if total == 0:
        words = ["no scenarios ran"]
    lines.append(_rule(f"{', '.join(words)} in {seconds:.2f}s"))
    return "\n".join(lines)


def junit_xml(results: Sequence[FileResult]) -> str:
    """JUnit XML: one testsuite per tests file, one testcase per scenario."""
    suites = ET.Element("testsuites", name="baton test")
    for file_result in results:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file_result.definition.id,
            file=str(file_result.path),
            tests=str(len(file_result.results)),
            failures=str(len(file_result.failed)),
            errors="0",
            skipped="0",
            time=f"{sum(r.seconds for r in file_result.results):.3f}",
        )
        props = ET.SubElement(suite, "properties")
        for kind in KINDS:
            reached, total = file_result.coverage.counts(kind)
            name = f"coverage.{_PLURAL[kind].replace(' ', '_')}"
            ET.SubElement(props, "property", name=name, value=f"{reached}/{total}")
        for scenario in file_result.results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=file_result.definition.id,
                name=scenario.name,
                file=str(file_result.path),
                time=f"{scenario.seconds:.3f}",
            )
            if not scenario.passed:
                failure = ET.SubElement(case, "failure", message=scenario.failures[0])
                failure.text = "\n".join(scenario.failures)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def write_junit_xml(results: Sequence[FileResult], path: Path) -> None:
    """Write the JUnit XML report atomically."""
    write_atomic(path, junit_xml(results))
