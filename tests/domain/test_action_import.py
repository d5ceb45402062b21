"""The RTL matrix of a meeting in: good rows become actions, bad rows are reported by number."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, col, func, select

from bot.tables import read_table
from models import actions
from models.action_import import (
    ActionImportReport,
    ActionRowProblem,
    import_actions,
    parse_sheet_date,
)
from models.actions import Action
from models.clock import FrozenClock
from models.outbox import OutboxMessage
from models.people import by_phone
from models.roster import import_roster
from models.sheets import MissingColumns
from tests.conftest import DEMO_DATA

HEADERS = ["Tindak lanjut", "Penanggung jawab", "Tenggat", "Keterangan"]
SAMPLE = DEMO_DATA / "rtl-luwu-timur.csv"


@pytest.fixture
def roster(session: Session, clock: FrozenClock) -> Session:
    headers, rows = read_table(DEMO_DATA / "roster-luwu-timur.csv")
    report = import_roster(session, headers, rows, now=clock.now())
    assert not report.errors
    session.commit()
    return session


def _write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _import(
    session: Session,
    path: Path,
    clock: FrozenClock,
    *,
    today: date | None = None,
    meeting_id: int | None = None,
) -> ActionImportReport:
    headers, rows = read_table(path)
    report = import_actions(
        session,
        headers,
        rows,
        now=clock.now(),
        today=today or clock.now().date(),
        meeting_id=meeting_id,
    )
    session.commit()
    return report


def _count(session: Session, model: type[Action] | type[OutboxMessage]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_luwu_timur_sheet_creates_12_actions_and_a_second_run_changes_nothing(
    roster: Session, clock: FrozenClock
) -> None:
    first = _import(roster, SAMPLE, clock)
    assert first.errors == []
    assert (first.total, first.rows_created, first.created) == (12, 12, 12)
    assert (first.rows_existing, first.existing) == (0, 0)
    malili = roster.exec(select(Action).where(col(Action.title).startswith("Pendataan"))).one()
    assert malili.due == date(2024, 1, 31)
    assert malili.detail == "Format dari Dinas Kesehatan"
    assert malili.group_key == ""
    before = {
        (a.id, a.title, a.owner_org_id, a.due, a.updated_at) for a in roster.exec(select(Action))
    }

    second = _import(roster, SAMPLE, clock)
    assert second.errors == []
    assert (second.total, second.created, second.rows_created) == (12, 0, 0)
    assert (second.rows_existing, second.existing) == (12, 12)
    after = {
        (a.id, a.title, a.owner_org_id, a.due, a.updated_at) for a in roster.exec(select(Action))
    }
    assert after == before and len(after) == 12


def test_assignment_notices_go_once_to_registered_members(
    roster: Session, clock: FrozenClock
) -> None:
    andi = by_phone(roster, "+6281267659951")  # Andi Rahmawati, Dinas Kesehatan
    assert andi is not None
    andi.telegram_user_id = andi.telegram_chat_id = 5001
    roster.add(andi)
    roster.commit()

    _import(roster, SAMPLE, clock)
    notices = list(roster.exec(select(OutboxMessage)))
    dinkes = roster.exec(select(Action).where(col(Action.title).startswith("Pelatihan"))).one()
    assert [(n.person_id, n.subject) for n in notices] == [(andi.id, f"action:{dinkes.id}")]

    _import(roster, SAMPLE, clock)
    assert _count(roster, OutboxMessage) == 1  # a re-run announces nothing again


def test_bad_rows_are_reported_by_number_and_reason_and_the_good_ones_load(
    roster: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    sheet = _write_csv(
        tmp_path / "rtl.csv",
        [*HEADERS, "No HP"],
        [
            ["Rapat evaluasi kader", "Dinas Kesehatan", "2024-03-01", "", ""],  # 1 ok
            ["", "Dinas Kesehatan", "2024-03-01", "", ""],  # 2 missing title
            ["x" * 301, "Dinas Kesehatan", "2024-03-01", "", ""],  # 3 title too long
            ["Promosi wisata", "Dinas Pariwisata", "2024-03-01", "", ""],  # 4 unknown owner
            ["Laporan bulanan", "Dinas Sosial", "31/02/2024", "", ""],  # 5 bad date
            ["Laporan mingguan", "Dinas Sosial", "besok", "", ""],  # 6 bad date
            ["Kunjungan rumah", "Dinas Sosial", "2024-03-01", "", "081299999999"],  # 7 no one
            ["", "", "", "", ""],  # a blank line: not a row
            ["Pendataan balita", "Kecamatan Malili", "15/03/2024", "", ""],  # 9 ok, DD/MM
            ["Pendataan ibu hamil", "Kecamatan Malili", "1-4-2024", "", ""],  # 10 ok, DD-MM
            ["Rapat evaluasi kader", "Dinas Kesehatan", "2024-03-01", "", ""],  # 11 = row 1
            ["Penyuluhan gizi", "Dinas Kesehatan", "2024-03-05", "", "081267659951"],  # 12 ok
        ],
    )
    report = _import(roster, sheet, clock)
    assert {(e.row, e.problem, e.value) for e in report.errors} == {
        (2, ActionRowProblem.MISSING_TITLE, ""),
        (3, ActionRowProblem.TITLE_TOO_LONG, "x" * 40),
        (4, ActionRowProblem.UNKNOWN_OWNER, "Dinas Pariwisata"),
        (5, ActionRowProblem.BAD_DATE, "31/02/2024"),
        (6, ActionRowProblem.BAD_DATE, "besok"),
        (7, ActionRowProblem.UNKNOWN_PERSON, "081299999999"),
        (11, ActionRowProblem.DUPLICATE, "1"),
    }
    assert report.total == 11 and report.created == 4 and report.rows_created == 4
    loaded = {a.title: a for a in roster.exec(select(Action))}
    assert set(loaded) == {
        "Rapat evaluasi kader",
        "Pendataan balita",
        "Pendataan ibu hamil",
        "Penyuluhan gizi",
    }
    assert loaded["Pendataan balita"].due == date(2024, 3, 15)
    assert loaded["Pendataan ibu hamil"].due == date(2024, 4, 1)
    andi = by_phone(roster, "+6281267659951")
    assert andi is not None and loaded["Penyuluhan gizi"].owner_person_id == andi.id
    assert loaded["Rapat evaluasi kader"].owner_person_id is None


def test_the_overdue_rows_are_counted_against_today(roster: Session, clock: FrozenClock) -> None:
    # 2024-01-05, 2024-01-15 and three on 2024-01-31 fall before 1 February 2024.
    assert _import(roster, SAMPLE, clock, today=date(2024, 2, 1)).overdue == 5
    # History is loaded as it is: a re-run still says so, and nothing was refused.
    again = _import(roster, SAMPLE, clock, today=date(2024, 2, 1))
    assert again.overdue == 5 and again.errors == []
    assert _import(roster, SAMPLE, clock, today=date(2023, 11, 27)).overdue == 0
    assert _import(roster, SAMPLE, clock, today=date(2024, 12, 31)).overdue == 12


def test_a_group_owner_is_one_row_that_fans_out(
    roster: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    sheet = _write_csv(
        tmp_path / "rtl.csv",
        HEADERS,
        [
            ["Rekap data stunting per desa", "Camat se-Kabupaten", "2024-02-10", ""],
            ["Rekap data stunting per desa", "Kecamatan Malili", "2024-02-10", ""],
        ],
    )
    report = _import(roster, sheet, clock)
    assert report.total == 2 and report.rows_created == 1 and report.created == 11
    # Row 2 names one of the eleven: the same action, so a repeat of row 1.
    assert [(e.row, e.problem, e.value) for e in report.errors] == [
        (2, ActionRowProblem.DUPLICATE, "1")
    ]
    made = list(roster.exec(select(Action)))
    assert len(made) == 11
    assert {a.group_key for a in made} == {"kecamatan"}
    assert {a.group_label for a in made} == {"Camat se-Kabupaten"}
    assert len({a.owner_org_id for a in made}) == 11

    again = _import(roster, sheet, clock)
    assert (again.created, again.rows_existing, again.existing) == (0, 1, 11)
    assert [(e.row, e.problem) for e in again.errors] == [(2, ActionRowProblem.DUPLICATE)]


def test_excel_date_cells_and_english_headers(
    roster: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Action", "Owner", "Due date", "Notes"])
    excel_cell = datetime(2024, 2, 1)  # noqa: DTZ001 - Excel holds no zone
    sheet.append(["Distribute vitamin A", "Dinas Kesehatan", excel_cell, "February"])
    sheet.append(["Count the scales", "Puskesmas Malili", date(2024, 8, 17), ""])
    sheet.append(["Typed as text", "Dinas Sosial", "2024-05-02", ""])
    workbook.save(tmp_path / "rtl.xlsx")

    report = _import(roster, tmp_path / "rtl.xlsx", clock)
    assert report.errors == [] and report.created == 3
    dues = {a.title: a.due for a in roster.exec(select(Action))}
    assert dues == {
        "Distribute vitamin A": date(2024, 2, 1),
        "Count the scales": date(2024, 8, 17),
        "Typed as text": date(2024, 5, 2),
    }


def test_an_unknown_meeting_stops_before_any_row(roster: Session, clock: FrozenClock) -> None:
    headers, rows = read_table(SAMPLE)
    with pytest.raises(actions.ActionError) as raised:
        import_actions(
            roster, headers, rows, now=clock.now(), today=date(2024, 1, 1), meeting_id=99
        )
    assert raised.value.code == "unknown_meeting" and raised.value.detail == "99"
    assert _count(roster, Action) == 0


def test_a_sheet_without_an_owner_column_names_it(roster: Session, clock: FrozenClock) -> None:
    with pytest.raises(MissingColumns) as raised:
        import_actions(
            roster,
            ["RTL", "Tenggat"],
            [["a", "2024-01-01"]],
            now=clock.now(),
            today=date(2024, 1, 1),
        )
    assert raised.value.missing == ["owner"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31", date(2024, 1, 31)),
        ("31/01/2024", date(2024, 1, 31)),
        ("31-01-2024", date(2024, 1, 31)),
        ("5/2/2024", date(2024, 2, 5)),
        ("2024-02-29 00:00:00", date(2024, 2, 29)),  # an Excel date cell through read_table
        ("2023-02-29", None),
        ("31/02/2024", None),
        ("2024/01/31", None),
        ("01/31/2024", None),  # month first is not how Indonesia writes dates
        ("45306", None),
        ("", None),
    ],
)
def test_sheet_dates(text: str, expected: date | None) -> None:
    assert parse_sheet_date(text) == expected
