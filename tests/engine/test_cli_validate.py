"""`baton validate` and `baton schema` as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.definition import json_schema, save_definition
from tests.engine.builders import empty_stage, flow, linear, stage, variable


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "clean.baton.json"
    save_definition(linear(stage("review")), path)
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    # a stage nothing flows into, and a variable nothing uses
    definition = linear(stage("review"), variables=[variable("note", input=False)])
    definition.nodes.insert(2, stage("orphan"))
    definition.flows.append(flow("orphan", "end"))
    path = tmp_path / "broken.baton.json"
    save_definition(definition, path)
    return path


@pytest.fixture
def unreadable_file(tmp_path: Path) -> Path:
    path = tmp_path / "notjson.baton.json"
    path.write_text("{ not json", encoding="utf-8")
    return path


def test_clean_file_exits_0_and_says_ok(clean_file, capsys):
    # when
    code = main(["validate", str(clean_file)])
    # then
    assert code == 0
    assert capsys.readouterr().out == f"{clean_file}: ok\n"


def test_file_with_errors_exits_1_with_one_line_per_diagnostic(broken_file, capsys):
    # when
    code = main(["validate", str(broken_file)])
    # then
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{broken_file}: error unreachable [orphan] no path of flows")
    assert lines[1].startswith(f"{broken_file}: warning unused-variable [note] ")
    assert len(lines) == 2


def test_warnings_alone_exit_0(tmp_path, capsys):
    # given a definition whose only problem is an empty stage
    path = tmp_path / "warn.baton.json"
    save_definition(linear(empty_stage("later")), path)
    # when
    code = main(["validate", str(path)])
    # then
    assert code == 0
    assert "warning empty-stage [later.steps]" in capsys.readouterr().out


def test_unreadable_file_exits_2_with_the_reason_on_stderr(unreadable_file, capsys):
    # when
    code = main(["validate", str(unreadable_file)])
    # then
    err = capsys.readouterr().err
    assert code == 2
    assert f"baton: error: {unreadable_file}: not valid JSON at line 1, column 3" in err


def test_several_files_exit_with_the_worst_outcome(
    clean_file, broken_file, unreadable_file, capsys
):
    # when
    code = main(["validate", str(clean_file), str(broken_file), str(unreadable_file)])
    # then every file is reported and the unreadable one decides the exit code
    out = capsys.readouterr().out
    assert code == 2
    assert f"{clean_file}: ok" in out
    assert f"{broken_file}: error unreachable" in out


def test_json_format_prints_an_array_with_stable_keys(broken_file, clean_file, capsys):
    # when
    code = main(["validate", "--format", "json", str(clean_file), str(broken_file)])
    # then
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [list(item) for item in report] == [
        ["file", "severity", "code", "element", "field", "message"]
    ] * 2
    assert [(d["file"], d["code"], d["element"]) for d in report] == [
        (str(broken_file), "unreachable", "orphan"),
        (str(broken_file), "unused-variable", "note"),
    ]


def test_schema_prints_a_json_schema_of_the_format(capsys):
    # when
    code = main(["schema"])
    # then it is JSON Schema whose references all resolve
    schema = json.loads(capsys.readouterr().out)
    assert code == 0
    assert schema == json_schema()
    assert schema["type"] == "object"
    assert {"schema", "id", "trigger", "variables", "nodes", "flows", "layout"} <= set(
        schema["properties"]
    )
    refs = set(re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema)))
    assert refs and refs <= set(schema["$defs"])
    assert "from" in schema["$defs"]["Flow"]["properties"]


def test_installed_baton_command_validates_a_file(broken_file):
    # given the console script installed with the package
    baton = Path(sys.executable).with_name("baton")
    # when it runs as a user would run it
    result = subprocess.run(
        [str(baton), "validate", str(broken_file)], capture_output=True, text=True, timeout=60
    )
    # then
    assert result.returncode == 1
    assert re.match(rf"{re.escape(str(broken_file))}: error unreachable \[orphan\] ", result.stdout)
    assert result.stderr == ""
