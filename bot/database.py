"""Open the configured database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import migrate
from models.db import make_engine


def open_database(url: str, *, upgrade: bool = True) -> Engine:
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    return engine
