"""Small helpers that make test data read like the story it tells."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.people import Person, Role
from models.phones import normalize_phone


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
