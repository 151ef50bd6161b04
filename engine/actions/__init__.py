"""Actions that background steps run: built-ins and third-party plugins."""

from engine.actions.registry import action_names, is_known_action

__all__ = ["action_names", "is_known_action"]
