"""The daftar hadir of the Luwu Timur Rakor as the secretariat files it with the SPJ."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, select

from handlers.attendance_export import (
    attendance_rows,
    write_csv,
    write_pdf,
    write_xlsx,
)
from models import meetings
from models.checkin import Outcome, check_in, mark_present
from models.clock import FrozenClock
from models.errors import NotFound
from models.meetings import Answer, Invitation
from models.organizations import OrgKind, get_or_create
from models.people import Person
from models.privacy import erase_person
from models.rsvp import record

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)  # Rabu, 6 Desember 2023 pukul 09.00 WITA
ISENG = "<b>Iseng</b> & Co"
TITLE = "Rakor Pokjanal Posyandu"


def _person(
    session: Session, name: str, phone: str, position: str, org_id: int | None, now: datetime
) -> Person:
    person = Person(
        name=name,
        phone=phone,
        position=position,
        organization_id=org_id,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    session.flush()
    return person


def build_rakor(session: Session, now: datetime, *, extra: int = 0) -> int:
    """Seven invitees, one of them erased, with every kind of answer; ``extra`` more pending."""
    dinkes = get_or_create(
        session, name="Dinas Kesehatan", kind=OrgKind.AGENCY, parent_id=None, now=now
    )
    wotu = get_or_create(session, name="Wotu", kind=OrgKind.KECAMATAN, parent_id=None, now=now)
    melati = get_or_create(
        session, name="Posyandu Melati Baruga", kind=OrgKind.POSYANDU, parent_id=wotu.id, now=now
    )
    pkk = get_or_create(
        session, name="TP PKK & Mitra", kind=OrgKind.AGENCY, parent_id=None, now=now
    )
    people = {
        "rosmini": _person(
            session, "dr. Rosmini, M.Kes", "+6281100000001", "Kepala Dinas", dinkes.id, now
        ),
        "hasrul": _person(session, "Hasrul Nawir", "+6281100000002", "Staf", dinkes.id, now),
        "andi": _person(session, "Andi Baso Tenri", "+6281100000003", "Camat", wotu.id, now),
        "sitti": _person(session, "Sitti Aminah", "+6281100000004", "Kader", melati.id, now),
        "iseng": _person(session, ISENG, "+6281100000006", "Anggota", pkk.id, now),
        "gone": _person(session, "Akan Dihapus", "+6281100000007", "Kader", melati.id, now),
        "zainal": _person(session, "Zainal", "+6281100000008", "", None, now),
    }
    for i in range(extra):
        long_name = f"Peserta Tambahan Nomor {i:02d} dengan Nama Panjang Sekali Bin Fulan"
        _person(session, long_name, f"+62812000{i:05d}", "Kader", melati.id, now)
    meeting = meetings.create(
        session,
        title=TITLE,
        starts_at=START,
        ends_at=START + timedelta(hours=4),
        timezone="Asia/Makassar",
        venue="Aula Hotel I Lagaligo, Malili",
        specs=["all"],
        now=now,
    )
    assert meeting.id is not None
    # Not on the list when the invitations went out: she comes to the door (a walk-in).
    renee = _person(session, "Renée O’Neil", "+6281100000005", "Kader", melati.id, now)

    def invitation(key: str) -> Invitation:
        return session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.person_id == people[key].id
            )
        ).one()

    record(session, invitation("rosmini"), meeting, Answer.HADIR, now=now)
    arrived = START + timedelta(minutes=12)  # 09.12 WITA
    checked = check_in(session, code=meeting.attendance_code, person=people["rosmini"], now=arrived)
    assert checked.outcome == Outcome.CHECKED_IN
    andi = invitation("andi")
    andi.representative_name = "Hj. Nurhayati"
    andi.representative_position = "Sekretaris Camat"
    record(session, andi, meeting, Answer.DIWAKILKAN, now=now)
    record(
        session, invitation("sitti"), meeting, Answer.TIDAK_HADIR, now=now, reason="Posyandu buka"
    )
    walked_in = mark_present(
        session, meeting=meeting, person=renee, now=START + timedelta(minutes=30)
    )
    assert walked_in.outcome == Outcome.WALK_IN
    record(session, invitation("iseng"), meeting, Answer.HADIR, now=now)
    erase_person(session, people["gone"], now=now)
    session.commit()
    return meeting.id


@pytest.fixture
def rakor(session: Session, clock: FrozenClock) -> int:
    return build_rakor(session, clock.now())


def test_rows_in_order_with_labels_and_local_times(session: Session, rakor: int) -> None:
    meeting, rows = attendance_rows(session, rakor, "id")
    assert meeting.title == TITLE
    assert [(r.number, r.name, r.organization) for r in rows] == [
        (1, "dr. Rosmini, M.Kes", "Dinas Kesehatan"),
        (2, "Hasrul Nawir", "Dinas Kesehatan"),
        (3, "Andi Baso Tenri", "Kecamatan Wotu"),
        (4, "Renée O’Neil", "Posyandu Melati Baruga"),
        (5, "Sitti Aminah", "Posyandu Melati Baruga"),
        (6, "(data dihapus)", "Posyandu Melati Baruga"),
        (7, ISENG, "TP PKK & Mitra"),  # as typed: no HTML escaping in a document
        (8, "Zainal", "(belum ada)"),  # no organization: last
    ]
    by_name = {r.name: r for r in rows}
    assert by_name["dr. Rosmini, M.Kes"].answer_label == "Hadir"
    assert by_name["dr. Rosmini, M.Kes"].check_in == "09.12"
    assert by_name["Andi Baso Tenri"].answer_label == "Diwakilkan"
    assert by_name["Andi Baso Tenri"].representative == "Hj. Nurhayati, Sekretaris Camat"
    assert by_name["Sitti Aminah"].answer_label == "Tidak hadir"
    assert by_name["Sitti Aminah"].reason == "Posyandu buka"
    assert by_name["Hasrul Nawir"].answer_label == "belum dijawab"
    assert by_name["Hasrul Nawir"].check_in == "" and by_name["Hasrul Nawir"].representative == ""
    renee = by_name["Renée O’Neil"]
    assert renee.walk_in and renee.check_in == "09.30" and renee.answer_label == "Hadir"
    assert by_name["(data dihapus)"].position == ""


def test_english_labels(session: Session, rakor: int) -> None:
    _, rows = attendance_rows(session, rakor, "en")
    labels = {r.name: r.answer_label for r in rows}
    assert labels["Hasrul Nawir"] == "not answered yet"
    assert labels["Andi Baso Tenri"] == "Represented"
    assert "(data erased)" in labels


def test_unknown_meeting(session: Session) -> None:
    with pytest.raises(NotFound):
        attendance_rows(session, 999, "id")


def test_xlsx_has_the_header_block_the_table_and_print_setup(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    meeting, rows = attendance_rows(session, rakor, "id")
    path = tmp_path / "daftar-hadir.xlsx"
    write_xlsx(path, meeting, rows, "id")
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "DAFTAR HADIR"
    assert cells[1][0] == TITLE
    assert cells[2][0] == "Waktu: Rabu, 6 Desember 2023 pukul 09.00 WITA s.d. 13.00"
    assert cells[3][0] == "Tempat: Aula Hotel I Lagaligo, Malili"
    assert cells[4][0] == f"Kode hadir: {meeting.attendance_code}"
    header_at = next(i for i, row in enumerate(cells) if row[0] == "No")
    assert list(cells[header_at]) == [
        "No",
        "Nama",
        "Jabatan",
        "Instansi",
        "Jawaban",
        "Diwakili oleh",
        "Jam hadir",
        "Tanda tangan",
    ]
    table = cells[header_at + 1 :]
    assert len(table) == 8
    rosmini = ("dr. Rosmini, M.Kes", "Kepala Dinas", "Dinas Kesehatan", "Hadir", None, "09.12")
    assert table[0][:7] == (1, *rosmini)
    assert table[2][4:6] == ("Diwakilkan", "Hj. Nurhayati, Sekretaris Camat")
    assert table[3][4] == "Hadir (datang tanpa undangan)"
    assert table[6][1] == ISENG
    assert all(row[7] is None for row in table)  # the signature column is left to the pen
    assert sheet.cell(row=header_at + 1, column=1).font.bold
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == f"${header_at + 1}:${header_at + 1}"
    assert sheet.column_dimensions["H"].width >= 25


def test_xlsx_in_english(session: Session, rakor: int, tmp_path: Path) -> None:
    meeting, rows = attendance_rows(session, rakor, "en")
    path = tmp_path / "attendance.xlsx"
    write_xlsx(path, meeting, rows, "en")
    sheet = load_workbook(path).active
    assert sheet is not None
    values = {c for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert {"ATTENDANCE LIST", "Name", "Represented by", "Signature"} <= values
    assert "When: Wednesday, 6 December 2023, 09:00 WITA until 13:00" in values


def test_a_name_typed_as_a_formula_stays_text(session: Session, rakor: int, tmp_path: Path) -> None:
    person = session.exec(select(Person).where(Person.name == "Zainal")).one()
    person.name = '=HYPERLINK("http://x","klik")'
    session.add(person)
    session.commit()
    meeting, rows = attendance_rows(session, rakor, "id")
    write_xlsx(tmp_path / "a.xlsx", meeting, rows, "id")
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None
    names = [c.value for c in sheet["B"]]
    assert '=HYPERLINK("http://x","klik")' in names
    assert all(c.data_type != "f" for c in sheet["B"])
    write_csv(tmp_path / "a.csv", meeting, rows, "id")
    assert "'=HYPERLINK" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")


def test_pdf_reads_back_with_title_representative_and_check_in(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    meeting, rows = attendance_rows(session, rakor, "id")
    path = tmp_path / "daftar-hadir.pdf"
    write_pdf(path, meeting, rows, "id")
    reader = PdfReader(path)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert round(float(page.mediabox.width)) == 842  # A4: 297 mm
    text = " ".join(page.extract_text().split())  # wrapped cells come back as several lines
    assert "DAFTAR HADIR" in text and TITLE in text
    assert "Hj. Nurhayati, Sekretaris Camat" in text
    assert "09.12" in text
    assert ISENG in text  # printed as typed, not taken for markup
    assert "Renée O’Neil" in text
    assert "Tanda tangan" in text
    assert "Halaman 1 dari 1" in text


def test_pdf_of_many_invitees_repeats_the_header_and_numbers_the_pages(
    session: Session, clock: FrozenClock, tmp_path: Path
) -> None:
    meeting_id = build_rakor(session, clock.now(), extra=40)
    meeting, rows = attendance_rows(session, meeting_id, "en")
    path = tmp_path / "long.pdf"
    write_pdf(path, meeting, rows, "en")
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, 1):
        text = " ".join(page.extract_text().split())
        assert "Represented by" in text and "Signature" in text
        assert f"Page {number} of {pages}" in text
    everything = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Peserta Tambahan Nomor 39 dengan Nama Panjang Sekali Bin Fulan" in everything


def test_pdf_survives_characters_outside_the_font(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    person = session.exec(select(Person).where(Person.name == "Zainal")).one()
    person.name = "Zainal 🙏 Ṣāliḥ\x07"
    session.add(person)
    session.commit()
    meeting, rows = attendance_rows(session, rakor, "id")
    write_pdf(tmp_path / "odd.pdf", meeting, rows, "id")
    write_xlsx(tmp_path / "odd.xlsx", meeting, rows, "id")
    assert "Zainal" in PdfReader(tmp_path / "odd.pdf").pages[0].extract_text()


def test_csv_has_every_answer_with_time_and_reason(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    meeting, rows = attendance_rows(session, rakor, "id")
    path = tmp_path / "daftar-hadir.csv"
    write_csv(path, meeting, rows, "id")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == [
        "No",
        "Nama",
        "Jabatan",
        "Instansi",
        "Jawaban",
        "Diwakili oleh",
        "Jam hadir",
        "Waktu jawaban",
        "Alasan",
        "Tanpa undangan",
    ]
    assert len(table) == 8
    by_name = {row["Nama"]: row for row in table}
    assert by_name["dr. Rosmini, M.Kes"]["Jam hadir"] == "2023-12-06 09:12"
    assert by_name["dr. Rosmini, M.Kes"]["Waktu jawaban"] == "2023-11-27 09:00"
    assert by_name["Andi Baso Tenri"]["Diwakili oleh"] == "Hj. Nurhayati, Sekretaris Camat"
    assert by_name["Sitti Aminah"]["Jawaban"] == "Tidak hadir"
    assert by_name["Sitti Aminah"]["Alasan"] == "Posyandu buka"
    assert by_name["Hasrul Nawir"]["Jawaban"] == "belum dijawab"
    assert by_name["Hasrul Nawir"]["Waktu jawaban"] == ""
    assert by_name["Renée O’Neil"]["Tanpa undangan"] == "ya"
    assert by_name["Renée O’Neil"]["Waktu jawaban"] == "2023-12-06 09:30"
    assert by_name[ISENG]["Instansi"] == "TP PKK & Mitra"


def test_csv_cells_never_become_formulas_even_split_at_a_semicolon() -> None:
    from handlers.attendance_export import _csv_safe

    assert _csv_safe("=1+1") == "'=1+1"
    assert _csv_safe("-5") == "'-5"
    # Excel in an Indonesian locale splits at ";": what follows must not start a formula.
    assert _csv_safe("x;=cmd|' /C calc'!A0;y") == "x;'=cmd|' /C calc'!A0;y"
    assert _csv_safe("a, +SUM(A1)") == "a, '+SUM(A1)"
    assert _csv_safe("Dinas Kesehatan; Puskesmas") == "Dinas Kesehatan; Puskesmas"


def _with_minutes(session: Session, meeting_id: int, minutes: str) -> None:
    meeting = session.get(meetings.Meeting, meeting_id)
    assert meeting is not None
    meeting.minutes = minutes
    session.add(meeting)
    session.commit()


def test_minutes_typed_as_a_formula_stay_text_even_when_edited_in_excel(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    """Security read: minutes starting with ``=`` were a live formula (a phishing link)."""
    _with_minutes(session, rakor, '=HYPERLINK("http://x","klik")\n+62 hadir; -1 absen')
    meeting, rows = attendance_rows(session, rakor, "id")
    write_xlsx(tmp_path / "a.xlsx", meeting, rows, "id")
    notes = load_workbook(tmp_path / "a.xlsx")["Notulen"]
    cell = notes["A1"]
    assert cell.data_type == "s"
    assert str(cell.value).startswith('=HYPERLINK("http://x","klik")')  # as typed, no quote
    assert cell.quotePrefix  # Excel keeps it text even after F2 + Enter


def test_a_control_character_in_the_minutes_does_not_break_the_export(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    """Security read: a bell (\\x07) pasted into the minutes made openpyxl refuse the file."""
    _with_minutes(session, rakor, "Rapat\x07 dibuka pukul 09.00\x1b.\nBaris dua.")
    meeting, rows = attendance_rows(session, rakor, "id")
    write_xlsx(tmp_path / "a.xlsx", meeting, rows, "id")
    notes = load_workbook(tmp_path / "a.xlsx")["Notulen"]
    assert notes["A1"].value == "Rapat dibuka pukul 09.00.\nBaris dua."
    write_csv(tmp_path / "a.csv", meeting, rows, "id")
    write_pdf(tmp_path / "a.pdf", meeting, rows, "id")


def test_typed_text_in_every_column_is_text_in_the_xlsx(
    session: Session, rakor: int, tmp_path: Path
) -> None:
    """A reason, a position, a representative typed as ``+``/``-``/``@`` are plain text cells."""
    person = session.exec(select(Person).where(Person.name == "Zainal")).one()
    person.position = "@SUM(1+1)"
    person.name = "=1+1"
    session.add(person)
    session.commit()
    meeting, rows = attendance_rows(session, rakor, "id")
    write_xlsx(tmp_path / "a.xlsx", meeting, rows, "id")
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value}
    assert cells["=1+1"].data_type == "s" and cells["=1+1"].quotePrefix
    assert cells["@SUM(1+1)"].data_type == "s" and cells["@SUM(1+1)"].quotePrefix
