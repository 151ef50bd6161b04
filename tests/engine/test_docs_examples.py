"""The console examples in README.md and docs/ that are marked runnable run as written.

A fenced ``console`` block is runnable when the line just before it is ``<!-- run -->``.
Each ``$ `` line of the block runs in bash, in a fresh temporary folder holding a copy of
``resources/examples/``, with the ``baton`` of this environment first on PATH and an empty
home (so the default database is a new one); lines of one block share that folder, so a
block can activate a definition and then start it. The lines after a command, up to the
next ``$ ``, are its expected output (stdout; stderr too when the command fails,
since hints such as the first-run note about your login name depend on the machine).
Before comparing, run ids,
work item ids and times are masked in both, and a line that is just ``...`` stands for any
number of lines. A ``# comment`` after a command is bash's, so it is not run. Blocks that are
not marked may use placeholders such as ``<run-id>``; they are there to read, not to run.
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
MASKS = [
    (re.compile(r"\brun-[0-9a-f]{10}\b"), "run-<id>"),
    (re.compile(r"\bwi-[0-9a-f]{10}\b"), "wi-<id>"),
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


def _doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def runnable_blocks(path: Path) -> list[Block]:
    """The marked console blocks of one markdown file, split into commands and outputs."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        if line.strip() != MARKER or i + 1 >= len(lines) or lines[i + 1].strip() != "```console":
            continue
        commands: list[Command] = []
        for body in lines[i + 2 :]:
            if body.strip() == "```":
                break
            if body.startswith("$ "):
                commands.append(Command(body[2:], []))
            elif commands:
                commands[-1].expected.append(body)
        blocks.append(Block(f"{path.relative_to(ROOT)}:{i + 2}", commands))
    return blocks


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


ALL_BLOCKS = [block for path in _doc_files() for block in runnable_blocks(path)]


def test_the_readme_tour_is_marked_runnable() -> None:
    assert any(block.source.startswith("README.md") for block in ALL_BLOCKS)


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[b.source for b in ALL_BLOCKS])
def test_a_marked_console_block_runs_as_written(block: Block, tmp_path: Path) -> None:
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
    for command in block.commands:
        # When the command runs as a user would type it
        done = subprocess.run(
            ["bash", "-c", command.line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        printed = done.stdout + (done.stderr if done.returncode else "")
        actual = _mask(printed).splitlines()
        expected = list(command.expected)
        while expected and not expected[-1].strip():
            expected.pop()
        # Then it prints what the docs say
        assert _matches(expected, actual), (
            f"{block.source}: `$ {command.line}` printed:\n" + "\n".join(actual)
        )
