"""Benchmarks (run as scripts; `synthetic_definition` is also used by the designer tests)."""
