"""People on the roster and their link to a Telegram account."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlmodel import Field, Session, SQLModel, col, select


class Role(StrEnum):
    KADER = "kader"
    OPD = "opd"
    ADMIN = "admin"


class Language(StrEnum):
    ID = "id"
    EN = "en"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    ERASED = "erased"  # personal data erased on request (UU 27/2022); only counts remain


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=20, unique=True, index=True)
    role: str = Field(default=Role.KADER.value, max_length=10, index=True)
    position: str = Field(default="", max_length=200)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    language: str = Field(default=Language.ID.value, max_length=5)
    status: str = Field(default=PersonStatus.ACTIVE.value, max_length=20)
    # Telegram ids exceed 32 bits; BigInteger keeps them whole on PostgreSQL.
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    registered_at: datetime | None = None
    consent_at: datetime | None = None
    consent_version: str | None = Field(default=None, max_length=20)
    # Set when Telegram answers 403 (blocked the bot, account deleted): not retried, shown to
    # admins; cleared when the person writes to the bot again.
    unreachable_at: datetime | None = None
    # The secret of a one-tap deep link ``t.me/<bot>?start=<token>`` (letters, digits, _ and -).
    invite_token: str | None = Field(default=None, max_length=40, unique=True, index=True)
    created_at: datetime
    updated_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_registered(self) -> bool:
        return self.telegram_user_id is not None


def by_phone(session: Session, phone: str) -> Person | None:
    return session.exec(select(Person).where(Person.phone == phone)).first()


def by_telegram_user(session: Session, telegram_user_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


def admins(session: Session) -> list[Person]:
    """Active admins, registered or not (callers decide whom they can reach)."""
    query = select(Person).where(
        Person.role == Role.ADMIN.value, Person.status == PersonStatus.ACTIVE.value
    )
    return list(session.exec(query.order_by(col(Person.id))))


def new_invite_token() -> str:
    """A token short enough for a deep link (64 chars max) and too long to guess."""
    return secrets.token_urlsafe(16)


def ensure_invite_token(session: Session, person: Person) -> str:
    if person.invite_token is None:
        person.invite_token = new_invite_token()
        session.add(person)
        session.flush()
    return person.invite_token


def mark_reachable(session: Session, telegram_user_id: int) -> bool:
    """The person wrote to the bot, so they no longer block it: proactive messages resume."""
    person = by_telegram_user(session, telegram_user_id)
    if person is None or person.unreachable_at is None:
        return False
    person.unreachable_at = None
    session.add(person)
    return True


def mark_unreachable(session: Session, telegram_user_id: int, *, now: datetime) -> bool:
    """Telegram told us the person blocked the bot: stop trying at once, not after a 403."""
    person = by_telegram_user(session, telegram_user_id)
    if person is None or person.unreachable_at is not None:
        return False
    person.unreachable_at = now
    session.add(person)
    return True
