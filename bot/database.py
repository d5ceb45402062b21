"""Open the configured database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import migrate
from models import erasures
from models.db import make_engine


def open_database(url: str, *, upgrade: bool = True, erasure_key: str | None = None) -> Engine:
    """``erasure_key``: POKJANAL_ERASURE_KEY, the secret of the erased numbers' marks (without
    it the installation's own random key, kept in the database, is used)."""
    engine = make_engine(url)
    erasures.configure(engine, erasure_key)
    if upgrade:
        migrate.upgrade(engine)
    return engine
