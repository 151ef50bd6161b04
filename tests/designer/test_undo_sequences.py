"""Long random edit sequences: undoing all of them gives back the very first document, and
redoing all of them gives back the very last, byte for byte (seeded, so reproducible)."""

from __future__ import annotations

import random

import pytest
from builders import text_of, two_stages
from PySide6.QtGui import QUndoStack

from designer.canvas.auto_layout import auto_layout
from designer.commands import (
    AddFlowCommand,
    AddNodeCommand,
    AddStepCommand,
    LinkAfterCommand,
    MoveNodesCommand,
    MoveStepCommand,
    SetLayoutCommand,
    copy_fragment,
    delete_command,
    paste_command,
)
from designer.document import Document
from designer.document.factory import new_node, new_step
from engine.definition import Flow, Position, StageNode


def random_edit(document: Document, rng: random.Random):
    definition = document.definition
    stages = [n for n in definition.nodes if isinstance(n, StageNode)]
    steps = [s.id for _, s in definition.steps()]
    nodes = [n.id for n in definition.nodes]
    choice = rng.randrange(9)
    if choice == 0:
        kind = rng.choice(["stage", "decision", "end"])
        node = new_node(document, kind)
        return AddNodeCommand(
            document, node, Position(x=rng.randrange(0, 2000), y=rng.randrange(0, 900))
        )
    if choice == 1 and stages:
        step = new_step(document, rng.choice(["interactive", "background", "wait"]))
        stage = rng.choice(stages)
        return AddStepCommand(document, stage.id, step, rng.randrange(len(stage.steps) + 1))
    if choice == 2 and steps and stages:
        stage = rng.choice(stages)
        return MoveStepCommand(
            document, rng.choice(steps), stage.id, rng.randrange(len(stage.steps) + 1)
        )
    if choice == 3 and len(nodes) > 1:
        source, target = rng.sample(nodes, 2)
        if document.flow(source, target) is None and definition.node(target).type != "start":
            return AddFlowCommand(document, Flow(source=source, target=target))
    if choice == 4:
        keys = rng.sample(nodes + steps, min(len(nodes + steps), rng.randrange(1, 4)))
        return delete_command(document, keys)
    if choice == 5:
        text = copy_fragment(document, rng.sample(nodes + steps, min(2, len(nodes + steps))))
        if text:
            result = paste_command(document, text)
            return result[0] if result else None
    if choice == 6:
        moved = {
            n: Position(x=rng.randrange(0, 2000), y=rng.randrange(0, 900))
            for n in rng.sample(nodes, 1)
        }
        return MoveNodesCommand(document, moved)
    if choice == 7:
        return SetLayoutCommand(document, auto_layout(definition))
    for stage in stages:
        if len(stage.steps) >= 2:
            first, second = stage.steps[0].id, stage.steps[-1].id
            if first not in stage.steps[-1].after:
                return LinkAfterCommand(document, first, second)
    return None


@pytest.mark.parametrize("seed", range(1, 41))
def test_any_sequence_of_edits_undoes_and_redoes_exactly(seed):
    rng = random.Random(seed)
    document, stack = Document(two_stages()), QUndoStack()
    start = text_of(document)
    for _ in range(60):
        command = random_edit(document, rng)
        if command is not None:
            stack.push(command)
    end = text_of(document)
    assert stack.count() > 20  # most random picks make a real edit
    while stack.canUndo():
        stack.undo()
    assert text_of(document) == start
    while stack.canRedo():
        stack.redo()
    assert text_of(document) == end
    stack.clear()  # free the commands now, not in whatever order the collector picks


def assert_scene_matches(scene, document: Document) -> None:
    """Every node, step and flow has exactly one item, in the right place."""
    definition = document.definition
    drawn_flows = {(f.source, f.target) for f in definition.flows}
    assert scene.counts() == (len(definition.nodes), len(definition.steps()), len(drawn_flows))
    for stage, step in definition.steps():
        card = scene.card_item(step.id)
        assert card.parentItem() is scene.node_item(stage.id)
        assert card.scene() is scene
    for node_id, position in definition.layout.items():
        assert scene.node_item(node_id).pos().x() == position.x


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_canvas_follows_every_edit_undo_and_redo(qapp, seed):
    from designer.canvas.scene import DiagramScene
    from designer.selection import Selection

    rng = random.Random(seed)
    document, stack = Document(two_stages()), QUndoStack()
    scene = DiagramScene(document, stack, Selection())
    for _ in range(40):
        command = random_edit(document, rng)
        if command is not None:
            stack.push(command)
            assert_scene_matches(scene, document)
    while stack.canUndo():
        stack.undo()
        assert_scene_matches(scene, document)
    scene.detach()
    stack.clear()  # free the commands now, not in whatever order the collector picks
