"""On SQLite a second process must refuse to deliver rather than send everything twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.delivery import DeliveryLocked, SqliteDispatcherLock


def test_a_second_dispatcher_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "pokjanal.db"
    first = SqliteDispatcherLock(database)
    first.acquire()
    try:
        with pytest.raises(DeliveryLocked, match="only one may run"):
            SqliteDispatcherLock(database).acquire()
    finally:
        first.release()
    again = SqliteDispatcherLock(database)
    again.acquire()  # free once the first process is gone
    again.release()
