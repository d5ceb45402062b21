"""Signing in to the secretariat's web console without passwords.

An admin asks the bot (``/konsol``) and gets a one-time link, valid ten minutes; opening it
(and pressing "Masuk") starts a session kept in a cookie. Only hashes of the link's token and
of the session id are stored, so a copy of the database signs nobody in. A session ends when it
expires, on sign-out, or as soon as its person is no longer the admin they were when it began
(a role change, an erasure).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, select

from models.people import Person, PersonStatus, Role

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)


class ConsoleLink(SQLModel, table=True):
    __tablename__ = "console_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class ConsoleSession(SQLModel, table=True):
    __tablename__ = "console_session"
    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=10)  # the role it began with: a change ends it
    csrf: str = Field(max_length=64)  # every form of this session carries it
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class Refused(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    NOT_ADMIN = "not_admin"


@dataclass(frozen=True)
class Started:
    session_id: str  # for the cookie; only its hash is stored
    csrf: str
    expires_at: datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _admin(person: Person | None) -> bool:
    return person is not None and person.is_admin and person.status == PersonStatus.ACTIVE.value


def first_admin(session: Session) -> Person | None:
    """The demo's admin: the first active admin on the roster."""
    query = select(Person).where(
        Person.role == Role.ADMIN.value, Person.status == PersonStatus.ACTIVE.value
    )
    return session.exec(query.order_by(col(Person.id))).first()


def issue_link(session: Session, person: Person, *, now: datetime) -> str | None:
    """A fresh one-time token for this admin (None: not an admin)."""
    if not _admin(person) or person.id is None:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleLink(
            token_hash=_hash(token),
            person_id=person.id,
            created_at=now,
            expires_at=now + LINK_TTL,
        )
    )
    session.flush()
    return token


def link_state(session: Session, token: str, *, now: datetime) -> Refused | None:
    """Whether the link can still sign in (shown before the admin presses "Masuk")."""
    link = session.exec(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token))).first()
    if link is None:
        return Refused.UNKNOWN
    if link.used_at is not None:
        return Refused.USED
    if link.expires_at <= now:
        return Refused.EXPIRED
    if not _admin(session.get(Person, link.person_id)):
        return Refused.NOT_ADMIN
    return None


def redeem(session: Session, token: str, *, now: datetime) -> Started | Refused:
    """Use the link (once): a new session, or why not."""
    refused = link_state(session, token, now=now)
    if refused is not None:
        return refused
    link = session.exec(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token))).one()
    person = session.get(Person, link.person_id)
    assert person is not None and person.id is not None
    # Used once, even by two processes at the same moment: only one update finds it unused.
    taken = session.execute(
        update(ConsoleLink)
        .where(col(ConsoleLink.id) == link.id, col(ConsoleLink.used_at).is_(None))
        .values(used_at=now)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return Refused.USED
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + SESSION_TTL
    session.add(
        ConsoleSession(
            session_hash=_hash(session_id),
            person_id=person.id,
            role=person.role,
            csrf=csrf,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return Started(session_id, csrf, expires)


@dataclass(frozen=True)
class SignedIn:
    person: Person
    csrf: str


def signed_in(session: Session, session_id: str, *, now: datetime) -> SignedIn | None:
    """The admin behind a session cookie, while the session is valid and they are still the
    admin they were when it began."""
    if not session_id:
        return None
    row = session.exec(
        select(ConsoleSession).where(ConsoleSession.session_hash == _hash(session_id))
    ).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    person = session.get(Person, row.person_id)
    if not _admin(person) or person is None or person.role != row.role:
        return None
    return SignedIn(person, row.csrf)


def sign_out(session: Session, session_id: str, *, now: datetime) -> None:
    row = session.exec(
        select(ConsoleSession).where(ConsoleSession.session_hash == _hash(session_id))
    ).first()
    if row is not None and row.ended_at is None:
        row.ended_at = now
        session.add(row)


def end_sessions_of(session: Session, person_id: int, *, now: datetime) -> None:
    """A role change or an erasure: every session of the person ends (changing the role back
    does not revive them)."""
    rows = session.exec(
        select(ConsoleSession).where(
            ConsoleSession.person_id == person_id, col(ConsoleSession.ended_at).is_(None)
        )
    )
    for row in rows:
        row.ended_at = now
        session.add(row)


def end_sessions_of_people(session: Session, person_ids: Collection[int], *, now: datetime) -> None:
    """``end_sessions_of`` for many people in one statement: a roster sheet changing roles."""
    if not person_ids:
        return
    session.execute(
        update(ConsoleSession)
        .where(
            col(ConsoleSession.person_id).in_(list(person_ids)),
            col(ConsoleSession.ended_at).is_(None),
        )
        .values(ended_at=now)
    )
