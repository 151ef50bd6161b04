"""Reading and writing `.baton.json` files.

Loading names the file and the place of any problem and never changes the file. Saving
writes a canonical form (model field order, 2-space indent, defaults left out) atomically:
a temporary file beside the target, fsync, then rename, so a crash never leaves a
half-written definition in place of a good one.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import tempfiles
from engine.definition.json_keys import RepetitionSpotter, repeated_keys
from engine.definition.models import SCHEMA, SCHEMA_PREFIX, SCHEMA_VERSION, Orchestration
from engine.errors import DefinitionLoadError, FileWriteError

FILE_SUFFIX = ".baton.json"
BOM = "\ufeff"
_LONGEST_VERSION = 9  # digits; int() refuses strings past 4,300 digits with a ValueError

# schema version N -> function upgrading a raw document from N to N+1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_definition(path: str | os.PathLike[str]) -> Orchestration:
    """Load and check the structure of a definition file.

    Raises:
        DefinitionLoadError: unreadable file, invalid JSON (with line and column), not an
            orchestration, a schema newer than this build, or a structural mistake
            (with the element id and field).
    """
    path = Path(path)
    try:
        # utf-8-sig: a byte order mark, as Windows editors write, is not part of the JSON.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DefinitionLoadError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise DefinitionLoadError(
            "is a folder, not a file", file=str(path), hint="name a .baton.json file in it"
        ) from None
    except UnicodeDecodeError as exc:
        raise DefinitionLoadError(
            f"is not UTF-8 text (byte {exc.start}), so not a definition",
            file=str(path),
            hint="a .baton.json file is JSON text; check this is the right file",
        ) from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise DefinitionLoadError(f"cannot read the file: {reason}", file=str(path)) from None
    return loads_definition(text, source=str(path))


def loads_definition(text: str, *, source: str = "<text>") -> Orchestration:
    """Parse a definition from JSON text; `source` names it in errors.

    A key given twice in one object keeps its last value, as in every JSON reader, and is
    remembered in `repeated_keys` so that validation warns about it.
    """
    text = text.removeprefix(BOM)
    spotter = RepetitionSpotter()
    try:
        raw = json.loads(text, object_pairs_hook=spotter)
    except json.JSONDecodeError as exc:
        raise DefinitionLoadError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            file=source,
            hint="fix the JSON syntax there; the file was not changed",
        ) from None
    except (ValueError, RecursionError) as exc:
        # Valid JSON that Python refuses: numbers over 4,300 digits, nesting too deep.
        raise DefinitionLoadError(
            f"cannot read this JSON: {exc}",
            file=source,
            hint="this is not a definition Baton wrote; the file was not changed",
        ) from None
    definition = from_dict(raw, source=source)
    if spotter.found:
        definition._repeated_keys = tuple(repeated_keys(text))
    return definition


def from_dict(raw: Any, *, source: str = "<data>") -> Orchestration:
    """Build a definition from already-parsed JSON, migrating older schemas."""
    if not isinstance(raw, dict):
        raise DefinitionLoadError(
            f"not a Baton orchestration: the file holds a JSON {_json_kind(raw)}, not an object",
            file=source,
            hint=f'a Baton definition is an object starting with {{"schema": "{SCHEMA}", ...}}',
        )
    if "schema" not in raw:
        raise DefinitionLoadError(
            'not a Baton orchestration (no "schema" field at the top level)',
            file=source,
            hint=f'a Baton definition starts with {{"schema": "{SCHEMA}", ...}}',
        )
    raw = _migrate(raw, source)
    try:
        return Orchestration.model_validate(raw)
    except ValidationError as exc:
        raise _structure_error(exc, raw, source) from None


def _json_kind(value: Any) -> str:
    kinds = {list: "array", str: "string", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "number")


def _migrate(raw: dict[str, Any], source: str) -> dict[str, Any]:
    schema = raw.get("schema")
    version = None
    if isinstance(schema, str) and schema.startswith(SCHEMA_PREFIX):
        tail = schema[len(SCHEMA_PREFIX) :]
        # isdecimal/isascii: "baton/²" passes isdigit() but int() refuses it.
        decimal = tail.isascii() and tail.isdecimal() and len(tail) <= _LONGEST_VERSION
        version = int(tail) if decimal else None
    if version is not None and version < SCHEMA_VERSION and version not in MIGRATIONS:
        version = None  # e.g. "baton/0": never existed, so nothing can migrate it
    if version is None:
        shown = repr(schema) if len(repr(schema)) <= 60 else repr(schema)[:50] + "..."
        raise DefinitionLoadError(
            f"unknown schema {shown}",
            file=source,
            field="schema",
            hint=f'expected "{SCHEMA}"',
        )
    if version > SCHEMA_VERSION:
        raise DefinitionLoadError(
            f"this file uses schema {schema}, newer than this Baton understands ({SCHEMA})",
            file=source,
            field="schema",
            hint="upgrade Baton to open it; the file was not changed",
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
        raw["schema"] = f"{SCHEMA_PREFIX}{version}"
    return raw


def _structure_error(exc: ValidationError, raw: dict[str, Any], source: str) -> DefinitionLoadError:
    """Turn pydantic's error list into one message that names elements by their ids."""
    lines = []
    first_element = first_field = None
    for err in exc.errors()[:5]:
        element, path = _describe_location(err["loc"], raw)
        field = _field_of(err)
        if first_element is None:
            first_element, first_field = element, field
        where = f"{path}: " if path else ""
        lines.append(f"{where}{err['msg']}")
    more = len(exc.errors()) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more")
    return DefinitionLoadError(
        "the definition is malformed: " + "; ".join(lines),
        file=source,
        element=first_element,
        field=first_field,
        hint="fix these fields; the file was not changed",
    )


