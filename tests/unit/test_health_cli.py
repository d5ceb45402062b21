"""`pokjanal health`: one line per check, exit 0 when all is well and 1 when anything is not."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli import app
from bot.database import open_database
from models import heartbeat
from models.clock import SystemClock
from models.db import unit_of_work

runner = CliRunner()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "health.db"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", f"sqlite:///{path}")
    return path


def _beat(path: Path, ago: timedelta) -> None:
    engine = open_database(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        heartbeat.beat(session, now=SystemClock().now() - ago, worker="host:1")
    engine.dispose()


def test_a_running_bot_is_healthy_line_by_line(db_path: Path) -> None:
    _beat(db_path, timedelta(seconds=5))
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Basis data: terhubung"), lines
    assert lines[1] == "Migrasi: terbaru.", lines
    assert lines[2].startswith("Pengirim: hidup, detak terakhir 5 detik lalu"), lines
    assert "keterlambatan 0 detik" in lines[2]
    assert any(line.startswith("Pesan keluar: 0 dalam antrean, 0 gagal") for line in lines)
    assert any(line.startswith("Pesan masuk: 0 menunggu") for line in lines)
    assert "Update terakhir diproses: belum ada." in lines


def test_a_stopped_dispatcher_fails_the_check(db_path: Path) -> None:
    _beat(db_path, timedelta(hours=2))
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1, result.output
    assert "Pengirim: TIDAK berjalan, detak terakhir 2 jam lalu" in result.output


def test_a_deleted_database_file_exits_1_with_one_clear_line(db_path: Path) -> None:
    _beat(db_path, timedelta(seconds=1))
    db_path.unlink()
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith("Basis data: TIDAK terhubung"), result.output
    assert "tidak ada" in result.output and str(db_path) in result.output
    assert not db_path.exists()  # the check created no empty database in its place


def test_an_unreachable_postgresql_exits_1_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "postgresql+psycopg://pokjanal:s3cret@127.0.0.1:1/pokjanal"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", url)
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1, result.output
    assert "Basis data: TIDAK terhubung" in result.output
    assert "s3cret" not in result.output


def test_a_database_behind_on_migrations_fails(db_path: Path) -> None:
    _beat(db_path, timedelta(seconds=1))
    engine = open_database(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    engine.dispose()
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1, result.output
    assert "Migrasi: BELUM terbaru" in result.output


def test_english_lines(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POKJANAL_LANGUAGE", "en")
    _beat(db_path, timedelta(seconds=3))
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 0, result.output
    assert "Database: reachable" in result.output and "Migrations: current." in result.output
