"""How long the follow-up planner takes at district scale, every tick.

Run: .venv/bin/python -m bench.rtl_planner [actions] [people] [--history N] [--database URL]
A district: 100 Posyandu, ``people`` registered members spread over them, ``actions`` open
follow-ups with due dates from two months ago to two months ahead, one admin; the actions
are inserted in bulk (``actions.create`` one by one would take longer than the planner). The
planner runs at every tick (default every 30 s) in a worker thread; the first run plans the
backlog that has come due, then the dispatcher's part is done by hand (every queued row
marked sent), and the ticks after that plan nothing new and must cost the same at 1k and 1M
actions (issue 15): the median of ``--ticks`` such ticks is printed. ``--history N`` adds a
district's years: N more actions, due over the past three years, nine in ten closed and the
rest open, overdue and escalated, with the marks the planner itself leaves at an earlier tick
(``nudge_on`` on their next moment, which is not today). Also timed: the carry-over line
counted for one invitation (it is rendered once per invitee).

The machine is shared while these numbers are taken: run it on a quiet machine, and compare
rows of the same run rather than runs of different days.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlmodel import Session, col

from bot.database import open_database
from handlers.action_views import carry_over_line
from models import meetings, organizations
from models.actions import Action, ReportStatus
from models.clock import FrozenClock
from models.db import unit_of_work
from models.meetings import MeetingStatus
from models.organizations import OrgKind
from models.outbox import OutboxMessage, Status
from models.people import Person, Role
from scheduler.action_planners import action_planner, next_nudge_day, nudge_slot

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)  # a Monday morning, 08.00 WIB
ZONE = "Asia/Jakarta"
BATCH = 5000


def history_row(n: int, meeting_id: int | None, org_id: int | None) -> dict[str, object]:
    """One old action: closed, or open, overdue, escalated and nudged up to now."""
    due = (NOW - timedelta(days=30 + n % 1000)).date()
    row: dict[str, object] = {
        "dedupe_key": f"{meeting_id}|history|{n}",
        "title": f"Tindak lanjut lama {n}",
        "meeting_id": meeting_id,
        "owner_org_id": org_id,
        "due": due,
        "created_at": NOW - timedelta(days=1100),
        "updated_at": NOW - timedelta(days=1100),
    }
    if n % 10:
        row["status"] = ReportStatus.SELESAI.value
        return row
    today = NOW.astimezone(ZoneInfo(ZONE)).date()
    found = nudge_slot(due, today)
    assert found is not None
    next_day = next_nudge_day(due, found[1])  # today's moment (07.30) was planned at 07.30
    row.update(escalated_at=NOW - timedelta(days=10), nudge_on=next_day, escalate_on=next_day)
    return row


def seed(url: str, count: int, people: int, history: int = 0) -> None:
    engine = open_database(url)
    created = NOW - timedelta(days=90)
    with unit_of_work(engine) as session:
        orgs = [
            organizations.get_or_create(
                session,
                name=f"Posyandu {n:03d}",
                kind=OrgKind.POSYANDU,
                parent_id=None,
                now=created,
            )
            for n in range(100)
        ]
        session.add(
            Person(
                name="Admin",
                phone="+6281100000000",
                role=Role.ADMIN.value,
                telegram_user_id=1,
                telegram_chat_id=1,
                created_at=created,
                updated_at=created,
            )
        )
        for n in range(people):
            session.add(
                Person(
                    name=f"Kader {n}",
                    phone=f"+62812{n:07d}",
                    organization_id=orgs[n % len(orgs)].id,
                    telegram_user_id=10 + n,
                    telegram_chat_id=10 + n,
                    created_at=created,
                    updated_at=created,
                )
            )
        earlier = meetings.create(
            session,
            title="Rakor triwulan lalu",
            starts_at=NOW + timedelta(days=400),
            timezone="Asia/Jakarta",
            venue="Aula",
            specs=[],
            now=created,
        )
        earlier.starts_at = earlier.rsvp_deadline = created
        earlier.status = MeetingStatus.DONE.value
        session.flush()
        for start in range(0, count, BATCH):
            session.execute(
                insert(Action),
                [
                    {
                        "dedupe_key": f"{earlier.id}|bench|{n}",
                        "title": f"Tindak lanjut {n}",
                        "meeting_id": earlier.id,
                        "owner_org_id": orgs[n % len(orgs)].id,
                        "due": (NOW + timedelta(days=n % 120 - 60)).date(),
                        "created_at": created,
                        "updated_at": created,
                    }
                    for n in range(start, min(start + BATCH, count))
                ],
            )
        for start in range(0, history, BATCH):
            session.execute(
                insert(Action),
                [
                    history_row(n, earlier.id, orgs[n % len(orgs)].id)
                    for n in range(start, min(start + BATCH, history))
                ],
            )
    engine.dispose()


def dispatch(engine: object, at: datetime) -> None:
    """The dispatcher's part, cut short: every queued row counts as sent now."""
    with Session(engine) as session:  # type: ignore[call-overload]
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == Status.PENDING.value)
            .values(status=Status.SENT.value, sent_at=at)
        )
        session.commit()


def main(count: int, people: int, url: str | None, ticks: int, history: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        seed(url, count, people, history)
        seeded = time.perf_counter() - started
        print(f"{count:,} actions (+{history:,} of history), {people:,} people: {seeded:.1f} s")
        engine = open_database(url)
        clock = FrozenClock(NOW)
        planner = action_planner(clock.now, ZONE)

        def tick() -> tuple[float, int]:
            started = time.perf_counter()
            with Session(engine) as session:
                queued = planner(session)
                session.commit()
            return (time.perf_counter() - started) * 1000, queued

        elapsed, queued = tick()
        print(f"first run (plans the backlog that came due): {elapsed:.0f} ms, {queued} rows")
        dispatch(engine, clock.now())
        clock.set(clock.now() + timedelta(seconds=30))
        elapsed, queued = tick()  # sees the sends: escalations, and later checks put off
        print(f"the tick after the sends: {elapsed:.0f} ms, {queued} rows")
        dispatch(engine, clock.now())
        times = []
        for _ in range(ticks):
            clock.set(clock.now() + timedelta(seconds=30))
            elapsed, queued = tick()
            assert queued == 0, queued
            times.append(elapsed)
        median = statistics.median(times)
        print(f"every later tick (nothing new, median of {ticks}): {median:.1f} ms")
        with Session(engine) as session:
            upcoming = meetings.create(
                session,
                title="Rakor",
                starts_at=NOW + timedelta(days=7),
                timezone="Asia/Jakarta",
                venue="Aula",
                specs=[],
                now=NOW,
            )
            person = session.get(Person, 2)
            assert person is not None
            started = time.perf_counter()
            for _ in range(100):
                line = carry_over_line(session, "id", upcoming, person, today=NOW.date())
            elapsed = (time.perf_counter() - started) * 10
            print(f"carry-over line per invitation: {elapsed:.1f} ms ({line[:60]}…)")
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("actions", type=int, nargs="?", default=1000)
    parser.add_argument("people", type=int, nargs="?", default=500)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    parser.add_argument("--ticks", type=int, default=5, help="nothing-new ticks to time")
    parser.add_argument("--history", type=int, default=0, help="old actions, closed or escalated")
    args = parser.parse_args()
    main(args.actions, args.people, args.database, args.ticks, args.history)
