"""`pokjanal backup FILE`: a consistent copy while the bot writes; pg_dump for PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.database import open_database

runner = CliRunner()


def test_the_copy_opens_and_has_the_same_rows_while_another_connection_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "live.db"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", f"sqlite:///{source}")
    open_database(f"sqlite:///{source}").dispose()
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE probe (n INTEGER PRIMARY KEY, note TEXT)")
        db.executemany("INSERT INTO probe (note) VALUES (?)", [("x" * 200,)] * 5000)
    stop = threading.Event()

    def write() -> None:  # the running bot, meanwhile
        writer = sqlite3.connect(source, timeout=30)
        while not stop.is_set():
            writer.execute("INSERT INTO probe (note) VALUES ('later')")
            writer.commit()
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copy = tmp_path / "backups" / "copy.db"
        result = runner.invoke(app, ["backup", str(copy)])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Cadangan tersimpan" in result.output and str(copy) in result.output
    restored = sqlite3.connect(copy)
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied = restored.execute("SELECT count(*) FROM probe WHERE note != 'later'").fetchone()
    assert copied == (5000,)
    tables = {row[0] for row in restored.execute("SELECT name FROM sqlite_master")}
    assert {"person", "outboxmessage", "alembic_version"} <= tables
    # Every row of the copy is in the source, unchanged: one consistent moment.
    restored.execute("ATTACH DATABASE ? AS live", (str(source),))
    missing = restored.execute(
        "SELECT count(*) FROM probe WHERE n NOT IN (SELECT n FROM live.probe)"
    ).fetchone()
    assert missing == (0,)
    restored.close()
    assert list(copy.parent.iterdir()) == [copy]  # no temporary file left behind


def test_a_missing_database_is_not_created_by_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POKJANAL_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, ["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "copy.db").exists()


def test_postgresql_gets_the_pg_dump_command_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "POKJANAL_DATABASE_URL", "postgresql+psycopg://pokjanal:s3cret@db.local:5433/pokjanal"
    )
    result = runner.invoke(app, ["backup", "/var/backups/pokjanal.dump"])
    assert result.exit_code == 1, result.output
    assert "pg_dump" in result.output and "s3cret" not in result.output
    assert (
        "pg_dump --format=custom --file=/var/backups/pokjanal.dump "
        "postgresql://pokjanal@db.local:5433/pokjanal"
    ) in result.output


def test_a_password_in_the_query_string_is_not_printed_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "POKJANAL_DATABASE_URL",
        "postgresql+psycopg://pokjanal@db.local/pokjanal?password=qpw&sslmode=require",
    )
    result = runner.invoke(app, ["backup", "/var/backups/pokjanal.dump"])
    assert result.exit_code == 1 and "qpw" not in result.output
    assert "sslmode=require" in result.output
