"""Database faults in words: what is wrong with which database, and what to do.

Driver errors (SQLAlchemy's wrappers, raw `sqlite3` and psycopg errors from the prepared
statements, `OSError`s from preparing a file's folder) become one `StoreFault` whose
message names the database (a SQLite file's path, a URL without its password), what is
wrong and what to do. The CLI prints it as one line and exits 2; the designer shows it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from engine.errors import StoreDamaged, StoreFault
from engine.store.sqlite_file import BUSY_SECONDS

SUPPORTED = "a SQLite file path (or sqlite:///FILE) or postgresql://USER@HOST:PORT/DATABASE"


def display(url: str) -> str:
    """How a database is named in messages: a SQLite file's path, else the URL sans password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def is_driver_error(exc: BaseException) -> bool:
    """Whether an exception comes from the database driver (rather than from Baton)."""
    return isinstance(exc, (DBAPIError, sqlite3.Error)) or type(exc).__module__.startswith(
        "psycopg"
    )


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a (wrapped or raw) psycopg error, else None."""
    found = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)
    return found if isinstance(found, str) else None


def is_taken_run_id(exc: BaseException) -> bool:
    """Whether a (wrapped or raw) driver error says a new run's id is in use already: a
    random id drawn twice, which the call cures by starting again with a fresh draw."""
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, sqlite3.IntegrityError):
        return "constraint failed: runs.id" in str(original)
    diag = getattr(original, "diag", None)
    return sqlstate(exc) == "23505" and getattr(diag, "constraint_name", None) == "runs_pkey"


def unsupported_scheme(url: str) -> StoreFault:
    """The refusal for a URL whose scheme Baton does not work with."""
    scheme = url.split("://", 1)[0]
    return StoreFault(
        f"the database URL {display(url)} uses {scheme!r}, which Baton does not support",
        hint=f"give {SUPPORTED}",
    )


def describe(exc: BaseException, url: str) -> StoreFault:
    """The fault for a driver or file-system error met while using the database at `url`."""
    if isinstance(exc, StoreFault):
        return exc
    if isinstance(exc, (NoSuchModuleError, ModuleNotFoundError, ArgumentError)):
        return unsupported_scheme(url)
    name = display(url)
    if isinstance(exc, OSError):
        return _file_system(exc, url, name)
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, sqlite3.Error):
        return _sqlite(original, url, name)
    if type(original).__module__.startswith("psycopg"):
        return _postgresql(original, name)
    return StoreFault(f"the database {name} failed: {_first_line(original)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _sqlite(exc: sqlite3.Error, url: str, name: str) -> StoreFault:
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if (
        code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
        or "malformed" in text
        or ("not a database" in text)
    ):
        return damaged(name, _first_line(exc))
    if code.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreFault(
            f"the database {name} is read-only: Baton cannot write to it",
            hint="give yourself write permission on the file and its folder, or point "
            "--db / BATON_DB at a writable copy",
        )
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        return _disk_full(name)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreFault(
            f"the database {name} is busy: another process has been writing to it for more "
            f"than {BUSY_SECONDS} s",
            hint="repeat the command when that process has finished; nothing was changed",
        )
    if code.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return _cannot_open(url, name)
    if code.startswith("SQLITE_IOERR") or "i/o error" in text:
        return StoreFault(
            f"the disk holding the database {name} failed to read or write it ({_first_line(exc)})",
            hint="check the disk (a full disk or a removed drive does this); nothing was changed",
        )
    return StoreFault(f"the database {name} failed: {_first_line(exc)}")


def damaged(name: str, why: str) -> StoreDamaged:
    """The refusal for a damaged SQLite file."""
    return StoreDamaged(
        f"the database {name} is damaged ({why}); Baton will not read or write it",
        hint="restore it from a backup, or salvage it with `sqlite3 FILE .recover` into a new file",
    )


def _disk_full(name: str) -> StoreFault:
    return StoreFault(
        f"the disk holding the database {name} is full",
        hint="free some space and repeat the command; nothing was changed",
    )


def _cannot_open(url: str, name: str) -> StoreFault:
    database = make_url(url).database or ""
    path = Path(database)
    if path.is_dir():
        return StoreFault(
            f"the database {name} is a folder, not a database file",
            hint=f"give a file path, e.g. {path / 'baton.db'}",
        )
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        return _parent_is_file(name, parent)
    if not parent.exists():
        return missing(url)
    if _read_only_file_system(parent):
        return StoreFault(
            f"the database {name} is on a read-only file system: SQLite cannot open it there "
            "(it keeps its journal beside the file)",
            hint="remount it read-write, or copy the file to a writable folder and point "
            "--db / BATON_DB at the copy",
        )
    if not os.access(parent, os.W_OK):
        return StoreFault(
            f"the database {name} cannot be opened: its folder {parent} is not writable "
            "(SQLite keeps its journal beside the file)",
            hint="give yourself write permission on the folder, or point --db / BATON_DB elsewhere",
        )
    return StoreFault(
        f"the database {name} cannot be opened",
        hint="check the path and its permissions",
    )


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False


def _parent_is_file(name: str, parent: Path) -> StoreFault:
    return StoreFault(
        f"the database {name} cannot be created: {parent} is a file, not a folder",
        hint="give a path inside a folder",
    )


def missing(url: str) -> StoreFault:
    """The refusal for a database file that does not exist (a read must not create it)."""
    return StoreFault(
        f"the database {display(url)} does not exist",
        hint="check --db / BATON_DB for a typo; only `baton activate`, `baton users add` "
        "and `baton db upgrade` create a new database",
    )


def empty(url: str) -> StoreFault:
    """The refusal for an empty file given as the database of a command that only reads."""
    return StoreFault(
        f"the database {display(url)} is an empty file, not a Baton database",
        hint="check --db / BATON_DB for a typo; `baton db upgrade` makes it a new database",
    )


def _file_system(exc: OSError, url: str, name: str) -> StoreFault:
    if exc.errno == errno.ENOSPC:
        return _disk_full(name)
    if exc.errno == errno.EROFS:
        return StoreFault(
            f"the database {name} is on a read-only file system",
            hint="point --db / BATON_DB at a writable place",
        )
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) and exc.filename:
        return _parent_is_file(name, Path(exc.filename))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StoreFault(
            f"the database {name} cannot be created or opened: permission denied on "
            f"{exc.filename or name}",
            hint="give yourself write permission there, or point --db / BATON_DB elsewhere",
        )
    return StoreFault(f"the database {name} cannot be used: {exc.strerror or exc}")


def _postgresql(exc: BaseException, name: str) -> StoreFault:
    state = sqlstate(exc) or ""
    text = _first_line(exc)
    if state == "3D000" or "does not exist" in text:
        return StoreFault(
            f"the PostgreSQL database {name} does not exist ({text})",
            hint="create it (`createdb`), or fix the database name in the URL",
        )
    if state in ("28P01", "28000"):
        return StoreFault(
            f"PostgreSQL refused the login to {name} ({text})",
            hint="check the user and password in the URL",
        )
    if state == "53100":
        return _disk_full(name)
    if state.startswith("08") or not state:
        return StoreFault(
            f"cannot reach the PostgreSQL database {name} ({text})",
            hint="check that the server is running and that host, port and network in the "
            "URL are right",
        )
    return StoreFault(f"the PostgreSQL database {name} failed: {text}")
