"""Issue 15, point 5: a meeting's invitations are queued only for whom the bot can write to,
in statements that do not grow with the audience; the others find theirs on registering, and
the shown card and a queued copy are one delivery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.rsvp import show_open_invitations
from models import meetings, outbox, rsvp
from models.clock import FrozenClock
from models.db import unit_of_work
from models.meetings import Invitation, Meeting
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person, Role, reachable_clause
from tests.query_plans import captured_statements

START = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)


def roster(session: Session, now: datetime, size: int, *, opd: int = 0) -> None:
    """``size`` cadres, one in twenty reachable (by turns: Telegram, WhatsApp linked, WhatsApp
    opted in on paper), ten blocked on Telegram, and ``opd`` focal points on Telegram: a
    district that has just imported its roster."""
    rows: list[dict[str, object]] = []
    for index in range(size + 10 + opd):
        row: dict[str, object] = {
            "name": f"Orang {index}",
            "phone": f"+62812{index:07d}",
            "role": Role.OPD.value if index >= size + 10 else Role.KADER.value,
            "created_at": now,
            "updated_at": now,
        }
        if index >= size:  # blocked cadres, then focal points
            row |= {"telegram_user_id": 10_000 + index, "telegram_chat_id": 10_000 + index}
            row["unreachable_at"] = now if index < size + 10 else None
        elif index % 20 == 0 and index % 60 == 0:
            row |= {"telegram_user_id": 10_000 + index, "telegram_chat_id": 10_000 + index}
        elif index % 20 == 0 and index % 60 == 20:
            row |= {"whatsapp_id": f"62812{index:07d}", "whatsapp_opt_in_at": now}
        elif index % 20 == 0:
            row["whatsapp_opt_in_at"] = now  # "Izin WA: ya" on paper; the template goes
        rows.append(row)
    session.execute(insert(Person), rows)
    session.commit()


def create(session: Session, now: datetime, specs: list[str]) -> Meeting:
    meeting = meetings.create(
        session,
        title="Rakor Pokjanal Posyandu",
        starts_at=START,
        timezone="Asia/Makassar",
        venue="Aula Hotel I Lagaligo, Malili",
        specs=specs,
        now=now,
    )
    session.commit()
    return meeting


def queued(session: Session, meeting: Meeting) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.subject == meeting.subject)
    return list(session.exec(query.order_by(col(OutboxMessage.person_id))))


def test_create_with_2000_invitees_queues_the_100_reachable(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    roster(session, now, 2000)
    meeting = create(session, now, ["all"])

    invited = session.exec(select(Invitation).where(Invitation.meeting_id == meeting.id)).all()
    assert len(invited) == 2010  # everyone is invited, reachable or not
    rows = queued(session, meeting)
    assert len(rows) == 100
    # One rule: the queue follows Person.reachable, which the delivery engine writes by.
    everyone = session.exec(select(Person)).all()
    assert {row.person_id for row in rows} == {p.id for p in everyone if p.reachable}
    assert {p.id for p in session.exec(select(Person).where(reachable_clause()))} == {
        p.id for p in everyone if p.reachable
    }
    # Exactly the rows outbox.plan writes for message_about's (one dedupe key, one payload).
    by_person = {invitation.person_id: invitation for invitation in invited}
    for row in rows:
        invitation = by_person[row.person_id]
        expected = meetings.message_about(
            meeting,
            person_id=row.person_id,
            kind=Kind.INVITATION,
            slot="",
            now=now,
            payload={"invitation_id": invitation.id},
        )
        key = outbox.dedupe_key(row.person_id, row.kind, row.subject, row.subject_version, "")
        assert row.dedupe_key == key
        assert (row.kind, row.subject, row.subject_version, row.slot) == (
            expected.kind,
            expected.subject,
            expected.subject_version,
            expected.slot,
        )
        assert row.payload == expected.payload
        assert (row.not_before, row.expires_at) == (expected.not_before, expected.expires_at)
        assert (row.status, row.attempts, row.last_error) == (Status.PENDING.value, 0, "")
    reach = meetings.reach_of_invitees(session, meeting)
    assert (reach.reachable, reach.unregistered, reach.blocked) == (100, 1900, 10)


def test_a_move_queues_the_new_card_for_the_reachable_only(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    roster(session, now, 200)
    meeting = create(session, now, ["all"])
    told = meetings.reschedule(session, meeting, starts_at=START + timedelta(days=1), now=now)
    session.commit()
    assert told == 10
    moved = [row for row in queued(session, meeting) if row.subject_version == 2]
    assert len(moved) == 10
    assert all(row.payload["moved_from"] == START.isoformat() for row in moved)
    assert all(row.expires_at == START + timedelta(days=1) for row in moved)
    # A cancellation is told to those it can reach: 10, not 210 rows failed one by one.
    assert meetings.cancel(session, meeting, now=now) == 10


def test_create_sends_the_same_statements_for_10_invitees_as_for_2000(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    roster(session, now, 2000, opd=10)
    counts = []
    for specs in (["opd"], ["kader"]):
        with captured_statements(engine) as statements:
            meeting = create(session, now, specs)
        counts.append(len(statements))
        assert len(queued(session, meeting)) == (10 if specs == ["opd"] else 100)
    assert counts[0] == counts[1]
    assert counts[1] <= 8  # not one per invitee, nor one per chunk of them


def test_registering_takes_a_waiting_copy_and_leaves_one_already_claimed(
    session: Session, clock: FrozenClock
) -> None:
    """The shown card and the queued copy are one delivery, whichever comes first: a copy
    still waiting is taken out of the queue before the card is shown; a copy the dispatcher
    has claimed (or sent) goes, and the card is not shown again."""
    now = clock.now()
    roster(session, now, 40)  # persons 1 (Telegram) and 21 (WhatsApp) are reachable
    first = create(session, now, ["all"])
    second = create(session, now, ["kader"])
    person = session.exec(select(Person).where(Person.phone == "+628120000000")).one()
    rows = {
        row.subject: row
        for row in session.exec(select(OutboxMessage))
        if row.person_id == person.id
    }
    claimed = rows[second.subject]
    claimed.status = Status.SENDING.value  # the dispatcher got there first
    session.add(claimed)
    session.commit()
    choices = rsvp.open_invitations(session, person, now=now)

    handover = rsvp.take_from_queue(session, person, choices, now=now)
    session.commit()

    assert [meeting.id for _, meeting in handover.show] == [first.id]
    taken = session.get(OutboxMessage, rows[first.subject].id)
    assert taken is not None and (taken.status, taken.last_error) == ("skipped", "shown")
    assert handover.taken == ((first.subject, taken.id),)
    assert session.get(OutboxMessage, claimed.id).status == "sending"  # type: ignore[union-attr]
    # The chat failed before the card went: the copy is queued again.
    rsvp.give_back(session, handover.taken_for([first.subject]), now=now)
    session.commit()
    session.refresh(taken)
    assert (taken.status, taken.last_error) == ("pending", "")
    # Shown once (mark_shown): registering again shows nothing twice.
    rsvp.mark_shown(session, [i.id for i, _ in handover.show if i.id], now=now)
    session.commit()
    again = rsvp.take_from_queue(
        session, person, rsvp.open_invitations(session, person, now=now), now=now
    )
    assert again.show == ()


class FailingChat:
    """A chat whose ``fail_at``-th message fails (the network dropped mid-way)."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.said: list[str] = []

    async def say(self, text: str, buttons: object = None) -> None:
        if len(self.said) + 1 == self.fail_at:
            raise ConnectionError("network dropped")
        self.said.append(text)


