"""Every user edit is one QUndoCommand calling one document method (STYLE.md rule 3)."""

from designer.commands.properties import (
    RenameIdCommand,
    SetPropertiesCommand,
    UpdateFlowCommand,
    UpdateNodeCommand,
    UpdateStepCommand,
)

__all__ = [
    "RenameIdCommand",
    "SetPropertiesCommand",
    "UpdateFlowCommand",
    "UpdateNodeCommand",
    "UpdateStepCommand",
]
