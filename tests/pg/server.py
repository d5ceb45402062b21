"""A throwaway PostgreSQL server from Debian's binaries, for the tests and the benchmarks.

The server comes from the Debian packages (``postgresql``; binaries under
``/usr/lib/postgresql/<version>/bin``). It is initialised into a fresh temporary directory,
listens only on a Unix socket inside that directory (no TCP port, so no port races and nothing
reachable from outside), runs without fsync (the data is thrown away), and is stopped and removed
when done. PostgreSQL refuses to run as root, so under root it runs as the ``postgres`` system
user the Debian package creates.

No pytest here: ``bench.scale`` starts the same server outside a test session.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_OPTIONS = (
    "-c listen_addresses='' "  # Unix socket only
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=100 -c TimeZone=UTC"
)
START_TIMEOUT = 30  # seconds; a start normally takes a fraction of one


class PostgresUnavailable(RuntimeError):
    """No server can be started here; the message says why."""


def newest_bin_dir() -> Path | None:
    candidates = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not candidates:
        return None

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in path.parent.name.split(".") if part.isdigit())

    return max(candidates, key=version)


@dataclass
class PostgresServer:
    bin_dir: Path
    base: Path  # the temporary directory: data, socket and log
    owner: str | None  # the system user to run the server as (when we are root)

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str, *, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@/{database}?host={self.base}"

    def connect_admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=str(self.base), user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, name: str) -> str:
        """A new, empty database; its SQLAlchemy URL."""
        with self.connect_admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.connect_admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _as_owner(self, command: list[str]) -> list[str]:
        if self.owner is None:
            return command
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", self.owner, "--", *command]
        return ["su", self.owner, "-s", "/bin/sh", "-c", shlex.join(command)]

    def _run(self, *args: str) -> None:
        command = self._as_owner([str(self.bin_dir / args[0]), *args[1:]])
        result = subprocess.run(
            command, cwd=self.base, capture_output=True, text=True, timeout=START_TIMEOUT * 2
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
            raise RuntimeError(
                f"{' '.join(command)} exited with {result.returncode}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nserver log:\n{log}"
            )

    def start(self) -> None:
        self._run(
            "initdb",
            "--pgdata", str(self.data),
            "--username", "postgres",
            "--auth", "trust",
            "--encoding", "UTF8",
            "--locale", "C",
            "--no-sync",
        )  # fmt: skip
        self._run(
            "pg_ctl", "start",
            "--pgdata", str(self.data),
            "--log", str(self.log),
            "--wait", "--timeout", str(START_TIMEOUT),
            "--options", f"-k {self.base} {SERVER_OPTIONS}",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait")


@contextmanager
def throwaway_server() -> Iterator[PostgresServer]:
    """Start a server, yield it, stop it and remove its files.

    Raises:
        PostgresUnavailable: no Debian binaries, or root without a ``postgres`` user.
    """
    bin_dir = newest_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable("no /usr/lib/postgresql/*/bin/initdb found")
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no `postgres` system user to run it as"
            ) from None
    # Directly under /tmp (not pytest's 0700 tmp dirs), so the `postgres` user can reach it.
    base = Path(tempfile.mkdtemp(prefix="pokjanal-pg-"))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    server = PostgresServer(
        bin_dir=bin_dir, base=base, owner=owner.pw_name if owner is not None else None
    )
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)
