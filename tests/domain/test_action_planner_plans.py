"""The follow-up planner reads actions and the outbox only through indexes (issue 15).

A district keeps years of actions: overdue ones stay overdue for months, closed ones forever.
A tick must cost what is due, so every statement the planner sends is explained here and a full
scan of ``action`` or ``outboxmessage`` fails the test. The PostgreSQL twin is in
``tests/pg/test_action_planner_plans_pg.py`` and uses the same district.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from models import actions, organizations
from models.action_owners import Owner
from models.clock import FrozenClock
from models.db import make_engine
from models.organizations import OrgKind
from models.outbox import OutboxMessage, Status
from models.people import Person, Role
from scheduler.action_planners import action_planner
from tests.query_plans import Explained, assert_no_full_scan, captured_statements, plans_of

# Monday 4 March 2024, 08.00 WIB: a working morning with nudges, escalations and the digest due.
MONDAY = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
ZONE = "Asia/Jakarta"


def seed_district(engine: Engine, *, count: int = 60) -> None:
    """Three Posyandu (one of them in Papua, one whose members never registered), an admin, and
    ``count`` actions of every kind a district keeps: long overdue and escalated, overdue and
    waiting, due this week, far ahead, and closed; with some overdue nudges already sent."""
    created = MONDAY - timedelta(days=120)
    with Session(engine) as session:
        orgs = [
            organizations.get_or_create(
                session, name=name, kind=OrgKind.POSYANDU, parent_id=None, now=created
            )
            for name in ("Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek")
        ]
        orgs[2].timezone = "Asia/Jayapura"
        session.add(
            Person(
                name="Hasrul",
                phone="+6281100000000",
                role=Role.ADMIN.value,
                telegram_user_id=1,
                telegram_chat_id=1,
                created_at=created,
                updated_at=created,
            )
        )
        for n, org in enumerate(orgs):
            session.add(
                Person(
                    name=f"Kader {n}",
                    phone=f"+62812000000{n}",
                    organization_id=org.id,
                    telegram_user_id=10 + n if n != 1 else None,  # Mawar: nobody registered
                    telegram_chat_id=10 + n if n != 1 else None,
                    created_at=created,
                    updated_at=created,
                )
            )
        session.flush()
        for n in range(count):
            due = (MONDAY + timedelta(days=n % 120 - 90)).date()
            made = actions.create(
                session,
                title=f"Tindak lanjut {n}",
                owner=Owner((orgs[n % 3],)),
                due=due,
                now=created,
                notify=False,
            ).created[0]
            if n % 5 == 0:
                made.status = actions.ReportStatus.SELESAI.value
            elif n % 5 == 1 and due < (MONDAY - timedelta(days=30)).date():
                made.escalated_at = created + timedelta(days=60)
            session.add(made)
        session.commit()


def send_what_is_queued(engine: Engine, at: datetime) -> None:
    """The dispatcher's part, cut short: every queued row counts as sent on ``at``."""
    with Session(engine) as session:
        for row in session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")):
            row.status, row.sent_at = Status.SENT.value, at
            session.add(row)
        session.commit()


def planner_plans(engine: Engine) -> list[Explained]:
    """Every statement of a first tick (a backlog), a tick with nothing new, and a tick three
    days on (new overdue moments and escalations), explained."""
    clock = FrozenClock(MONDAY)
    planner = action_planner(clock.now, ZONE)
    explained: list[Explained] = []

    def tick() -> None:
        with Session(engine) as session:
            planner(session)
            session.commit()

    for step in (timedelta(0), timedelta(minutes=1), timedelta(days=3), timedelta(days=3)):
        clock.set(clock.now() + step)
        explained += plans_of(engine, tick)
        send_what_is_queued(engine, clock.now())
    return explained


PG_INDEX_NODE = re.compile(r"Index (Only )?Scan (Backward )?using \S+ on (action|outboxmessage)\b")


def whole_index_walks(explained: Explained) -> list[str]:
    """PostgreSQL plan nodes that walk a big table's whole index: with sequential scans off,
    ``status != 'selesai'`` becomes an index scan with no ``Index Cond``, a full scan in all
    but name."""
    walks = []
    for n, line in enumerate(explained.plan):
        if not PG_INDEX_NODE.search(line):
            continue
        depth = len(line) - len(line.lstrip())
        below = []
        for following in explained.plan[n + 1 :]:
            if len(following) - len(following.lstrip()) <= depth or "->" in following:
                break
            below.append(following)
        if not any("Index Cond" in part for part in below):
            walks.append(line.strip())
    return walks


def assert_reads_by_index(explained: list[Explained]) -> None:
    """No full scan, and the outbox never walked by status: the planner reads it by key or
    by subject, and a search of ``ix_outbox_status_due`` on ``sent`` is every row ever sent."""
    assert any(re.search(r"\bFROM action\b", e.statement) for e in explained)
    assert_no_full_scan(explained)
    walks = [(e.statement, whole_index_walks(e)) for e in explained if whole_index_walks(e)]
    assert not walks, walks
    by_status = [
        (e.statement, line)
        for e in explained
        if re.search(r"\bFROM outboxmessage\b", e.statement)
        for line in e.plan
        if "ix_outbox_status_due" in line
    ]
    assert not by_status, by_status


def test_the_action_planner_scans_neither_actions_nor_the_outbox(engine: Engine) -> None:
    seed_district(engine)
    assert_reads_by_index(planner_plans(engine))


def test_a_tick_with_nothing_new_reads_no_action_it_has_planned_before(engine: Engine) -> None:
    """Once the due nudges are queued and sent (and the escalation check has seen them go),
    every query the next tick sends about actions comes back empty: the overdue actions
    planned minutes ago are not read again (re-run here with the parameters the planner
    sent)."""
    seed_district(engine)
    for minute in (0, 1):
        planner = action_planner(FrozenClock(MONDAY + timedelta(minutes=minute)).now, ZONE)
        with Session(engine) as session:
            planner(session)
            session.commit()
        send_what_is_queued(engine, MONDAY + timedelta(minutes=minute))
    later = action_planner(FrozenClock(MONDAY + timedelta(minutes=2)).now, ZONE)
    with captured_statements(engine) as seen, Session(engine) as session:
        assert later(session) == 0
        session.commit()
    about_actions = [c for c in seen if c.statement.lstrip().upper().startswith("SELECT")]
    about_actions = [c for c in about_actions if re.search(r"\bFROM action\b", c.statement)]
    assert about_actions
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        for captured in about_actions:
            cursor.execute(captured.statement, captured.parameters)
            assert cursor.fetchall() == [], captured.statement
        cursor.close()


def test_the_nothing_new_tick_sends_as_many_statements_for_ten_times_the_actions() -> None:
    """No per-action lookups and no batches that grow with the district's history."""
    counts = []
    for count in (60, 600):
        engine = make_engine("sqlite://")
        SQLModel.metadata.create_all(engine)
        seed_district(engine, count=count)
        planner = action_planner(FrozenClock(MONDAY).now, ZONE)
        with Session(engine) as session:
            planner(session)
            session.commit()
        later = action_planner(FrozenClock(MONDAY + timedelta(minutes=1)).now, ZONE)
        with captured_statements(engine) as seen, Session(engine) as session:
            later(session)
            session.commit()
        counts.append(len(seen))
        engine.dispose()
    assert counts[0] == counts[1]
