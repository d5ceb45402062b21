"""Marks of erased phone numbers, so an old roster sheet does not bring a person back.

A mark is a keyed hash (HMAC-SHA256) of the number, never the number: Indonesian mobile
numbers are few enough (about 10^10) that a bare SHA-256 is reversed by trying them all, so
without the key a mark tells nothing. The key is ``POKJANAL_ERASURE_KEY`` when it is set
(kept outside the database, so a stolen copy of the database alone cannot test a number);
otherwise a random key made for this installation on first use and kept in the database
(``install_secret``), so erasure works out of the box and marks cannot be looked up in a table
made for every installation. The mark is HMAC(key, SHA-256(number)): marks written before keys
existed (bare SHA-256) are re-keyed in place, without the number, the first time a key is used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import weakref
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import false, text
from sqlmodel import Field, Session, SQLModel, col, delete, select

KEY_NAME = "erasure_key"
# Engine -> the key from the settings; engines without one use the installation's own key.
_CONFIGURED: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()


class ErasedPhone(SQLModel, table=True):
    """A one-way mark of an erased number (no name, no number): HMAC of its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    phone_hash: str = Field(max_length=64, unique=True)
    erased_at: datetime
    # False only for marks written before keyed hashes (a bare SHA-256): re-keyed on first use.
    keyed: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})


class InstallSecret(SQLModel, table=True):
    """Secrets this installation made for itself (the erasure key when none is configured)."""

    __tablename__ = "install_secret"
    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


def configure(engine: Any, key: str | None) -> None:
    """The composition root hands over ``POKJANAL_ERASURE_KEY`` for this engine's database."""
    if key:
        _CONFIGURED[engine] = key.encode("utf-8")
    else:
        _CONFIGURED.pop(engine, None)


def _key(session: Session) -> bytes:
    cached = session.info.get(KEY_NAME)  # a roster import asks once per row
    if isinstance(cached, bytes):
        return cached
    configured = _CONFIGURED.get(session.get_bind())
    if configured is not None:
        key = configured
    else:
        row = session.get(InstallSecret, KEY_NAME)
        if row is None:
            row = InstallSecret(name=KEY_NAME, value=secrets.token_hex(32))
            session.add(row)
            session.flush()
        key = row.value.encode("utf-8")
    _rekey_bare_marks(session, key)
    session.info[KEY_NAME] = key
    return key


def _rekey_bare_marks(session: Session, key: bytes) -> None:
    bare = session.exec(select(ErasedPhone).where(col(ErasedPhone.keyed) == false())).all()
    for mark in bare:
        mark.phone_hash = _keyed(key, mark.phone_hash)
        mark.keyed = True
        session.add(mark)
    if bare:
        session.flush()


def _keyed(key: bytes, bare: str) -> str:
    return hmac.new(key, bare.encode("ascii"), hashlib.sha256).hexdigest()


def phone_hash(session: Session, phone: str) -> str:
    return _keyed(_key(session), _bare(phone))


def _bare(phone: str) -> str:
    return hashlib.sha256(phone.encode("utf-8")).hexdigest()


def was_erased(session: Session, phone: str) -> bool:
    query = select(ErasedPhone).where(ErasedPhone.phone_hash == phone_hash(session, phone))
    return session.exec(query).first() is not None


def erased_among(session: Session, phones: Iterable[str]) -> set[str]:
    """The numbers among ``phones`` that were erased, in one query: a province's roster asked
    once a row. The caller keeps the list to what one IN can hold (a chunk of a sheet)."""
    key = _key(session)
    marks = {_keyed(key, _bare(phone)): phone for phone in phones}
    if not marks:
        return set()
    query = select(ErasedPhone.phone_hash).where(col(ErasedPhone.phone_hash).in_(list(marks)))
    return {marks[mark] for mark in session.exec(query)}


def forget_erasure(session: Session, phone: str) -> None:
    """The person came back of their own will (registered again): the mark goes."""
    mark = phone_hash(session, phone)
    session.execute(delete(ErasedPhone).where(col(ErasedPhone.phone_hash) == mark))


def mark_erased(session: Session, phone: str, *, now: datetime) -> None:
    if not was_erased(session, phone):
        session.add(ErasedPhone(phone_hash=phone_hash(session, phone), erased_at=now))
