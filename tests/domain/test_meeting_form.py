"""The console's one-page /rapatbaru and /pindahrapat: every answer read as the chat's step
reads it, every problem given with the step's own code at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models import meetings
from models.clock import FrozenClock
from models.meeting_drafts import FormErrors, MeetingForm, check_form, check_move
from models.meetings import MeetingError
from tests.factories import person

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)  # Rabu, 6 Desember 2023 pukul 09.00 WITA
GOOD = MeetingForm(
    title="Rakor Pokjanal",
    day="6 Des",
    starts="09.00 Wita",
    ends="12.00",
    venue="Aula Kantor Bupati",
    deadline="",
    audience="all",
)


def test_a_form_that_fits_reads_like_the_chat(session: Session, clock: FrozenClock) -> None:
    person(session, name="Sitti", phone="085312345678", now=clock.now())
    new = check_form(session, GOOD, now=clock.now(), default_zone="Asia/Jakarta")
    assert new.timezone == "Asia/Makassar"  # the zone typed with the time, as in the chat
    assert new.starts_at == START and new.ends_at == START + timedelta(hours=3)
    assert new.rsvp_deadline == START  # no deadline: the start, the chat's button
    assert new.specs == ("all",) and new.invited == 1


def test_every_problem_is_named_at_once(session: Session, clock: FrozenClock) -> None:
    person(session, name="Sitti", phone="085312345678", now=clock.now())
    form = MeetingForm(
        title="ab",
        day="besok",
        starts="jam 8 malam",
        ends="19.00",
        venue="",
        agenda="x" * (meetings.AGENDA_MAX + 1),
        deadline="7/12/2023",
        audience="kecamatan:Atlantis",
    )
    with pytest.raises(FormErrors) as raised:
        check_form(session, form, now=clock.now(), default_zone="Asia/Makassar")
    assert raised.value.problems == {
        "title": "title",
        "ends": "meeting_end_before_start",
        "venue": "venue",
        "agenda": "meeting_agenda",
        "deadline": "deadline_order",
        "audience": "audience",
    }


def test_past_and_unreadable_times(session: Session, clock: FrozenClock) -> None:
    person(session, name="Sitti", phone="085312345678", now=clock.now())
    past = MeetingForm(title="Rakor", day="hari ini", starts="08.00", venue="Aula", audience="all")
    with pytest.raises(FormErrors) as raised:  # 08.00 WITA today is before 09.00 WITA now
        check_form(session, past, now=clock.now(), default_zone="Asia/Makassar")
    assert raised.value.problems == {"starts": "time_past"}
    nonsense = MeetingForm(title="Rakor", day="31/2", starts="jam sembilan", audience="")
    with pytest.raises(FormErrors) as raised:
        check_form(session, nonsense, now=clock.now(), default_zone="Asia/Makassar")
    assert raised.value.problems == {
        "day": "date",
        "starts": "time",
        "venue": "venue",
        "audience": "audience",
    }


def test_a_move_is_read_in_the_meetings_zone(session: Session, clock: FrozenClock) -> None:
    meeting = meetings.create(
        session,
        title="Rakor",
        starts_at=START,
        timezone="Asia/Makassar",
        venue="Aula",
        specs=["all"],
        now=clock.now(),
    )
    moved = check_move(meeting, "13 Des 2023", "10.00 WIB", now=clock.now())
    assert moved == START + timedelta(days=7, hours=1)  # 10.00 WITA: the meeting's zone kept
    with pytest.raises(FormErrors) as raised:
        check_move(meeting, "1/11/2023", "jam sembilan", now=clock.now())
    assert raised.value.problems == {"day": "date_past", "starts": "time"}
    clock.set(START + timedelta(minutes=5))
    with pytest.raises(MeetingError, match="not_scheduled"):  # started: closed, not moved
        check_move(meeting, "13 Des 2023", "10.00", now=clock.now())
