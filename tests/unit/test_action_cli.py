"""``pokjanal action …`` and ``pokjanal export actions``: follow-up actions from the shell."""

from __future__ import annotations

import csv
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from bot.cli import app
from models import actions
from models.actions import Action, Evidence
from models.db import make_engine
from models.meetings import Meeting
from models.outbox import OutboxMessage
from models.people import by_phone
from tests.conftest import DEMO_DATA

runner = CliRunner()
SAMPLE = DEMO_DATA / "rtl-luwu-timur.csv"
PELATIHAN = "Pelatihan kader Posyandu tentang deteksi dini stunting dan pengukuran antropometri"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", url)
    monkeypatch.delenv("POKJANAL_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # see test_export_cli
    roster = runner.invoke(app, ["roster", "import", str(DEMO_DATA / "roster-luwu-timur.csv")])
    assert roster.exit_code == 0, roster.output
    return url


def _count(url: str, model: type[Action] | type[OutboxMessage] = Action) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return count


def _refused(args: list[str]) -> str:
    result = runner.invoke(app, ["action", "add", *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0, result.output
    return result.output.strip()


def test_add_for_a_group_creates_one_action_per_kecamatan(db_url: str) -> None:
    args = ["--owner", "Camat se-Kabupaten", "--due", "2099-12-31", "--title", "Rekap stunting"]
    result = runner.invoke(app, ["action", "add", *args, "--detail", "Per desa"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "11 tindak lanjut dibuat untuk Camat se-Kabupaten, tenggat 2099-12-31."
    )
    assert _count(db_url) == 11

    again = runner.invoke(app, ["action", "add", *args])
    assert again.exit_code == 0, again.output
    assert "0 tindak lanjut dibuat" in again.output
    assert "11 tindak lanjut sudah ada; tidak dibuat lagi." in again.output
    assert _count(db_url) == 11


def test_add_with_an_owner_person(db_url: str) -> None:
    result = runner.invoke(
        app,
        [
            "action",
            "add",
            "--owner",
            "Dinas Kesehatan",
            "--due",
            "2099-01-31",
            "--title",
            "Kirim data gizi",
            "--person",
            "0812-6765-9951",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "1 tindak lanjut dibuat untuk Dinas Kesehatan, tenggat 2099-01-31."
    )
    engine = make_engine(db_url)
    with Session(engine) as session:
        action = session.exec(select(Action)).one()
        andi = by_phone(session, "+6281267659951")
        assert andi is not None and action.owner_person_id == andi.id
    engine.dispose()


def test_add_refuses_with_one_line(db_url: str) -> None:
    base = ["--title", "Rekap stunting"]
    assert _refused(["--owner", "Dinas Pariwisata", "--due", "2099-01-01", *base]).startswith(
        "Penanggung jawab tidak dikenal: Dinas Pariwisata."
    )
    # The example is a month from today, never a fixed (and one day past) date.
    example = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    refusal = _refused(["--owner", "Dinas Kesehatan", "--due", "31/02/2099", *base])
    assert refusal in (
        f"Tanggal tidak dikenal: 31/02/2099. Tulis --due YYYY-MM-DD, mis. {example}.",
        # Asia/Jakarta's today may be a day ahead of UTC's
        "Tanggal tidak dikenal: 31/02/2099. Tulis --due YYYY-MM-DD, mis. "
        f"{(datetime.now(UTC).date() + timedelta(days=31)).isoformat()}.",
    )
    assert _refused(["--owner", "Dinas Kesehatan", "--due", "2020-01-01", *base]).startswith(
        "Tenggat 2020-01-01 sudah lewat (hari ini "
    )
    assert _refused(
        ["--owner", "Dinas Kesehatan", "--due", "2099-01-01", "--meeting", "42", *base]
    ) == ("Rapat #42 tidak ada. Lihat daftar rapat dengan: pokjanal meeting list")
    assert _refused(["--owner", "Dinas Kesehatan", "--due", "2099-01-01", "--title", "ok"]) == (
        "Tindak lanjut harus 3 sampai 300 karakter."
    )
    assert _refused(
        ["--owner", "Dinas Kesehatan", "--due", "2099-01-01", "--person", "081299999999", *base]
    ) == ("Tidak ada orang dengan nomor +6281299999999 di roster.")
    assert _count(db_url) == 0


def test_add_refuses_a_due_date_before_the_meeting(db_url: str) -> None:
    created = runner.invoke(
        app,
        [
            "meeting",
            "create",
            "--title",
            "Rakor Pokjanal Posyandu",
            "--start",
            "2099-06-10 09:00",
            "--venue",
            "Hotel I Lagaligo",
            "--invite",
            "opd",
            "--tz",
            "Asia/Makassar",
        ],
    )
    assert created.exit_code == 0, created.output
    engine = make_engine(db_url)
    with Session(engine) as session:
        meeting_id = session.exec(select(Meeting.id)).one()
    engine.dispose()
    args = ["--owner", "Dinas Kesehatan", "--title", "Rekap stunting", "--meeting", str(meeting_id)]
    assert _refused([*args, "--due", "2099-06-09"]) == (
        "Tenggat 2099-06-09 lebih awal dari tanggal rapat (2099-06-10)."
    )
    result = runner.invoke(app, ["action", "add", *args, "--due", "2099-06-10"])
    assert result.exit_code == 0, result.output
    assert _count(db_url) == 1


def test_import_dry_run_saves_nothing_then_import_and_list(db_url: str) -> None:
    notices = _count(db_url, OutboxMessage)
    dry = runner.invoke(app, ["action", "import", str(SAMPLE), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0] == (
        "12 baris: 12 baris membuat 12 tindak lanjut baru, 0 baris sudah ada (0 tindak lanjut), "
        "0 ditolak."
    )
    assert lines[1].startswith("12 baris sudah lewat tenggat (sebelum ")
    assert lines[-1] == "Uji coba (--dry-run): tidak ada yang disimpan."
    assert _count(db_url) == 0 and _count(db_url, OutboxMessage) == notices

    real = runner.invoke(app, ["action", "import", str(SAMPLE)])
    assert real.exit_code == 0, real.output
    assert real.output.splitlines()[-1] == "Tersimpan."
    assert _count(db_url) == 12

    again = runner.invoke(app, ["action", "import", str(SAMPLE)])
    assert "0 baris membuat 0 tindak lanjut baru, 12 baris sudah ada (12 tindak lanjut)" in (
        again.output
    )
    assert _count(db_url) == 12

    listed = runner.invoke(app, ["action", "list"])
    assert listed.exit_code == 0, listed.output
    rows = listed.output.splitlines()
    assert rows[0].split() == ["No", "Tenggat", "Status", "Penanggung", "jawab", "Tindak", "lanjut"]
    assert len(rows) == 13
    assert rows[1].startswith("#10  2024-01-05  Belum mulai  Posyandu Melati Baruga")
    assert rows[1].endswith("tanggal 5  [TERLAMBAT]")
    assert all(row.endswith("[TERLAMBAT]") for row in rows[1:])
    assert any("Kecamatan Malili" in row for row in rows)


def test_import_reports_bad_rows_and_an_unknown_meeting(db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "rtl.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["RTL", "PJ", "Batas waktu"])
        writer.writerow(["Rapat evaluasi kader", "Dinas Kesehatan", "01/03/2024"])
        writer.writerow(["Promosi wisata", "Dinas Pariwisata", "2024-03-01"])
        writer.writerow(["Laporan bulanan", "Dinas Sosial", "Maret"])
    result = runner.invoke(app, ["action", "import", str(sheet)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Baris 2: penanggung jawab tidak dikenal (Dinas Pariwisata)" in lines
    assert "Baris 3: tanggal tidak dikenal (Maret); tulis TTTT-BB-HH atau HH/BB/TTTT" in lines
    assert "3 baris: 1 baris membuat 1 tindak lanjut baru" in result.output
    assert _count(db_url) == 1

    unknown = runner.invoke(app, ["action", "import", str(SAMPLE), "--meeting", "7"])
    assert unknown.exit_code == 1
    assert unknown.output.strip() == (
        "Rapat #7 tidak ada. Lihat daftar rapat dengan: pokjanal meeting list"
    )
    assert _count(db_url) == 1


def test_export_actions_writes_both_sheets_with_notes_and_evidence(
    db_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["action", "import", str(SAMPLE)]).exit_code == 0
    engine = make_engine(db_url)
    first_at = datetime(2024, 1, 10, 2, 0, tzinfo=UTC)  # 09.00 WIB
    with Session(engine, expire_on_commit=False) as session:
        action = session.exec(select(Action).where(Action.title == PELATIHAN)).one()
        andi = by_phone(session, "+6281267659951")  # Andi Rahmawati, Dinas Kesehatan
        assert andi is not None
        working = actions.submit_report(
            session,
            action,
            andi,
            status=actions.ReportStatus.SEDANG_BERJALAN.value,
            note='=HYPERLINK("http://x") dua angkatan dijadwalkan',
            now=first_at,
        )
        done = actions.submit_report(
            session,
            action,
            andi,
            status=actions.ReportStatus.SELESAI.value,
            note="Pelatihan selesai: 50 kader dari 25 Posyandu",
            now=datetime(2024, 3, 28, 3, 30, tzinfo=UTC),
        )
        for name in ("daftar-hadir.pdf", "foto-pelatihan.jpg"):
            session.add(
                Evidence(
                    report_id=done.id,
                    kind="document",
                    telegram_file_id=f"file-{name}",
                    file_unique_id=f"unique-{name}",
                    file_name=name,
                    path=f"evidence/{action.id}/{name}",
                    created_at=done.created_at,
                )
            )
        session.commit()
        action_id, working_id = action.id, working.id
    engine.dispose()
    assert working_id is not None

    result = runner.invoke(app, ["export", "actions", "-o", "rtl.xlsx"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "12 tindak lanjut dan 2 laporan disimpan di rtl.xlsx."

    workbook = load_workbook(tmp_path / "rtl.xlsx")
    assert workbook.sheetnames == ["Tindak lanjut", "Laporan"]
    sheet = workbook["Tindak lanjut"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["No. RTL", "Rapat", "Tindak lanjut"]
    assert len(list(sheet.iter_rows(min_row=2))) == 12
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    pelatihan = dict(zip(header, rows[action_id], strict=True))
    assert pelatihan["Tindak lanjut"] == PELATIHAN
    assert pelatihan["Penanggung jawab"] == "Dinas Kesehatan"
    assert pelatihan["Status"] == "Selesai"
    assert pelatihan["Pemeriksaan"] == "Menunggu pemeriksaan"
    assert pelatihan["Lewat tenggat"] == "tidak"
    assert pelatihan["Tenggat"] == datetime(2024, 3, 31)  # noqa: DTZ001 - Excel holds no zone
    malili = next(r for r in rows.values() if r[4] == "Kecamatan Malili")
    assert malili[7] == "Belum mulai" and malili[9] == "ya"

    reports = workbook["Laporan"]
    report_header = [cell.value for cell in reports[1]]
    assert report_header == [
        "No. RTL",
        "Tindak lanjut",
        "Waktu",
        "Pelapor",
        "Status",
        "Catatan",
        "Pemeriksaan",
        "Komentar pemeriksa",
        "Bukti (berkas)",
    ]
    lines = [
        dict(zip(report_header, r, strict=True))
        for r in reports.iter_rows(min_row=2, values_only=True)
    ]
    assert len(lines) == 2
    first, second = lines
    assert first["No. RTL"] == action_id and first["Pelapor"] == "Andi Rahmawati"
    assert first["Waktu"] == "Rabu, 10 Januari 2024 pukul 09.00 WIB"
    assert first["Status"] == "Sedang berjalan"
    # A note typed as a formula stays text, shown as typed (no visible quote in the cell).
    assert first["Catatan"] == '=HYPERLINK("http://x") dua angkatan dijadwalkan'
    assert reports.cell(row=2, column=6).data_type == "s"
    assert reports.cell(row=2, column=6).quotePrefix  # Excel keeps it text when edited
    assert first["Bukti (berkas)"] in (None, "")
    assert second["Catatan"] == "Pelatihan selesai: 50 kader dari 25 Posyandu"
    assert second["Pemeriksaan"] == "Menunggu pemeriksaan"
    assert second["Bukti (berkas)"] == (
        f"evidence/{action_id}/daftar-hadir.pdf\nevidence/{action_id}/foto-pelatihan.jpg"
    )

    english = runner.invoke(app, ["export", "actions", "-o", "en.xlsx", "--lang", "en"])
    assert english.exit_code == 0, english.output
    assert load_workbook(tmp_path / "en.xlsx").sheetnames == ["Actions", "Reports"]

    listed = runner.invoke(app, ["action", "list", "--open"])
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 12  # header + 11
    assert PELATIHAN not in listed.output


def test_export_actions_refuses_another_format(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "actions", "-o", "rtl.pdf"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Format tidak dikenal: rtl.pdf. Akhiri nama berkas dengan .xlsx."
    )
    assert not (tmp_path / "rtl.pdf").exists()


def test_list_without_actions(db_url: str) -> None:
    result = runner.invoke(app, ["action", "list"])
    assert result.exit_code == 0 and result.output.strip() == "Belum ada tindak lanjut."
