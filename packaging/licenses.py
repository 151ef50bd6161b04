"""Copy the licence texts of everything the desktop bundle carries into one folder.

Run by build.sh with the build environment's Python, after PyInstaller:

    python packaging/licenses.py dist/baton/licenses

Walks Baton's runtime requirements as installed (following extras such as `psycopg[binary]`,
leaving out build tools like PyInstaller), and copies each distribution's licence files into
`<folder>/<name>/`; then Python's own licence. PySide6 and Shiboken6 wheels carry no licence
file, so the LGPL-3.0 and GPL-3.0 texts they name come from the build system's
/usr/share/common-licenses (Debian). Prints one line per component.
"""

from __future__ import annotations

import re
import shutil
import sys
import sysconfig
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = "baton-studio"
LICENCE_FILE = re.compile(r"licen[cs]e|copying|notice|authors", re.IGNORECASE)
COMMON_LICENSES = Path("/usr/share/common-licenses")
# Wheels whose licence is only a metadata expression: the texts it names.
TEXTS_NOT_IN_WHEEL = {"pyside6-essentials": ("LGPL-3", "GPL-3"), "shiboken6": ("LGPL-3", "GPL-3")}


def runtime_distributions(root: str = ROOT) -> list[Distribution]:
    """The installed distributions `root` needs at run time (itself excluded), by name."""
    found: dict[str, Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # a requirement for another platform or Python
        key = _key(dist.metadata["Name"])
        if key in found and not extras:
            continue
        found[key] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = [{"extra": e} for e in extras] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(w) for w in wanted):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    found.pop(_key(root), None)
    return sorted(found.values(), key=lambda d: _key(d.metadata["Name"]))


def copy_licences(folder: Path) -> list[str]:
    """Fill `folder` with one sub-folder of licence texts per component; the lines to print."""
    shutil.rmtree(folder, ignore_errors=True)
    lines = []
    python_licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if python_licence.is_file():
        _copy(python_licence, folder / "Python" / "LICENSE.txt")
        lines.append(f"Python {sys.version.split()[0]}: LICENSE.txt")
    for dist in runtime_distributions():
        name = dist.metadata["Name"]
        copied = []
        for file in dist.files or []:
            if LICENCE_FILE.search(file.name) and file.suffix not in (".py", ".pyc"):
                relative = _inside_licenses(file.parts) or file.name
                _copy(Path(str(file.locate())), folder / name / relative)
                copied.append(relative)
        for text in TEXTS_NOT_IN_WHEEL.get(_key(name), ()):
            if (COMMON_LICENSES / text).is_file():
                _copy(COMMON_LICENSES / text, folder / name / f"{text}.txt")
                copied.append(f"{text}.txt")
        expression = _licence(dist)
        listed = ", ".join(copied) or "NO LICENCE FILE FOUND"
        lines.append(f"{name} {dist.version} ({expression}): {listed}")
    return lines


def _licence(dist: Distribution) -> str:
    expression = dist.metadata.get("License-Expression")
    if expression:
        return expression
    classifiers = dist.metadata.get_all("Classifier") or []
    named = [c.split("::")[-1].strip() for c in classifiers if c.startswith("License ::")]
    return ", ".join(named) or "licence named in its files"


def _inside_licenses(parts: tuple[str, ...]) -> str | None:
    # Wheels following PEP 639 keep their files under <dist-info>/licenses/, with the
    # source tree's sub-folders (numpy has several LICENSE.txt); keep that layout.
    if "licenses" in parts:
        return "/".join(parts[parts.index("licenses") + 1 :])
    return None


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python packaging/licenses.py FOLDER")
    for line in copy_licences(Path(sys.argv[1])):
        print(f"licenses: {line}")
