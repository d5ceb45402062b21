"""The command line as the secretariat's engineer uses it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from models.db import make_engine
from models.people import Person
from tests.conftest import DATA

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", url)
    monkeypatch.delenv("POKJANAL_TELEGRAM_TOKEN", raising=False)
    return url


def _people(url: str) -> list[Person]:
    engine = make_engine(url)
    with Session(engine) as session:
        people = list(session.exec(select(Person)))
    engine.dispose()
    return people


def test_dry_run_reports_each_bad_row_and_saves_nothing(db_url: str) -> None:
    result = runner.invoke(
        app, ["roster", "import", str(DATA / "roster-with-errors.csv"), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Baris 3: nomor HP tidak valid (12345)" in lines
    assert "Baris 4: nama kosong" in lines
    assert "Baris 5: peran tidak dikenal (bidan); gunakan kader, opd atau admin" in lines
    assert "Baris 6: nomor HP sama dengan baris 2" in lines
    assert "8 baris: 4 baru, 0 diperbarui, 0 tidak berubah, 4 ditolak." in lines
    assert "Uji coba (--dry-run): tidak ada yang disimpan." in lines
    assert _people(db_url) == []


def test_a_second_import_changes_nothing(db_url: str) -> None:
    first = runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    assert "8 baris: 4 baru" in first.output
    before = {(p.id, p.name, p.phone, p.role, p.updated_at) for p in _people(db_url)}
    second = runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    assert "8 baris: 0 baru, 0 diperbarui, 4 tidak berubah, 4 ditolak." in second.output
    assert {(p.id, p.name, p.phone, p.role, p.updated_at) for p in _people(db_url)} == before


def test_english_output_when_asked(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POKJANAL_LANGUAGE", "en")
    result = runner.invoke(
        app, ["roster", "import", str(DATA / "roster-with-errors.csv"), "--dry-run"]
    )
    assert "Row 4: name missing" in result.output


def test_admin_add_and_its_refusals(db_url: str) -> None:
    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    ok = runner.invoke(app, ["admin", "add", "0853-1234-5678"])
    assert ok.exit_code == 0 and "Sitti Aminah (+6285312345678) sekarang admin." in ok.output
    assert any(p.role == "admin" and p.name == "Sitti Aminah" for p in _people(db_url))
    unknown = runner.invoke(app, ["admin", "add", "0811 2222 3333"])
    assert unknown.exit_code == 1 and "Impor roster dulu" in unknown.output
    bad = runner.invoke(app, ["admin", "add", "123"])
    assert bad.exit_code == 1 and "tidak valid" in bad.output
    created = runner.invoke(app, ["admin", "add", "0811 2222 3333", "--name", "Hasrul Nawir"])
    assert created.exit_code == 0


def test_links_print_a_token_per_unregistered_person(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    monkeypatch.setenv("POKJANAL_BOT_USERNAME", "pokjanal_lutim_bot")
    result = runner.invoke(app, ["roster", "links"])
    links = [
        line for line in result.output.splitlines() if "t.me/pokjanal_lutim_bot?start=" in line
    ]
    assert len(links) == 4
    again = runner.invoke(app, ["roster", "links"])
    assert links == [line for line in again.output.splitlines() if "t.me/" in line]  # stable tokens


def test_a_bad_setting_is_one_line_not_a_traceback(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POKJANAL_TIMEZONE", "Mars/Olympus")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0
    assert "POKJANAL_TIMEZONE" in result.output


def test_run_refuses_without_a_token_and_says_how_to_get_one(db_url: str) -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "POKJANAL_TELEGRAM_TOKEN" in result.output and "BotFather" in result.output


def test_db_upgrade(db_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "versi terbaru" in result.output


def test_a_database_in_a_missing_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POKJANAL_DATABASE_URL", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.startswith("POKJANAL_DATABASE_URL:") and "Traceback" not in result.output


def test_webhook_needs_a_secret(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POKJANAL_TELEGRAM_TOKEN", "1:x")
    monkeypatch.setenv("POKJANAL_WEBHOOK_URL", "https://bot.example.org/tg/hook")
    result = runner.invoke(app, ["run", "--webhook"])
    assert result.exit_code == 1 and "POKJANAL_WEBHOOK_SECRET" in result.output


def test_run_against_an_unreachable_server_is_one_line(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("POKJANAL_TELEGRAM_TOKEN", "1:x")
    monkeypatch.setenv("POKJANAL_TELEGRAM_API_URL", f"http://127.0.0.1:{port}/bot")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("POKJANAL_TELEGRAM_API_URL:")


def test_demo_on_a_busy_port_is_one_line(db_url: str) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["demo", "--port", str(port), "--no-browser"])
    assert result.exit_code == 1 and "--port" in result.output and "Traceback" not in result.output


def test_an_erased_person_is_not_brought_back_by_the_old_sheet(db_url: str) -> None:
    from models.clock import SystemClock
    from models.privacy import erase_person

    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    engine = make_engine(db_url)
    with Session(engine) as session:
        sitti = session.exec(select(Person).where(Person.name == "Sitti Aminah")).one()
        erase_person(session, sitti, now=SystemClock().now())
        session.commit()
    engine.dispose()
    again = runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    assert "Baris 2: orang ini sudah meminta datanya dihapus; tidak diimpor lagi" in again.output
    assert not any(p.name == "Sitti Aminah" for p in _people(db_url))


def test_broadcast_from_the_command_line_queues_and_reports(db_url: str) -> None:
    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    result = runner.invoke(
        app, ["broadcast", "--to", "kader", "--to", "admin", "--text", "Rapat besok"]
    )
    assert result.exit_code == 0, result.output
    assert "Siaran #1 diantrekan untuk 3 orang (3 belum terdaftar)" in result.output
    unknown = runner.invoke(app, ["broadcast", "--to", "kecamatan:Atlantis", "--text", "x"])
    assert unknown.exit_code == 1 and "kecamatan:Atlantis" in unknown.output
    empty = runner.invoke(app, ["broadcast", "--to", "all", "--text", "  "])
    assert empty.exit_code == 1 and "3500" in empty.output


def test_meeting_create_queues_invitations_and_refuses_bad_input(db_url: str) -> None:
    from models.clock import SystemClock

    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    next_year = SystemClock().now().year + 1
    args = ["meeting", "create", "--title", "Rakor Pokjanal", "--venue", "Aula Hotel I Lagaligo"]
    ok = runner.invoke(
        app,
        [*args, "--start", f"{next_year}-12-06 09:00", "--tz", "Asia/Makassar", "--invite", "all"],
    )
    assert ok.exit_code == 0, ok.output
    # Nobody on the sheet has registered yet: nothing goes out until they do.
    assert (
        "Rapat #1 dibuat. Undangan: 0 sedang dikirim; 4 belum terdaftar di bot (akan menerima "
        "saat mendaftar). Kode hadir:" in ok.output
    )
    listed = runner.invoke(app, ["meeting", "list"])
    assert f"#1\t{next_year}-12-06 09:00\tscheduled\tRakor Pokjanal\tpending=4" in listed.output
    past = runner.invoke(app, [*args, "--start", "2020-01-01 09:00", "--invite", "all"])
    assert past.exit_code == 1 and "sudah lewat" in past.output
    bad = runner.invoke(app, [*args, "--start", "6/12/2023 9.00", "--invite", "all"])
    assert bad.exit_code == 1 and "--start" in bad.output
    example = re.search(r"misalnya '(\d{4}-\d{2}-\d{2}) 09:00'", bad.output)
    assert example is not None, bad.output  # a date ahead of today, not a fixed one
    assert date.fromisoformat(example.group(1)) > datetime.now(UTC).date()
    zone = runner.invoke(
        app, [*args, "--start", f"{next_year}-12-06 09:00", "--tz", "WITA", "--invite", "all"]
    )
    assert zone.exit_code == 1 and "Asia/Makassar" in zone.output


def test_meeting_cancel_and_move_from_the_command_line(db_url: str) -> None:
    from models.clock import SystemClock

    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    year = SystemClock().now().year + 1
    runner.invoke(
        app,
        [
            "meeting",
            "create",
            "--title",
            "Rakor",
            "--venue",
            "Aula",
            "--start",
            f"{year}-12-06 09:00",
            "--invite",
            "all",
        ],
    )
    # Nobody on this roster has registered: nothing is queued for them (issue 15), they see
    # the meeting when they register.
    moved = runner.invoke(app, ["meeting", "move", "1", "--start", f"{year}-12-13 09:00"])
    assert (
        moved.exit_code == 0 and "Rapat #1 dipindahkan; 0 undangan baru diantrekan." in moved.output
    )
    cancelled = runner.invoke(app, ["meeting", "cancel", "1"])
    assert (
        cancelled.exit_code == 0
        and "Rapat #1 dibatalkan; 0 pemberitahuan diantrekan." in cancelled.output
    )
    again = runner.invoke(app, ["meeting", "cancel", "1"])
    assert again.exit_code == 1 and "sudah dibatalkan" in again.output
    unknown = runner.invoke(app, ["meeting", "cancel", "99"])
    assert unknown.exit_code == 1 and "#99 tidak ada" in unknown.output


def test_meeting_qr_and_checkin_at_the_door(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from PIL import Image

    from models.clock import SystemClock

    runner.invoke(app, ["roster", "import", str(DATA / "roster-with-errors.csv")])
    soon = SystemClock().now().astimezone(ZoneInfo("Asia/Jakarta")) + timedelta(minutes=30)
    runner.invoke(
        app,
        [
            "meeting",
            "create",
            "--title",
            "Rakor",
            "--venue",
            "Aula",
            "--start",
            f"{soon:%Y-%m-%d %H:%M}",
            "--invite",
            "kader",
        ],
    )
    no_name = runner.invoke(app, ["meeting", "qr", "1", "-o", str(tmp_path / "qr.png")])
    assert no_name.exit_code == 1 and "POKJANAL_BOT_USERNAME" in no_name.output
    monkeypatch.setenv("POKJANAL_BOT_USERNAME", "pokjanal_lutim_bot")
    made = runner.invoke(app, ["meeting", "qr", "1", "-o", str(tmp_path / "qr.png")])
    assert made.exit_code == 0 and "t.me/pokjanal_lutim_bot?start=hadir_" in made.output
    with Image.open(tmp_path / "qr.png") as image:
        assert image.size[0] > 200
    marked = runner.invoke(app, ["meeting", "checkin", "1", "0853 1234 5678"])
    assert "Sitti Aminah tercatat hadir di rapat #1." in marked.output
    walk_in = runner.invoke(app, ["meeting", "checkin", "1", "0811-4100-0001"])
    assert "sebagai peserta tanpa undangan" in walk_in.output


def test_a_long_import_tells_its_progress_in_plain_lines_off_a_terminal(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: a province's roster takes seconds. Off a terminal (a CI log, a pipe) the
    progress is a line at each tenth on stderr, no escape codes; the report is unchanged."""
    from bot import cli
    from models import roster

    monkeypatch.setattr(cli, "PLAIN_PROGRESS_ROWS", 40)
    monkeypatch.setattr(roster, "CHUNK", 10)
    sheet = tmp_path / "provinsi.csv"
    lines = ["nama,telepon,peran", *(f"Kader {n},0812{n:08d},kader" for n in range(50))]
    sheet.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["roster", "import", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert result.stderr.splitlines() == [
        f"provinsi.csv: {done} dari 50 baris …" for done in (10, 20, 30, 40, 50)
    ]
    assert result.stdout.splitlines() == [
        "50 baris: 50 baru, 0 diperbarui, 0 tidak berubah, 0 ditolak.",
        "Tersimpan.",
    ]
