"""The erased-number marks are keyed hashes: not a SHA-256 anyone can reverse by trying numbers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import erasures
from models.erasures import ErasedPhone, InstallSecret, mark_erased, was_erased

NOW = datetime(2023, 11, 27, tzinfo=UTC)
PHONE = "+6285312345678"


def _bare(phone: str) -> str:
    return hashlib.sha256(phone.encode()).hexdigest()


def test_a_mark_is_keyed_by_the_installation_when_no_key_is_set(engine: Engine) -> None:
    with Session(engine) as session:
        mark_erased(session, PHONE, now=NOW)
        session.commit()
    with Session(engine) as session:
        mark = session.exec(select(ErasedPhone)).one()
        assert mark.phone_hash != _bare(PHONE) and mark.keyed
        assert session.get(InstallSecret, erasures.KEY_NAME) is not None
        assert was_erased(session, PHONE) and not was_erased(session, "+6285312345679")


def test_the_configured_key_is_used_and_is_not_stored(engine: Engine) -> None:
    with Session(engine) as session:
        mark_erased(session, PHONE, now=NOW)
        session.commit()
        own = session.exec(select(ErasedPhone)).one().phone_hash
    erasures.configure(engine, "a-secret-from-the-settings")
    try:
        with Session(engine) as session:
            assert not was_erased(session, PHONE)  # the other key's mark is not recognised
            mark_erased(session, PHONE, now=NOW)
            session.commit()
            hashes = {m.phone_hash for m in session.exec(select(ErasedPhone))}
            assert len(hashes) == 2 and own in hashes
            stored = {s.value for s in session.exec(select(InstallSecret))}
            assert "a-secret-from-the-settings" not in stored
    finally:
        erasures.configure(engine, None)


def test_bare_marks_from_before_are_re_keyed_and_still_recognised(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(ErasedPhone(phone_hash=_bare(PHONE), erased_at=NOW, keyed=False))
        session.commit()
    with Session(engine) as session:
        assert was_erased(session, PHONE)
        session.commit()
    with Session(engine) as session:
        mark = session.exec(select(ErasedPhone)).one()
        assert mark.keyed and mark.phone_hash != _bare(PHONE)
        assert was_erased(session, PHONE)
