"""The files Baton ships beside its code: example orchestrations and icons.

They live in the repository's top-level `resources/` folder, which is installed as the
`baton_resources` package (setup.py maps the folder to that name), so a source checkout, an
editable install, a wheel and the desktop bundle all find them the same way: through
`importlib.resources`. Everything that reads a resource goes through this module. A missing
file is `None` (or an empty list), never an exception: each caller decides what to show
instead, and says in one line what is missing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "baton_resources"
EXAMPLES = "examples"
ICONS = "icons"


def resource_path(*parts: str) -> Path | None:
    """The installed file `resources/<parts...>` on disk, or None when it is not there.

    Qt's loaders and the CLI want a file path; every way Baton is installed keeps its
    resources as plain files, so the path is the file itself, not a temporary copy.
    """
    folder = _root()
    if folder is None:
        return None
    path = folder.joinpath(*parts)
    return path if path.is_file() else None


def example_files() -> list[Path]:
    """The bundled example definitions (`*.baton.json`), sorted by name; [] when absent."""
    folder = _root()
    if folder is None or not (folder / EXAMPLES).is_dir():
        return []
    return sorted((folder / EXAMPLES).glob("*.baton.json"))


def example_path(name: str) -> Path | None:
    """A bundled example by file name (`employee_onboarding.baton.json`), or None."""
    return resource_path(EXAMPLES, name)


def icon_path(name: str) -> Path | None:
    """The SVG of an icon by name (`stage`, `undo`, `baton`), or None when absent."""
    return resource_path(ICONS, f"{name}.svg")


def _root() -> Path | None:
    try:
        folder = resources.files(PACKAGE)
    except ModuleNotFoundError:
        return None
    # A zip import would give a zipfile.Path; no Baton install is zipped, and Qt could not
    # read from one anyway, so only a real folder counts.
    return folder if isinstance(folder, Path) else None
