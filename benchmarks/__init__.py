"""Benchmarks, run as scripts. `synthetic` and `wrapped_layout` are also used by the tests,
which is why they live here and not in the shipped `engine` package."""
