"""Small helpers that make test data read like the story it tells."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import action_drafts
from models.actions import Evidence
from models.clock import SystemClock
from models.db import unit_of_work
from models.people import Person, Role
from models.phones import normalize_phone
from sandbox import Sandbox, SandboxUser


def person(
    session: Session,
    *,
    name: str,
    phone: str,
    role: Role = Role.KADER,
    now: datetime,
    telegram_user_id: int | None = None,
) -> Person:
    p = Person(
        name=name,
        phone=normalize_phone(phone),
        role=role.value,
        created_at=now,
        updated_at=now,
        telegram_user_id=telegram_user_id,
        telegram_chat_id=telegram_user_id,
    )
    session.add(p)
    session.commit()
    return p


def registered_sandbox_people(
    sandbox: Sandbox, engine: Engine, count: int, *, first_phone: int, prefix: str = "Kader"
) -> list[SandboxUser]:
    """Many people already registered, each a sandbox user who has started the chat.

    A bulk shortcut past /start for delivery tests and benchmarks: phones are
    ``+62812`` followed by seven digits counting up from ``first_phone``.
    """
    users = []
    now = SystemClock().now()
    with unit_of_work(engine) as session:
        for i in range(count):
            phone = f"+62812{first_phone + i:07d}"
            user = sandbox.create_user(first_name=prefix, last_name=str(i), phone=phone)
            user.chat.started = True  # as if they had pressed Start in Telegram
            session.add(
                Person(
                    name=f"{prefix} {i}",
                    phone=phone,
                    role="kader",
                    telegram_user_id=user.id,
                    telegram_chat_id=user.id,
                    registered_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            users.append(user)
    return users


def report_with_a_photo(
    session: Session, person: Person, action_id: int | None, now: datetime
) -> str:
    """A report draft at its evidence step holding one stored photo; the photo's path."""
    draft = action_drafts.start_report(session, person, action_id, now=now)
    draft.stage = "evidence"  # status and note given
    session.add(draft)
    path = "actions/1/photo-1.jpg"
    evidence = Evidence(
        kind="photo", telegram_file_id="f", file_unique_id="u", path=path, created_at=now
    )
    action_drafts.add_evidence(session, draft, evidence, now=now)
    return path
