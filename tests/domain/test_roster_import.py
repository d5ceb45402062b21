"""The secretariat's spreadsheet in: good rows upserted by phone, bad rows reported by number."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, col, select

from bot.tables import UnreadableTable, read_table
from models.clock import FrozenClock
from models.organizations import Organization, OrgKind
from models.people import Person, by_phone
from models.roster import RowProblem, import_roster, map_headers
from models.sheets import MissingColumns
from tests.conftest import DATA, DEMO_DATA


def _import(session: Session, path: Path, clock: FrozenClock):  # type: ignore[no-untyped-def]
    headers, rows = read_table(path)
    report = import_roster(session, headers, rows, now=clock.now())
    session.commit()
    return report


def test_a_bad_day_spreadsheet_accepts_rows_1_2_7_8_and_names_each_rejection(
    session: Session, clock: FrozenClock
) -> None:
    report = _import(session, DATA / "roster-with-errors.csv", clock)
    assert report.total == 8
    assert report.created == 4
    problems = {(e.row, e.problem) for e in report.errors}
    assert problems == {
        (3, RowProblem.BAD_PHONE),
        (4, RowProblem.MISSING_NAME),
        (5, RowProblem.UNKNOWN_ROLE),
        (6, RowProblem.DUPLICATE),
    }
    duplicate = next(e for e in report.errors if e.row == 6)
    assert duplicate.value == "2"  # "same phone as row 2"
    names = set(session.exec(select(Person.name)))
    assert "<b>Iseng</b> & Co" in names  # stored as typed; escaped wherever it is shown
    dewi = session.exec(select(Person).where(Person.name == "Dewi Lestari")).one()
    assert dewi.role == "kader"  # "KADER" in capitals is a kader
    assert dewi.phone == "+6285399990003"


def test_a_second_import_changes_nothing(session: Session, clock: FrozenClock) -> None:
    first = _import(session, DEMO_DATA / "roster-luwu-timur.csv", clock)
    people_before = len(session.exec(select(Person)).all())
    orgs_before = len(session.exec(select(Organization)).all())
    second = _import(session, DEMO_DATA / "roster-luwu-timur.csv", clock)
    assert first.created == people_before == 111
    assert (second.created, second.updated, second.unchanged) == (0, 0, 111)
    assert len(session.exec(select(Person)).all()) == people_before
    assert len(session.exec(select(Organization)).all()) == orgs_before


def test_a_changed_row_updates_the_person_it_matches_by_phone(
    session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text("nama,hp,peran,instansi\nSitti,0853 1234 5678,kader,Posyandu Melati\n")
    _import(session, sheet, clock)
    sheet.write_text(
        "Name;Phone;Role;Organization\nSitti Aminah;+62 853-1234-5678;opd;Dinas Sosial\n"
    )
    report = _import(session, sheet, clock)
    assert (report.created, report.updated) == (0, 1)
    person = session.exec(select(Person)).one()
    assert (person.name, person.role) == ("Sitti Aminah", "opd")


def test_the_tree_puts_posyandu_under_desa_under_kecamatan(
    session: Session, clock: FrozenClock
) -> None:
    _import(session, DEMO_DATA / "roster-luwu-timur.csv", clock)
    posyandu = session.exec(
        select(Organization).where(Organization.name == "Posyandu Melati Baruga")
    ).one()
    desa = session.get(Organization, posyandu.parent_id)
    assert desa is not None and (desa.kind, desa.name) == (OrgKind.DESA, "Baruga")
    kecamatan = session.get(Organization, desa.parent_id)
    assert kecamatan is not None and (kecamatan.kind, kecamatan.name) == (
        OrgKind.KECAMATAN,
        "Malili",
    )
    # "Kecamatan Wotu" as an agency is the kecamatan node itself, not a second one.
    wotu = session.exec(
        select(Organization).where(
            Organization.kind == OrgKind.KECAMATAN, Organization.name == "Wotu"
        )
    ).all()
    assert len(wotu) == 1
    puskesmas = session.exec(
        select(Organization).where(Organization.name == "Puskesmas Wotu")
    ).one()
    assert puskesmas.kind == OrgKind.PUSKESMAS and puskesmas.parent_id == wotu[0].id
    dinkes = session.exec(select(Organization).where(Organization.name == "Dinas Kesehatan")).one()
    assert dinkes.kind == OrgKind.AGENCY and dinkes.parent_id is None
    kader_orgs = session.exec(
        select(Person.organization_id).where(Person.role == "kader").distinct()
    ).all()
    assert len(kader_orgs) == 25  # three cadres for each of 25 Posyandu


def test_xlsx_with_numeric_phones_reads_like_csv(
    session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NAMA", "No. HP", "Peran", "Instansi", "Kolom Lain"])
    sheet.append(["Hj. Darmawati, S.KM", 81203519203, "opd", "Dinas Kesehatan", "x"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    report = _import(session, path, clock)
    assert report.created == 1 and not report.errors
    person = session.exec(select(Person)).one()
    assert (person.name, person.phone) == ("Hj. Darmawati, S.KM", "+6281203519203")


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(MissingColumns) as caught:
        map_headers(["Nama", "Jabatan"])
    assert caught.value.missing == ["phone", "role"]


def test_unreadable_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(UnreadableTable, match="not found"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(UnreadableTable, match=r"csv or \.xlsx"):
        read_table(tmp_path / "x.pdf")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnreadableTable, match="XLSX"):
        read_table(tmp_path / "broken.xlsx")


def test_sanggau_loads_too(session: Session, clock: FrozenClock) -> None:
    report = _import(session, DEMO_DATA / "roster-sanggau.csv", clock)
    assert report.created == 33 and not report.errors
    assert session.exec(select(Person).where(col(Person.role) == "admin")).first() is not None


def test_quoted_line_breaks_and_other_phone_headers(
    session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text('Nama,No. Telp,Peran,Jabatan\nSitti,0853 1234 5678,kader,"Kader\nKetua"\n')
    report = _import(session, sheet, clock)
    assert report.created == 1 and not report.errors
    assert session.exec(select(Person)).one().position == "Kader Ketua"  # one line on the list


def test_a_paper_opt_in_lets_whatsapp_write_first(session: Session, clock: FrozenClock) -> None:
    headers = ["Nama", "No HP", "Peran", "Izin WA"]
    rows = [
        ["Sitti Aminah", "0853 1234 5678", "kader", "ya"],
        ["Nur Hayati", "0853 1111 2222", "kader", ""],
    ]
    report = import_roster(session, headers, rows, now=clock.now())
    assert report.created == 2
    sitti = by_phone(session, "+6285312345678")
    nur = by_phone(session, "+6285311112222")
    assert sitti is not None and nur is not None
    # Only the permission: the number is linked when she first writes (after the notice).
    assert (sitti.whatsapp_id, sitti.whatsapp_opt_in_at) == (None, clock.now())
    assert sitti.whatsapp_address == "6285312345678" and sitti.reachable
    assert not sitti.is_registered and sitti.has_channel
    assert (nur.whatsapp_address, nur.whatsapp_opt_in_at, nur.reachable) == (None, None, False)
    # Marked later on an existing row: an update; again: unchanged.
    rows[1][3] = "Ya"
    assert import_roster(session, headers, rows, now=clock.now()).updated == 1
    assert nur.whatsapp_address == "6285311112222" and nur.reachable
    assert import_roster(session, headers, rows, now=clock.now()).unchanged == 2
