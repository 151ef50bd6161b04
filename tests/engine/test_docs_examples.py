"""The console examples in README.md and docs/ that are marked runnable run as written.

A fenced ``console`` block is runnable when the line just before it is ``<!-- run -->``.
Each ``$ `` line of the block runs in bash, in a fresh temporary folder holding a copy of
``resources/examples/``, with the ``baton`` of this environment first on PATH and an empty
home (so the default database is a new one); lines of one block share that folder, so a
block can activate a definition and then start it. A block marked ``<!-- run: continued -->``
goes on where the previous runnable block of the same page stopped (same folder, same
variables), so a walkthrough can be told in steps with prose between them.

A line ``$ NAME=$(COMMAND)`` does what bash does: it keeps the command's output in a variable
that later lines read as ``$NAME``; that is how a walkthrough names the run it started
without printing an id no reader could type.

The lines after a command, up to the next ``$ ``, are its expected output (stdout; stderr
too when the command fails, since hints such as the first-run note about your login name
depend on the machine). Before comparing, run ids, work item ids, record ids and times are
masked in both, and a line that is just ``...`` stands for any number of lines. A
``# comment`` after a command is bash's, so it is not run. Blocks that are not marked may use
placeholders such as ``<run-id>``; they are there to read, not to run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- run -->"
CONTINUED = "<!-- run: continued -->"
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=\$\((.*)\)\s*(#.*)?$")
MASKS = [
    (re.compile(r"\brun-[0-9a-z]{10,13}\b"), "run-<id>"),
    (re.compile(r"\bwi-[0-9a-z]{10,13}\b"), "wi-<id>"),
    (re.compile(r"^[0-9a-f]{12}$", re.MULTILINE), "<record-id>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
]


@dataclass
class Command:
    line: str
    expected: list[str]


@dataclass
class Block:
    source: str
    commands: list[Command]
    continued: bool = False


def _doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def runnable_blocks(path: Path) -> list[Block]:
    """The marked console blocks of one markdown file, split into commands and outputs."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        marker = line.strip()
        if marker not in (MARKER, CONTINUED):
            continue
        if i + 1 >= len(lines) or lines[i + 1].strip() != "```console":
            continue
        commands: list[Command] = []
        for body in lines[i + 2 :]:
            if body.strip() == "```":
                break
            if body.startswith("$ "):
                commands.append(Command(body[2:], []))
            elif commands:
                commands[-1].expected.append(body)
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        source = f"{name}:{i + 2}"
        blocks.append(Block(source, commands, continued=marker == CONTINUED))
    return blocks


@dataclass
class Walkthrough:
    """A runnable block and the blocks marked as continuing it: one folder, one shell state."""

    source: str
    blocks: list[Block]


def walkthroughs(path: Path) -> list[Walkthrough]:
    found: list[Walkthrough] = []
    for block in runnable_blocks(path):
        if block.continued:
            assert found, f"{block.source}: {CONTINUED} with no runnable block before it"
            found[-1].blocks.append(block)
        else:
            found.append(Walkthrough(block.source, [block]))
    return found


def _mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text.rstrip()


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line after masking; a `...` line matches any run of lines (even none)."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    same = bool(actual) and _mask(expected[0]) == _mask(actual[0])
    return same and _matches(expected[1:], actual[1:])


ALL_WALKTHROUGHS = [w for path in _doc_files() for w in walkthroughs(path)]


def test_the_readme_tour_is_marked_runnable() -> None:
    assert any(w.source.startswith("README.md") for w in ALL_WALKTHROUGHS)


def test_a_variable_keeps_what_its_command_printed(tmp_path: Path) -> None:
    # Given a page whose walkthrough names a value, then reads it in a later block
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- run -->\n```console\n$ name=$(echo Ben Ode)\n```\ntext\n"
        '<!-- run: continued -->\n```console\n$ echo "hello $name"\nhello Ben Ode\n```\n',
        encoding="utf-8",
    )
    # When it is read and run
    (walkthrough,) = walkthroughs(page)
    _run(walkthrough, tmp_path / "work")
    # Then both blocks belong to one walkthrough, and the second saw the first's variable
    assert [len(b.commands) for b in walkthrough.blocks] == [1, 1]


@pytest.mark.parametrize("walkthrough", ALL_WALKTHROUGHS, ids=[w.source for w in ALL_WALKTHROUGHS])
def test_a_marked_console_walkthrough_runs_as_written(
    walkthrough: Walkthrough, tmp_path: Path
) -> None:
    _run(walkthrough, tmp_path)


def _run(walkthrough: Walkthrough, tmp_path: Path) -> None:
    # Given a folder with the bundled examples and an empty home
    shutil.copytree(ROOT / "resources" / "examples", tmp_path / "resources" / "examples")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        COLUMNS="100",
        QT_QPA_PLATFORM="offscreen",
    )
    commands = [(block, command) for block in walkthrough.blocks for command in block.commands]
    for block, command in commands:
        # When the command runs as a user would type it
        assignment = ASSIGNMENT.match(command.line)
        done = subprocess.run(
            ["bash", "-c", assignment.group(2) if assignment else command.line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if assignment:
            # bash keeps the output without its trailing newlines and prints nothing itself
            env[assignment.group(1)] = done.stdout.rstrip("\n")
            printed = done.stderr if done.returncode else ""
        else:
            printed = done.stdout + (done.stderr if done.returncode else "")
        actual = _mask(printed).splitlines()
        expected = list(command.expected)
        while expected and not expected[-1].strip():
            expected.pop()
        # Then it prints what the docs say
        assert _matches(expected, actual), (
            f"{block.source}: `$ {command.line}` printed:\n" + "\n".join(actual)
        )
