"""The recap of a meeting (/rekap) and the manual nudge, on a small district built by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import meetings, organizations, recap
from models.clock import FrozenClock
from models.errors import NotFound
from models.meetings import Answer, Invitation, Meeting, MeetingStatus
from models.organizations import Organization, OrgKind
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person, PersonStatus, Role
from models.privacy import erase_person
from tests.factories import person

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)  # Rabu, 6 Desember 2023 pukul 09.00 WITA


@dataclass
class District:
    meeting: Meeting
    people: dict[str, Person]
    orgs: dict[str, Organization]

    def invitation(self, session: Session, name: str) -> Invitation:
        return session.exec(
            select(Invitation).where(
                Invitation.meeting_id == self.meeting.id,
                Invitation.person_id == self.people[name].id,
            )
        ).one()

    def answer(self, session: Session, name: str, answer: Answer, **fields: object) -> None:
        row = self.invitation(session, name)
        row.answer = answer.value
        for key, value in fields.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()

    def invitation_row(self, session: Session, name: str) -> OutboxMessage:
        return session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == Kind.INVITATION.value,
                OutboxMessage.person_id == self.people[name].id,
            )
        ).one()

    def rows(self, session: Session, name: str) -> list[OutboxMessage]:
        return list(
            session.exec(
                select(OutboxMessage).where(OutboxMessage.person_id == self.people[name].id)
            )
        )

    def mark_row(self, session: Session, name: str, status: Status, error: str = "") -> None:
        row = self.invitation_row(session, name)
        row.status, row.last_error = status.value, error
        session.add(row)
        session.commit()


ROSTER = [
    # name, organization, registered
    ("Hasrul Nawir", "Dinas Pemberdayaan Masyarakat dan Desa", True),
    ("Andi Baso", "Dinas Pemberdayaan Masyarakat dan Desa", True),
    ("dr. Rina", "Dinas Kesehatan", True),
    ("Sitti Aminah", "Posyandu Melati Baruga", True),
    ("Nur Hayati", "Posyandu Melati Baruga", False),
    ("Dewi Lestari", "Posyandu Anggrek Lakawali", True),
    ("Tanpa Instansi", None, True),
]


@pytest.fixture
def district(session: Session, clock: FrozenClock) -> District:
    now = clock.now()
    orgs = {
        name: organizations.get_or_create(
            session, name=name, kind=organizations.kind_from_name(name), parent_id=None, now=now
        )
        for name in {org for _, org, _ in ROSTER if org}
    }
    people: dict[str, Person] = {}
    for index, (name, org, registered) in enumerate(ROSTER):
        someone = person(
            session,
            name=name,
            phone=f"0812340000{index:02d}",
            role=Role.OPD if org and org.startswith("Dinas") else Role.KADER,
            now=now,
            telegram_user_id=7_000_000_000 + index if registered else None,
        )
        someone.organization_id = orgs[org].id if org else None
        session.add(someone)
        people[name] = someone
    session.commit()
    meeting = meetings.create(
        session,
        title="Rakor Pokjanal Posyandu",
        starts_at=START,
        timezone="Asia/Makassar",
        venue="Aula Hotel I Lagaligo, Malili",
        specs=["all"],
        now=now,
    )
    session.commit()
    return District(meeting, people, orgs)


def test_the_funnel_counts_invited_delivered_answered_and_checked_in(
    session: Session, clock: FrozenClock, district: District
) -> None:
    for name in ("Hasrul Nawir", "Andi Baso", "dr. Rina", "Sitti Aminah", "Dewi Lestari"):
        district.mark_row(session, name, Status.SENT)
    # Nur Hayati never registered: no row was queued for her (issue 15), she still counts.
    assert district.rows(session, "Nur Hayati") == []
    district.answer(session, "Hasrul Nawir", Answer.HADIR, checked_in_at=clock.now())
    district.answer(session, "dr. Rina", Answer.DIWAKILKAN, representative_name="Bidan Sari")
    district.answer(session, "Sitti Aminah", Answer.TIDAK_HADIR, reason="Posyandu buka")
    walk_in = person(session, name="Tamu", phone="081234009999", now=clock.now())
    assert walk_in.id is not None and district.meeting.id is not None
    session.add(
        Invitation(
            meeting_id=district.meeting.id,
            person_id=walk_in.id,
            answer=Answer.HADIR.value,
            walk_in=True,
            checked_in_at=clock.now(),
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    session.commit()

    result = recap.recap(session, district.meeting.id, now=clock.now())

    assert result.funnel == recap.Funnel(
        invited=7,
        delivered=5,
        answered=3,
        checked_in=1,
        # Rows sent before the channel was recorded count as Telegram's.
        channels=(recap.ChannelLine("telegram", sent=5, delivered=5, read=None),),
    )
    assert result.answers == {"pending": 4, "hadir": 1, "diwakilkan": 1, "tidak_hadir": 1}
    assert result.walk_ins == 1  # counted apart, not an invitee
    assert result.open_for_answers
    assert result.fields == ()  # organizations carry no service field yet: nothing invented


def test_an_organization_is_covered_when_someone_attends_or_is_represented(
    session: Session, clock: FrozenClock, district: District
) -> None:
    district.answer(session, "Andi Baso", Answer.HADIR)
    district.answer(session, "dr. Rina", Answer.DIWAKILKAN, representative_name="Bidan Sari")
    district.answer(session, "Sitti Aminah", Answer.TIDAK_HADIR)
    assert district.meeting.id is not None

    result = recap.recap(session, district.meeting.id, now=clock.now())

    lines = {
        (line.organization.name if line.organization else None): line
        for line in result.organizations
    }
    assert lines["Dinas Pemberdayaan Masyarakat dan Desa"].covered
    assert lines["Dinas Pemberdayaan Masyarakat dan Desa"].counts == {
        "pending": 1,
        "hadir": 1,
        "diwakilkan": 0,
        "tidak_hadir": 0,
    }
    assert lines["Dinas Kesehatan"].covered
    assert not lines["Posyandu Melati Baruga"].covered  # one declined, one silent
    assert lines["Posyandu Melati Baruga"].invited == 2
    assert not lines["Posyandu Anggrek Lakawali"].covered
    assert lines[None].invited == 1  # people without an organization are a line of their own
    assert result.covered == 2
    # Who is missing first: the uncovered organizations lead the list.
    assert [line.covered for line in result.organizations] == [False, False, False, True, True]


def test_the_organizations_summed_by_kind_each_with_the_few_holding_it_back(
    session: Session, clock: FrozenClock, district: District
) -> None:
    district.answer(session, "Andi Baso", Answer.HADIR)
    district.answer(session, "Sitti Aminah", Answer.TIDAK_HADIR)
    assert district.meeting.id is not None

    result = recap.recap(session, district.meeting.id, now=clock.now())

    assert [line.kind for line in result.kinds] == ["agency", "posyandu", "none"]
    agency, posyandu, none = result.kinds
    assert (agency.organizations, agency.covered, agency.invited, agency.answered) == (2, 1, 3, 1)
    # The uncovered Dinas Kesehatan is named before the covered DPMD, though each has one silent.
    assert [line.organization.name for line in agency.laggards if line.organization] == [
        "Dinas Kesehatan",
        "Dinas Pemberdayaan Masyarakat dan Desa",
    ]
    assert (posyandu.organizations, posyandu.covered, posyandu.answered) == (2, 0, 1)
    assert [line.organization.name for line in posyandu.laggards if line.organization] == [
        "Posyandu Anggrek Lakawali",
        "Posyandu Melati Baruga",
    ]
    assert none.organizations == 0 and none.laggards == () and none.invited == 1


def test_only_the_most_silent_are_named_and_the_rest_counted() -> None:
    now = START
    orgs = [
        Organization(id=i, name=f"Posyandu {i:02d}", kind=OrgKind.POSYANDU.value, created_at=now)
        for i in range(1, 8)
    ]
    lines = [
        recap.OrgLine(org, recap.empty_counts() | {"pending": index % 4, "hadir": index % 2})
        for index, org in enumerate(orgs, start=1)
    ]
    (posyandu,) = recap.kind_lines(lines)
    # Silent: 1 (1 left, covered), 2 (2), 3 (3, covered), 5 (1, covered), 6 (2), 7 (3, covered).
    assert [line.organization.name for line in posyandu.laggards if line.organization] == [
        "Posyandu 02",
        "Posyandu 06",
        "Posyandu 03",
    ]
    assert posyandu.more_laggards == 3


def test_an_invitation_shown_in_the_chat_counts_as_delivered(
    session: Session, clock: FrozenClock, district: District
) -> None:
    from models.rsvp import mark_shown

    district.mark_row(session, "Hasrul Nawir", Status.SENT)
    # Sitti saw her invitation in the chat on registering; no row of hers ever went.
    district.mark_row(session, "Sitti Aminah", Status.SKIPPED, "shown")
    shown = district.invitation(session, "Sitti Aminah").id
    assert shown is not None and district.meeting.id is not None
    mark_shown(session, [shown], now=clock.now())
    session.commit()

    result = recap.recap(session, district.meeting.id, now=clock.now())

    assert result.funnel.delivered == 2


def test_non_responders_are_listed_with_name_and_organization(
    session: Session, clock: FrozenClock, district: District
) -> None:
    district.answer(session, "Hasrul Nawir", Answer.HADIR)
    district.answer(session, "Sitti Aminah", Answer.TIDAK_HADIR)
    assert district.meeting.id is not None

    result = recap.recap(session, district.meeting.id, now=clock.now())

    listed = [
        (line.name, line.organization.name if line.organization else None)
        for line in result.non_responders
    ]
    assert listed == [  # by organization, then name
        ("dr. Rina", "Dinas Kesehatan"),
        ("Andi Baso", "Dinas Pemberdayaan Masyarakat dan Desa"),
        ("Dewi Lestari", "Posyandu Anggrek Lakawali"),
        ("Nur Hayati", "Posyandu Melati Baruga"),
        ("Tanpa Instansi", None),
    ]
    assert [line.reachable for line in result.non_responders] == [True, True, True, False, True]
    assert result.nudgeable == 4


def test_undeliverable_invitees_never_registered_blocked_or_erased(
    session: Session, clock: FrozenClock, district: District
) -> None:
    blocked = district.people["Andi Baso"]
    blocked.unreachable_at = clock.now()
    session.add(blocked)
    session.commit()
    # A 403 on the invitation itself, before the person row was marked.
    district.mark_row(session, "dr. Rina", Status.UNREACHABLE, "Forbidden: bot was blocked")
    # Not registered when the invitation went (an old row, from before issue 15), registered
    # since: reachable now.
    district.mark_row(session, "Dewi Lestari", Status.UNREACHABLE, "not_registered")
    erase_person(session, district.people["Tanpa Instansi"], now=clock.now())
    session.commit()
    assert district.meeting.id is not None

    result = recap.recap(session, district.meeting.id, now=clock.now())

    reasons = {line.name: line.unreachable for line in result.undeliverable}
    assert reasons == {
        "Andi Baso": recap.Unreachable.BLOCKED,
        "dr. Rina": recap.Unreachable.BLOCKED,
        "Nur Hayati": recap.Unreachable.NOT_REGISTERED,
        "": recap.Unreachable.ERASED,  # the name is gone; the row still counts
    }
    assert district.people["Tanpa Instansi"].status == PersonStatus.ERASED.value
    assert result.nudgeable == 3  # Hasrul, Sitti, Dewi


def test_an_unknown_meeting_is_not_found(session: Session, clock: FrozenClock) -> None:
    with pytest.raises(NotFound):
        recap.recap(session, 999, now=clock.now())
    with pytest.raises(NotFound):
        recap.nudge_non_responders(session, 999, now=clock.now())


def nudges(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == Kind.NUDGE.value)
    return list(session.exec(query.order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def test_nudging_queues_one_nudge_per_reachable_non_responder_once(
    session: Session, clock: FrozenClock, district: District
) -> None:
    district.answer(session, "Hasrul Nawir", Answer.HADIR)
    meeting_id = district.meeting.id
    assert meeting_id is not None

    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 5
    session.commit()
    rows = nudges(session)
    expected = {"Andi Baso", "dr. Rina", "Sitti Aminah", "Dewi Lestari", "Tanpa Instansi"}
    assert {district.people[n].id for n in expected} == {row.person_id for row in rows}
    first = rows[0]
    assert (first.subject, first.subject_version, first.slot) == (
        "meeting:1",
        1,
        "manual-202311270100",
    )
    assert first.expires_at == district.meeting.rsvp_deadline
    assert first.not_before == clock.now() and first.status == Status.PENDING.value
    invitation_ids = {district.invitation(session, n).id for n in expected}
    assert {row.payload["invitation_id"] for row in rows} == invitation_ids

    # A double press: the same minute, or later while the first ones still wait, adds nothing.
    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 0
    clock.advance(timedelta(minutes=5))
    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 0
    assert len(nudges(session)) == 5


def test_a_nudge_sent_within_a_day_is_not_repeated_but_after_a_day_it_is(
    session: Session, clock: FrozenClock, district: District
) -> None:
    meeting_id = district.meeting.id
    assert meeting_id is not None
    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 6
    for row in nudges(session):
        row.status, row.sent_at = Status.SENT.value, clock.now()
        session.add(row)
    district.answer(session, "Sitti Aminah", Answer.HADIR)
    clock.advance(timedelta(hours=23))
    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 0
    clock.advance(timedelta(hours=2))
    assert recap.nudge_non_responders(session, meeting_id, now=clock.now()) == 5  # not Sitti
    session.commit()
    assert len({row.slot for row in nudges(session)}) == 2


def test_no_nudge_after_the_deadline_or_for_a_cancelled_meeting(
    session: Session, clock: FrozenClock, district: District
) -> None:
    meeting = district.meeting
    assert meeting.id is not None
    later = START + timedelta(minutes=1)
    assert recap.nudge_non_responders(session, meeting.id, now=later) == 0
    assert not recap.recap(session, meeting.id, now=later).open_for_answers
    meeting.status = MeetingStatus.CANCELLED.value
    session.add(meeting)
    session.commit()
    assert recap.nudge_non_responders(session, meeting.id, now=clock.now()) == 0
    assert nudges(session) == []


def test_recent_meetings_upcoming_first_then_the_last_month(
    session: Session, clock: FrozenClock, district: District
) -> None:
    now = clock.now()

    def meeting(title: str, starts: datetime, status: MeetingStatus) -> None:
        session.add(
            Meeting(
                title=title,
                starts_at=starts,
                timezone="Asia/Makassar",
                venue="Malili",
                rsvp_deadline=starts,
                status=status.value,
                attendance_code=meetings.new_attendance_code(session),
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()

    meeting("Lokmin minggu lalu", now - timedelta(days=7), MeetingStatus.DONE)
    meeting("Rakor kemarin", now - timedelta(days=1), MeetingStatus.SCHEDULED)
    meeting("Rakor tahun lalu", now - timedelta(days=400), MeetingStatus.DONE)
    meeting("Rapat batal", now + timedelta(days=2), MeetingStatus.CANCELLED)
    meeting("Rapat lusa", now + timedelta(days=2), MeetingStatus.SCHEDULED)
    session.commit()

    titles = [m.title for m in recap.recent_meetings(session, now=now)]
    assert titles == [
        "Rapat lusa",
        "Rakor Pokjanal Posyandu",
        "Rakor kemarin",
        "Lokmin minggu lalu",
    ]


def test_the_service_field_hook_reads_nothing_until_organizations_carry_one() -> None:
    assert recap.service_field_of(None) is None
    org = Organization(name="Dinas Kesehatan", kind=OrgKind.AGENCY.value, created_at=START)
    assert recap.service_field_of(org) is None
