"""Every user edit is one QUndoCommand calling one document method (STYLE.md rule 3)."""

from designer.commands.edit import FRAGMENT_MIME, copy_fragment, delete_command, paste_command
from designer.commands.flows import AddFlowCommand, RemoveFlowCommand, RetargetFlowCommand
from designer.commands.nodes import (
    AddNodeCommand,
    MoveNodesCommand,
    NudgeNodesCommand,
    RemoveNodeCommand,
    SetLayoutCommand,
)
from designer.commands.properties import (
    RenameCommand,
    RenameIdCommand,
    SetPropertiesCommand,
    UpdateFlowCommand,
    UpdateNodeCommand,
    UpdateStepCommand,
)
from designer.commands.steps import (
    AddStepCommand,
    LinkAfterCommand,
    MoveStepCommand,
    RemoveStepCommand,
    SetAfterCommand,
)

__all__ = [
    "FRAGMENT_MIME",
    "AddFlowCommand",
    "AddNodeCommand",
    "AddStepCommand",
    "LinkAfterCommand",
    "MoveNodesCommand",
    "MoveStepCommand",
    "NudgeNodesCommand",
    "RemoveFlowCommand",
    "RemoveNodeCommand",
    "RemoveStepCommand",
    "RenameCommand",
    "RenameIdCommand",
    "RetargetFlowCommand",
    "SetAfterCommand",
    "SetLayoutCommand",
    "SetPropertiesCommand",
    "UpdateFlowCommand",
    "UpdateNodeCommand",
    "UpdateStepCommand",
    "copy_fragment",
    "delete_command",
    "paste_command",
]
