"""The names of actions a background step may run.

Built-ins ship with Baton; third-party actions register through the entry-point group
`baton.actions` (a callable taking inputs and a context, returning outputs). Validation
only needs the names, so this module loads nothing heavy.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "baton.actions"

BUILTIN_ACTIONS = frozenset(
    {
        "set_variables",
        "log",
        "send_email",
        "create_record",
        "update_record",
        "start_orchestration",
    }
)

# Actions named `salesforce:<FlowApiName>` stand in for flows of an imported orchestration.
STAND_IN_PREFIXES = ("salesforce:",)


@functools.lru_cache(maxsize=1)
def _plugin_names() -> frozenset[str]:
    return frozenset(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def action_names() -> frozenset[str]:
    """Every action name available here: built-ins plus installed plugins."""
    return BUILTIN_ACTIONS | _plugin_names()


def is_known_action(name: str) -> bool:
    """Whether a background step may name this action."""
    return name in action_names() or name.startswith(STAND_IN_PREFIXES)
