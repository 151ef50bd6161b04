"""Actions that background steps run: the registry and the built-ins."""

from engine.actions.registry import (
    BUILTIN_ACTIONS,
    ENTRY_POINT_GROUP,
    Action,
    action_names,
    get_action,
    is_known_action,
    register_action,
    unregister_action,
)

__all__ = [
    "BUILTIN_ACTIONS",
    "ENTRY_POINT_GROUP",
    "Action",
    "action_names",
    "get_action",
    "is_known_action",
    "register_action",
    "unregister_action",
]
