"""The actions a background step may run: names for validation, callables for the runtime.

Built-ins ship with Baton; third-party actions register through the entry-point group
`baton.actions` (a callable taking inputs and a context, returning outputs). Programs that
embed the engine (tests, simulation) can also `register_action` directly. Validation only
needs the names, so nothing is imported until a callable is asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

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

# Actions named `salesforce:<FlowApiName>` stand in for flows of an imported orchestration,
# `bpmn:<task type>` for the tasks of an imported foreign BPMN process.
STAND_IN_PREFIXES = ("salesforce:", "bpmn:")

Action = Callable[[dict[str, Any], Any], Mapping[str, Any] | None]
"""An action: `(inputs, context) -> outputs or None`. Raising an exception means failure."""

_registered: dict[str, Action] = {}


@functools.lru_cache(maxsize=1)
def _plugins() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _plugin_names() -> frozenset[str]:
    return frozenset(_plugins())


def action_names() -> frozenset[str]:
    """Every action name available here: built-ins, installed plugins, registered ones."""
    return BUILTIN_ACTIONS | _plugin_names() | frozenset(_registered)


def is_known_action(name: str) -> bool:
    """Whether a background step may name this action."""
    return name in action_names() or name.startswith(STAND_IN_PREFIXES)


def register_action(name: str, action: Action) -> None:
    """Make an action available to this process under a name (replacing any earlier one)."""
    _registered[name] = action


def unregister_action(name: str) -> None:
    """Remove an action registered with `register_action`."""
    _registered.pop(name, None)


@functools.lru_cache(maxsize=256)
def _load_plugin(name: str) -> Action:
    return _plugins()[name].load()


def get_action(name: str) -> Action | None:
    """The callable behind an action name, or None when nothing provides it."""
    if name in _registered:
        return _registered[name]
    if name in BUILTIN_ACTIONS:
        from engine.actions.builtins import BUILTINS

        return BUILTINS[name]
    if name in _plugins():
        return _load_plugin(name)
    if name.startswith(STAND_IN_PREFIXES):
        return _stand_in
    return None


def _stand_in(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    # A flow that lives in Salesforce (or a task's worker elsewhere) cannot run here;
    # completing without outputs lets an imported orchestration run end to end (simulation
    # scenarios supply outputs if needed).
    return {}


# The inputs each built-in reads (set_variables takes any: each names a run variable).
BUILTIN_INPUTS: dict[str, tuple[str, ...]] = {
    "set_variables": (),
    "log": ("message",),
    "send_email": ("to", "subject", "body", "cc", "sender"),
    "create_record": ("object", "fields"),
    "update_record": ("object", "id", "fields"),
    "start_orchestration": ("orchestration", "inputs"),
}


def action_inputs(name: str) -> tuple[str, ...]:
    """The input names an action declares: a built-in's, or a plugin's `inputs` attribute.

    Empty when the action declares none (or is unknown); any input name is still allowed.
    Asking for a plugin's inputs imports the plugin.
    """
    if name in BUILTIN_INPUTS and name not in _registered:
        return BUILTIN_INPUTS[name]
    try:
        action = get_action(name)
    except Exception:  # a plugin that fails to import declares nothing here
        return ()
    declared = getattr(action, "inputs", ())
    if isinstance(declared, str) or not all(isinstance(n, str) for n in declared):
        return ()
    return tuple(declared)
