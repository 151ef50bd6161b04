"""Baton's example orchestrations and icons, installed as the `baton_resources` package.

Read them through `engine.resources`, never by a path relative to a source file.
"""