class PlainEnv:
    def __init__(self, engine: Engine, clock: FrozenClock) -> None:
        self.engine, self.woken = engine, 0
        self.deps = SimpleNamespace(clock=clock, body_name="Pokjanal", wake_delivery=self.wake)

    def wake(self) -> None:
        self.woken += 1

    @contextmanager
    def uow(self) -> Iterator[Session]:
        with unit_of_work(self.engine) as session:
            yield session


async def test_a_chat_failing_after_the_first_card_gives_back_only_the_second(
    engine: Engine, session: Session, clock: FrozenClock
) -> None:
    """Header and first card went, the second failed: the first is delivered (its copy stays
    out of the queue, shown), the second's copy goes back to the queue: neither lost nor
    sent twice."""
    now = clock.now()
    roster(session, now, 40)
    first, second = create(session, now, ["all"]), create(session, now, ["kader"])
    person = session.exec(select(Person).where(Person.phone == "+628120000000")).one()
    chat, env = FailingChat(fail_at=3), PlainEnv(engine, clock)

    with pytest.raises(ConnectionError):
        await show_open_invitations(chat, env, person, registering=True)  # type: ignore[arg-type]

    assert len(chat.said) == 2  # the header and one card
    session.expire_all()
    rows = {
        row.subject: (row.status, row.last_error)
        for row in queued(session, first) + queued(session, second)
        if row.person_id == person.id
    }
    shown_at = {
        meeting.subject: session.exec(
            select(Invitation.shown_at).where(
                Invitation.meeting_id == meeting.id, Invitation.person_id == person.id
            )
        ).one()
        for meeting in (first, second)
    }
    assert sorted(rows.values()) == [("pending", ""), ("skipped", "shown")]
    for subject, state in rows.items():  # shown <=> its copy out of the queue
        assert (shown_at[subject] is not None) == (state == ("skipped", "shown"))
    assert env.woken == 1
