"""A throwaway PostgreSQL server on loopback for tests and benchmarks.

`initdb` into a temporary folder, `pg_ctl start` on a free port, one fresh database per
test (copied from a template that already holds Baton's schema), everything deleted at
the end. PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
user (made by Debian's package) or `nobody`.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "baton"


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    candidates = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    numbered = [c for c in candidates if c.parent.name.isdigit()]
    numbered.sort(key=lambda c: int(c.parent.name))
    return numbered[-1] if numbered else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans(bin_dir: Path) -> None:
    """Stop and delete servers left by a test process that died without its teardown
    (a segfault skips it): each server folder names the process that started it."""
    for folder in Path(tempfile.gettempdir()).glob("baton-pg-*"):
        owner = folder / "owner.pid"
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        subprocess.run(
            [*_run_as(), str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
             "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


class PgServer:
    """One PostgreSQL cluster in a temporary folder; `stop()` removes it.

    Args:
        bin_dir: where initdb and pg_ctl are.
        durable: keep PostgreSQL's default fsync and synchronous commit (benchmarks); tests
            turn durability off for speed.
    """

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        self.bin_dir = bin_dir
        remove_orphans(bin_dir)
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="baton-pg-"))
        (self.folder / "owner.pid").write_text(str(os.getpid()))
        self.data = self.folder / "data"
        self._prefix = _run_as()
        self._names = itertools.count(1)
        self._template: str | None = None
        if self._prefix:
            user = self._prefix[2]
            entry = pwd.getpwnam(user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._pg(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=200"
        if not durable:
            # A throwaway test server: durability off buys speed; a server crash is not
            # what the tests exercise (a killed client is, and that needs no fsync).
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._pg(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
            "-o", options, "start",
        )  # fmt: skip

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._prefix, str(self.bin_dir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for one database on this server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)

    def fresh_database(self) -> str:
        """A new database already holding Baton's schema; returns its URL."""
        if self._template is None:
            from engine.store import Store

            self.execute("CREATE DATABASE baton_template")
            Store(self.url("baton_template")).close()
            self._template = "baton_template"
        name = f"t{next(self._names)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {self._template}")
        return self.url(name)

    def empty_database(self) -> str:
        """A new database with no tables; returns its URL."""
        name = f"e{next(self._names)}"
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
