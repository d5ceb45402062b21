"""``pokjanal export attendance``: the daftar hadir from the command line."""

from __future__ import annotations

import csv
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli import app
from models.db import make_engine
from tests.unit.test_attendance_export import ISENG, TITLE, build_rakor

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", url)
    monkeypatch.delenv("POKJANAL_TELEGRAM_TOKEN", raising=False)
    # `pokjanal run` in an earlier test leaves a root handler on a stderr CliRunner has closed;
    # alembic's INFO lines would then print "--- Logging error ---" into this test's output.
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    return url


@pytest.fixture
def meeting_id(db_url: str) -> int:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0  # the migrated schema
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        created = build_rakor(session, datetime(2023, 11, 27, 1, 0, tzinfo=UTC))
    engine.dispose()
    return created


def test_each_suffix_writes_its_format(meeting_id: int, tmp_path: Path) -> None:
    for name in ("rakor.xlsx", "rakor.pdf", "rakor.csv"):
        result = runner.invoke(app, ["export", "attendance", str(meeting_id), "-o", name])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == (
            f"Daftar hadir rapat #{meeting_id} (8 orang) disimpan di {name}."
        )
    sheet = load_workbook(tmp_path / "rakor.xlsx").active
    assert sheet is not None
    assert sheet["A1"].value == "DAFTAR HADIR" and sheet["A2"].value == TITLE
    text = " ".join(PdfReader(tmp_path / "rakor.pdf").pages[0].extract_text().split())
    assert TITLE in text and "Hj. Nurhayati, Sekretaris Camat" in text and "09.12" in text
    with (tmp_path / "rakor.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = [row["Nama"] for row in csv.DictReader(handle)]
    assert ISENG in names and len(names) == 8


def test_english_document_on_request(meeting_id: int, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "attendance", str(meeting_id), "--output", "a.XLSX", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "a.XLSX").active
    assert sheet is not None and sheet["A1"].value == "ATTENDANCE LIST"


def test_an_unknown_suffix_is_one_line(meeting_id: int, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "attendance", str(meeting_id), "-o", "rakor.docx"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0
    assert ".xlsx, .pdf atau .csv" in result.output
    assert not (tmp_path / "rakor.docx").exists()


def test_an_unknown_meeting_is_one_line(meeting_id: int, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "attendance", "999", "-o", "rakor.pdf"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Rapat #999 tidak ada. Lihat daftar rapat dengan: pokjanal meeting list"
    )
    assert not (tmp_path / "rakor.pdf").exists()


def test_an_unwritable_path_is_one_line(meeting_id: int, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "rakor.csv"
    result = runner.invoke(app, ["export", "attendance", str(meeting_id), "-o", str(missing)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "tidak dapat ditulis" in result.output
