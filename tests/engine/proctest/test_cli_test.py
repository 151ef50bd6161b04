"""`baton test` at a terminal and in CI: summary, exit codes, JUnit XML, schema."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.engine.proctest.helpers import EXAMPLES, example_folder, scenario, write_tests


def test_the_bundled_examples_pass_and_reach_every_branch(baton):
    # Given the three examples and their tests, when CI runs them demanding every branch
    result = baton("test", EXAMPLES, "--min-branches", "100")
    # then all pass, every definition is reported at 100 %, and the exit code is 0
    assert result.code == 0, result.out + result.err
    for name in ("customer_onboarding", "deal_desk_approval", "employee_onboarding"):
        assert f"{name}: " in result.out
    assert result.out.count("(100% of branches)") == 3
    assert "not reached" not in result.out
    assert " passed in " in result.out.splitlines()[-1]
    assert "failed" not in result.out


def test_a_wrong_expectation_fails_naming_the_field_and_both_values(baton, tmp_path):
    # Given the deal-desk example with one expectation changed: a small discount "needs" finance
    folder = example_folder(tmp_path, "deal_desk_approval")
    path = folder / "deal_desk_approval.tests.json"
    data = json.loads(path.read_text())
    data["scenarios"][0]["expect"]["path"] = ["prepare", "finance_review", "close"]
    path.write_text(json.dumps(data))
    # When the tests run
    result = baton("test", path)
    # Then that scenario fails with what was expected and what happened, and the exit is 1
    assert result.code == 1
    assert "F......." in result.out
    assert "deal_desk_approval.tests.json::a small discount closes without review" in result.out
    assert (
        "expect.path: expected ['prepare', 'finance_review', 'close'], got ['prepare', 'close']"
        in result.out
    )
    assert "1 failed, 7 passed in" in result.out


def test_a_scenario_naming_a_step_the_definition_lacks_is_bad_input(baton, tmp_path):
    # Given a tests file whose script completes a step that does not exist
    example_folder(tmp_path, "deal_desk_approval")
    path = write_tests(
        tmp_path,
        "deal_desk_approval",
        scenario(
            "typo",
            {"complete": "qoute", "outputs": {"discount": 5}},
            inputs={"deal_name": "A", "amount": 1, "owner_email": "a@b.c"},
        ),
    )
    # When it runs
    result = baton("test", path)
    # Then one line names the file, scenario and field, and lists the steps that exist
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"baton: error: {path}: scenario 'typo', script[0].complete:")
    assert "'qoute' is not an interactive step" in lines[0]
    assert "quote" in lines[0] and "finance_approval" in lines[0]


def test_a_field_of_the_wrong_type_is_bad_input_naming_scenario_and_field(baton, tmp_path):
    example_folder(tmp_path, "deal_desk_approval")
    path = write_tests(tmp_path, "deal_desk_approval", scenario("late", {"advance": "two days"}))
    result = baton("test", path)
    assert result.code == 2
    assert f"{path}: scenario 'late', script[0].advance:" in result.err
    assert "Traceback" not in result.err


def test_a_script_entry_of_no_known_kind_is_bad_input(baton, tmp_path):
    example_folder(tmp_path, "deal_desk_approval")
    path = write_tests(tmp_path, "deal_desk_approval", scenario("odd", {"approve": "quote"}))
    result = baton("test", path)
    assert result.code == 2
    assert "scenario 'odd', script[0]: a script entry has exactly one of: complete" in result.err


def test_a_tests_file_that_is_not_json_is_bad_input(baton, tmp_path):
    path = tmp_path / "x.tests.json"
    path.write_text("{ nope")
    result = baton("test", path)
    assert result.code == 2
    assert result.err.startswith(f"baton: error: {path}: not valid JSON")


def test_a_definition_without_tests_is_named_when_asked_for(baton, tmp_path):
    definition = tmp_path / "deal_desk_approval.baton.json"
    definition.write_text((EXAMPLES / definition.name).read_text())
    result = baton("test", definition)
    assert result.code == 2
    assert "no tests beside it (looked for deal_desk_approval.tests.json)" in result.err


def test_a_folder_with_no_tests_is_a_usage_error(baton, tmp_path):
    result = baton("test", tmp_path)
    assert result.code == 2
    assert "no tests files found" in result.err


def test_junit_xml_has_a_case_per_scenario_and_the_failure_text(baton, tmp_path):
    # Given one failing scenario among the deal-desk tests
    folder = example_folder(tmp_path, "deal_desk_approval")
    path = folder / "deal_desk_approval.tests.json"
    data = json.loads(path.read_text())
    data["scenarios"][1]["expect"]["status"] = "failed"
    path.write_text(json.dumps(data))
    report = tmp_path / "out" / "junit.xml"
    report.parent.mkdir()
    # When the tests run with --junit-xml
    result = baton("test", path, "--junit-xml", report)
    # Then the XML holds every scenario as a test case, the failing one with its reason
    assert result.code == 1
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("name") == "deal_desk_approval"
    assert suite.get("tests") == "8" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases][:2] == [
        "a small discount closes without review",
        "finance approves a 20% discount",
    ]
    failure = cases[1].find("failure")
    assert failure is not None
    assert "expect.status: expected 'failed', got 'completed'" in failure.get("message")
    coverage = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert coverage["coverage.stages"] == "4/4"


def test_k_runs_only_the_scenarios_whose_name_matches(baton):
    result = baton("test", EXAMPLES / "deal_desk_approval.tests.json", "-k", "in the CFO")
    assert result.code == 0
    assert "deal_desk_approval.tests.json ." in result.out
    assert "1 passed" in result.out


def test_too_few_branches_reached_fails_when_a_minimum_is_asked(baton, tmp_path):
    # Given only the first deal-desk scenario (no review at all)
    folder = example_folder(tmp_path, "deal_desk_approval")
    path = folder / "deal_desk_approval.tests.json"
    data = json.loads(path.read_text())
    data["scenarios"] = data["scenarios"][:1]
    path.write_text(json.dumps(data))
    # When run with a minimum of 100 % of branches
    result = baton("test", folder, "--min-branches", "100")
    # Then it passes but fails the minimum, listing what no scenario reached
    assert result.code == 1
    assert "1 passed" in result.out
    assert "branches 1/7" in result.out
    assert (
        "not reached: branch discount_level->full_review: decision Discount level -> "
        "Finance and legal review (quote.discount > 30)" in result.out
    )
    assert "not reached: stage finance_review: stage Finance review" in result.out
    assert "fewer than 100% of its branches" in result.err


def test_schema_prints_a_json_schema_of_the_tests_format(baton):
    result = baton("test", "--schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["title"] == "Baton process tests"
    assert {"definition", "scenarios"} <= set(schema["required"])
    assert "ExpectAction" in schema["$defs"] and "Expectations" in schema["$defs"]


def test_ci_runs_the_installed_command_on_the_examples_and_gets_junit_xml(tmp_path):
    # Given the `baton` console script of this environment, as a CI job calls it
    baton_script = Path(sys.executable).parent / "baton"
    report = tmp_path / "process-tests.xml"
    # When it tests the bundled examples, demanding every branch
    done = subprocess.run(
        [
            str(baton_script),
            "test",
            str(EXAMPLES),
            "--min-branches",
            "100",
            "--junit-xml",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Then it exits 0 and the report lists every scenario of the three files, none failing
    assert done.returncode == 0, done.stdout + done.stderr
    suites = ET.parse(report).getroot().findall("testsuite")
    assert sorted(s.get("name") for s in suites) == [
        "customer_onboarding",
        "deal_desk_approval",
        "employee_onboarding",
    ]
    assert all(s.get("failures") == "0" for s in suites)
    assert sum(int(s.get("tests")) for s in suites) >= 20
