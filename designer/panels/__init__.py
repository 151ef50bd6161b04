"""Dockable panels of the designer: the inspector and the problems list."""
