"""How long the follow-up planner takes at district scale, every tick.

Run: .venv/bin/python -m bench.rtl_planner [actions] [people]
A district: 100 Posyandu, ``people`` registered members spread over them, ``actions`` open
follow-ups with due dates from two months ago to two months ahead, one admin. The planner
runs at every tick (default every 30 s) in a worker thread; the first run plans what has come
due, the next ones plan nothing new and must stay cheap. Also timed: the carry-over line
counted for one invitation (it is rendered once per invitee).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from bot.database import open_database
from handlers.action_views import carry_over_line
from models import actions, meetings, organizations
from models.action_owners import Owner
from models.clock import FrozenClock
from models.db import unit_of_work
from models.meetings import MeetingStatus
from models.organizations import OrgKind
from models.people import Person, Role
from scheduler.action_planners import action_planner

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)  # a Monday morning, 08.00 WIB


def seed(url: str, count: int, people: int) -> None:
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
        for n in range(count):
            actions.create(
                session,
                title=f"Tindak lanjut {n}",
                owner=Owner((orgs[n % len(orgs)],)),
                due=(NOW + timedelta(days=n % 120 - 60)).date(),
                meeting_id=earlier.id,
                now=created,
                notify=False,
            )
    engine.dispose()


def main(count: int = 1000, people: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed(url, count, people)
        engine = open_database(url)
        planner = action_planner(FrozenClock(NOW).now, "Asia/Jakarta")
        for label in ("first run (plans what came due)", "second run (nothing new)"):
            started = time.perf_counter()
            with Session(engine) as session:
                queued = planner(session)
                session.commit()
            elapsed = (time.perf_counter() - started) * 1000
            print(f"{label}: {elapsed:.0f} ms, {queued} rows queued")
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
    main(*(int(arg) for arg in sys.argv[1:3]))
