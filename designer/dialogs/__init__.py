"""Dialogs of the designer."""
