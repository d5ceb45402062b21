"""`pokjanal backup`: a copy of the database an officer can restore by copying a file back.

SQLite's online backup API copies page by page under a read transaction, so the copy is one
consistent moment even while the bot writes (WAL mode lets it write meanwhile). The copy goes to
a temporary file beside the target and is renamed into place only when complete: a backup cut
short never replaces yesterday's good one with half a file. PostgreSQL has its own tool for
this, ``pg_dump``; the command is printed for the configured URL, without its password.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL


class BackupFailed(Exception):
    pass


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target``; the size of the copy in bytes."""
    target = target.resolve()
    if target == source.resolve():
        raise BackupFailed(f"{target} is the database itself")
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        live = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                live.backup(copy)
                check = copy.execute("PRAGMA quick_check").fetchone()
                if check != ("ok",):
                    raise BackupFailed(f"the copy does not check out: {check}")
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            live.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupFailed(str(exc)) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return target.stat().st_size


def pg_dump_command(url: URL, target: Path) -> str:
    """The pg_dump line for this database: libpq's URL form, without driver or password."""
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        # A password may also ride in the query string (?password=…): never printed.
        query={key: value for key, value in url.query.items() if key.lower() != "password"},
    )
    rendered = bare.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(rendered)}"