def _field_of(err: Any) -> str | None:
    """The field at fault; an unknown `type` tag is reported on `type`, not on a list index."""
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return "type"
    names = [key for key in err["loc"] if isinstance(key, str)]
    return names[-1] if names and not isinstance(err["loc"][-1], int) else None


def _describe_location(loc: tuple[Any, ...], raw: Any) -> tuple[str | None, str]:
    """('nodes', 2, 'stage', 'steps', 0, 'interactive', 'due') -> ('contract', 'nodes[2]...')."""
    parts: list[str] = []
    element = None
    node: Any = raw
    for key in loc:
        if isinstance(node, list) and isinstance(key, int):
            node = node[key] if key < len(node) else None
            ident = node.get("id") if isinstance(node, dict) else None
            if isinstance(ident, str):
                element = ident
                parts.append(f"[{key}] (id {ident!r})")
            else:
                parts.append(f"[{key}]")
        elif isinstance(node, dict) and key in node:
            node = node[key]
            parts.append(f".{key}")
        elif isinstance(key, str) and isinstance(node, dict) and node.get("type") == key:
            continue  # pydantic's discriminator tag; not a real path step
        else:
            parts.append(f".{key}")
            node = None
    return element, "".join(parts).lstrip(".")


def to_dict(definition: Orchestration) -> dict[str, Any]:
    """The canonical JSON-ready form: field order, defaults omitted inside elements."""
    body = definition.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude={"nodes"}
    )
    # Node by node rather than in one call: the same dicts, but a thread writing a big
    # definition (the designer's autosave) lets others run between nodes instead of holding
    # the interpreter lock for the whole dump.
    body["nodes"] = [
        node.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        for node in definition.nodes
    ]
    out: dict[str, Any] = {
        "schema": definition.schema_,
        "id": definition.id,
        "name": definition.name,
        "version": definition.version,
    }
    if definition.description:
        out["description"] = definition.description
    out["trigger"] = definition.trigger.model_dump(mode="json", exclude_defaults=True) | {
        "type": definition.trigger.type
    }
    out["variables"] = [_typed(v) for v in body.get("variables", [])]
    out["nodes"] = [_ordered_node(node) for node in body.get("nodes", [])]
    out["flows"] = body.get("flows", [])
    out["layout"] = dict(sorted(body.get("layout", {}).items()))
    return out


_NODE_HEAD = ("id", "type", "name")
_STEP_HEAD = ("id", "name", "type")


def _lead_with(data: dict[str, Any], head: tuple[str, ...]) -> dict[str, Any]:
    # Readers scan for what an element is before its details; keep those keys first.
    return {k: data[k] for k in head if k in data} | {
        k: v for k, v in data.items() if k not in head
    }


def _typed(field: dict[str, Any]) -> dict[str, Any]:
    # A variable's or output's type is what a reader needs most; write it even when default.
    return _lead_with({"type": "text", **field}, ("name", "type"))


def _ordered_step(step: dict[str, Any]) -> dict[str, Any]:
    step = _lead_with(step, _STEP_HEAD)
    if "outputs" in step:
        step["outputs"] = [_typed(o) for o in step["outputs"]]
    return step


def _ordered_node(node: dict[str, Any]) -> dict[str, Any]:
    node = _lead_with(node, _NODE_HEAD)
    if "steps" in node:
        node["steps"] = [_ordered_step(step) for step in node["steps"]]
    return node


def dumps_definition(definition: Orchestration) -> str:
    """Serialize to the canonical file text (stable key order, 2-space indent, final newline)."""
    return json.dumps(to_dict(definition), indent=2, ensure_ascii=False) + "\n"


def save_definition(definition: Orchestration, path: str | os.PathLike[str]) -> None:
    """Write the definition atomically: temp file in the same folder, fsync, rename."""
    write_atomic(Path(path), dumps_definition(definition))


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see either the old or the new file.

    Raises:
        FileWriteError: the file cannot be written (named, with what to do); nothing changed.
    """
    path = Path(path)
    try:
        _write_atomic(path, text)
    except FileWriteError:
        raise
    except OSError as exc:
        raise _write_error(path, exc) from exc


def _write_error(path: Path, exc: OSError) -> FileWriteError:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return FileWriteError(
            "cannot be written: it is a folder",
            file=str(path),
            hint=f"give a file name, e.g. {path / 'NAME'}",
        )
    if not folder.is_dir():
        return FileWriteError(
            f"cannot be written: the folder {folder} does not exist",
            file=str(path),
            hint="create the folder first, or write somewhere else",
        )
    reason = (exc.strerror or str(exc)).lower()
    return FileWriteError(
        f"cannot be written: {reason}",
        file=str(path),
        hint="check the folder's permissions and free space; nothing was changed",
    )


def _write_atomic(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    # Leftovers of an earlier save of this file that was killed or hit a full disk.
    tempfiles.sweep(folder, path.name, legacy=(glob.escape(path.name) + ".tmp*",))
    fd, tmp = tempfiles.create(path)
    try:
        # mkstemp creates 0600; keep the mode the file had, or what a plain open() would give.
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
