"""The console's table of invitees: what each filter means, the search, and the late changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import meetings, organizations
from models.clock import FrozenClock
from models.invitees import (
    Filters,
    InviteeRow,
    filtered,
    invitee_rows,
    kecamatan_of_rows,
    late_changes,
)
from models.meetings import Answer, Invitation, Meeting
from models.organizations import Organization, OrgKind
from models.people import Person, Role
from models.rsvp import record
from tests.factories import person

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)


@pytest.fixture
def meeting(session: Session, clock: FrozenClock) -> Meeting:
    now = clock.now()

    def place(
        organization: str = "", kecamatan: str = "", desa: str = "", posyandu: str = ""
    ) -> Organization | None:
        return organizations.place_organization(
            session,
            organization=organization,
            kecamatan=kecamatan,
            desa=desa,
            posyandu=posyandu,
            now=now,
        )

    roster = [
        (
            "Sitti Aminah",
            Role.KADER,
            place(kecamatan="Malili", desa="Baruga", posyandu="Posyandu Melati Baruga"),
        ),
        ("Nur Hayati", Role.KADER, place(kecamatan="Wotu", posyandu="Posyandu Anggrek")),
        ("dr. Rina", Role.OPD, place(organization="Dinas Kesehatan", kecamatan="Malili")),
        ("Bidan Sari", Role.OPD, place(organization="Puskesmas Malili", kecamatan="Malili")),
        ("Camat Wotu", Role.OPD, place(organization="Kecamatan Wotu")),
    ]
    for index, (name, role, org) in enumerate(roster):
        someone = person(session, name=name, phone=f"08123400001{index}", role=role, now=now)
        someone.organization_id = org.id if org else None
        session.add(someone)
    session.commit()
    created = meetings.create(
        session,
        title="Rakor",
        starts_at=START,
        timezone="Asia/Makassar",
        venue="Aula",
        specs=["all"],
        now=now,
    )
    session.commit()
    return created


def names(rows: list[InviteeRow]) -> list[str]:
    return [row.name for row in rows]


def test_each_filter_and_the_search(session: Session, meeting: Meeting) -> None:
    assert meeting.id is not None
    rows = invitee_rows(session, meeting.id)
    assert len(rows) == 5
    # A Posyandu lies in its desa's kecamatan; a Puskesmas in its own; an agency in none (its
    # roster kecamatan is where its office is, not what it belongs to).
    by_name = {row.name: row for row in rows}
    assert by_name["Sitti Aminah"].kecamatan and by_name["Sitti Aminah"].kecamatan.name == "Malili"
    assert by_name["Bidan Sari"].kecamatan and by_name["Bidan Sari"].kecamatan.name == "Malili"
    assert by_name["Camat Wotu"].kecamatan and by_name["Camat Wotu"].kecamatan.name == "Wotu"
    assert by_name["dr. Rina"].kecamatan is None
    malili, wotu = kecamatan_of_rows(rows)
    assert (malili.name, wotu.name) == ("Malili", "Wotu")

    assert set(names(filtered(rows, Filters(kecamatan_id=malili.id)))) == {
        "Sitti Aminah",
        "Bidan Sari",
    }
    assert names(filtered(rows, Filters(kind=OrgKind.POSYANDU.value))) == [
        "Nur Hayati",
        "Sitti Aminah",
    ]
    assert set(names(filtered(rows, Filters(role=Role.OPD.value)))) == {
        "dr. Rina",
        "Bidan Sari",
        "Camat Wotu",
    }
    # The search matches words of the name or the organization, in any case and order.
    assert names(filtered(rows, Filters(text="melati"))) == ["Sitti Aminah"]
    assert names(filtered(rows, Filters(text="baruga sitti"))) == ["Sitti Aminah"]
    assert names(filtered(rows, Filters(text="tidak ada"))) == []
    # Filters add up.
    assert names(filtered(rows, Filters(kind="posyandu", kecamatan_id=wotu.id))) == ["Nur Hayati"]
    assert names(filtered(rows, Filters(answer=Answer.HADIR.value))) == []
    assert not Filters().any and Filters(text="x").any


def answer(
    session: Session, meeting: Meeting, name: str, value: Answer, at: datetime, reason: str = ""
) -> None:
    found = session.exec(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id,
            Invitation.person_id == Person.id,
            Person.name == name,
        )
    ).one()
    record(session, found, meeting, value, now=at, reason=reason)
    session.commit()


def test_late_changes_are_changes_of_answer_within_a_day_of_the_start(
    session: Session, meeting: Meeting
) -> None:
    week_before, hours_before = START - timedelta(days=7), START - timedelta(hours=3)
    answer(session, meeting, "Sitti Aminah", Answer.HADIR, week_before)
    answer(session, meeting, "Sitti Aminah", Answer.TIDAK_HADIR, hours_before, "anak sakit")
    answer(session, meeting, "Nur Hayati", Answer.HADIR, week_before)
    answer(session, meeting, "Nur Hayati", Answer.TIDAK_HADIR, week_before + timedelta(hours=1))
    answer(session, meeting, "dr. Rina", Answer.HADIR, hours_before)  # a first answer: no change
    answer(session, meeting, "Bidan Sari", Answer.HADIR, week_before)
    answer(session, meeting, "Bidan Sari", Answer.HADIR, hours_before)  # the same again: none

    (change,) = late_changes(session, meeting)

    assert (change.name, change.before, change.after) == ("Sitti Aminah", "hadir", "tidak_hadir")
    assert change.reason == "anak sakit" and change.at == hours_before
