"""The one part of the package layout that pyproject.toml cannot say.

The repository keeps `resources/` (example orchestrations, icons) at its top level; installed,
it is the `baton_resources` package, read through importlib.resources (engine/resources.py).
Everything else about the package is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

RESOURCES = "baton_resources"
resource_packages = [
    f"{RESOURCES}.{name}"
    for name in find_namespace_packages(where="resources", exclude=["__pycache__*"])
]

setup(
    packages=[*find_packages(include=["engine*", "designer*"]), RESOURCES, *resource_packages],
    package_dir={RESOURCES: "resources"},
    package_data={name: ["*.json", "*.svg", "*.qss"] for name in resource_packages},
)
