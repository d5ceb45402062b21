"""Marks of erased phone numbers, so an old roster sheet does not bring a person back.

Only a SHA-256 of the E.164 number is kept: no name, no number. (A determined attacker could
test candidate numbers against it; it is a re-import guard, not a secret.)
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, delete, select


class ErasedPhone(SQLModel, table=True):
    """A one-way mark of an erased number, so a re-import of the old sheet does not bring the
    person back. Only the SHA-256 of the E.164 number is kept (no name, no number)."""

    id: int | None = Field(default=None, primary_key=True)
    phone_hash: str = Field(max_length=64, unique=True)
    erased_at: datetime


def phone_hash(phone: str) -> str:
    return hashlib.sha256(phone.encode("utf-8")).hexdigest()


def was_erased(session: Session, phone: str) -> bool:
    query = select(ErasedPhone).where(ErasedPhone.phone_hash == phone_hash(phone))
    return session.exec(query).first() is not None


def forget_erasure(session: Session, phone: str) -> None:
    """The person came back of their own will (registered again): the mark goes."""
    session.execute(delete(ErasedPhone).where(col(ErasedPhone.phone_hash) == phone_hash(phone)))


def mark_erased(session: Session, phone: str, *, now: datetime) -> None:
    if not was_erased(session, phone):
        session.add(ErasedPhone(phone_hash=phone_hash(phone), erased_at=now))
