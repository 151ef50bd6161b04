"""Reading XML from other tools safely.

Imported files come from anywhere, so parsing is defused: no DTDs (hence no entity
expansion bombs and no external entities), and a size cap checked before a single byte is
parsed, so a huge file is refused at once instead of filling memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from engine.errors import InterchangeError

MAX_BYTES = 10 * 1024 * 1024
"""Largest file import accepts; real orchestrations are a few hundred kilobytes at most."""


def read_xml_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Element:
    """Read and parse an XML file, refusing oversized, malformed or hostile input.

    Raises:
        InterchangeError: the file is missing, too large, not XML, or uses DTD features.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InterchangeError("file not found", file=str(path)) from None
    except OSError as exc:
        raise InterchangeError(f"cannot read the file: {exc}", file=str(path)) from None
    if size > max_bytes:
        raise InterchangeError(
            f"the file is {size / 1e6:.1f} MB; import accepts at most {max_bytes / 1e6:.0f} MB",
            file=str(path),
            hint="an orchestration file is normally far smaller; check this is the right file",
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise InterchangeError(
            "is a folder, not a file", file=str(path), hint="name the .bpmn or .flow-meta.xml file"
        ) from None
    except OSError as exc:
        raise InterchangeError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return parse_xml_bytes(data, source=str(path), max_bytes=max_bytes)


def parse_xml_bytes(data: bytes, *, source: str = "<data>", max_bytes: int = MAX_BYTES) -> Element:
    """Parse XML held in memory with the same limits as `read_xml_file`."""
    if len(data) > max_bytes:
        raise InterchangeError(f"the document is larger than {max_bytes / 1e6:.0f} MB", file=source)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InterchangeError(
            "the file declares a DTD or entities, which import refuses for safety",
            file=source,
            hint="export the file again from its tool; orchestration files need no DTD",
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise InterchangeError(
            f"not well-formed XML at line {line}, column {column + 1}",
            file=source,
            hint="the file may be truncated or not XML at all",
        ) from None


def local_name(tag: str) -> str:
    """`{namespace}name` -> `name`."""
    return tag.rsplit("}", 1)[-1]


def namespace_of(tag: str) -> str:
    """`{namespace}name` -> `namespace` ('' when there is none)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
