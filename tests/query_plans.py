"""The query plans of what a piece of code really asks the database.

Issue 15: a planner's cost must follow what is due, not what is stored. Timing it in a unit test
would flake, so the tests hold the plans instead: every SELECT (and UPDATE/DELETE) the code
issues is captured as the driver receives it, then explained with the same parameters, and a
full scan of a big table fails the test.

On PostgreSQL ``enable_seqscan`` is switched off while explaining: on a test-sized table the
planner rightly prefers a sequential scan, and with it off a sequential scan remains only where
no index can serve the query, which is exactly what must fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# The tables that grow with every row ever stored.
BIG_TABLES = ("invitation", "action", "outboxmessage")


@dataclass
class Captured:
    statement: str
    parameters: Any


@dataclass
class Explained:
    statement: str
    plan: list[str] = field(default_factory=list)

    def full_scans(self, tables: tuple[str, ...] = BIG_TABLES) -> list[str]:
        """The plan lines that read a whole big table: ``SCAN`` on SQLite (with or without an
        index: an index walked end to end is still every row); on PostgreSQL a ``Seq Scan``, or
        an index scan with no ``Index Cond`` (only a filter: the whole index, row by row)."""
        found = []
        for number, line in enumerate(self.plan):
            for table in tables:
                sqlite_scan = re.search(rf"\bSCAN {table}\b(?! USING INTEGER PRIMARY KEY)", line)
                pg_seq = re.search(rf"Seq Scan on {table}\b", line)
                pg_index = re.search(
                    rf"Index (Only )?Scan (Backward )?using \S+ on {table}\b", line
                )
                if sqlite_scan or pg_seq or (pg_index and not self._has_index_cond(number)):
                    found.append(line.strip())
        return found

    def _has_index_cond(self, node: int) -> bool:
        """Whether the PostgreSQL plan node on line ``node`` searches its index (its detail
        lines, up to the next node, carry an ``Index Cond``)."""
        for line in self.plan[node + 1 :]:
            if "->" in line:
                return False
            if "Index Cond:" in line:
                return True
        return False


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[Captured]]:
    """Every statement the engine sends while the block runs (DDL and transaction control
    left out)."""
    seen: list[Captured] = []

    def listen(
        _conn: Connection, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head in {"SELECT", "UPDATE", "DELETE", "INSERT", "WITH"}:
            # An executemany runs one plan for every set of parameters: the first stands in.
            # (SQLAlchemy's batched INSERT … VALUES is flagged as many too, with one flat set:
            # a dict on PostgreSQL, a tuple of values on SQLite.)
            sets = (
                many
                and isinstance(parameters, list | tuple)
                and bool(parameters)
                and isinstance(parameters[0], dict | tuple | list)
            )
            seen.append(Captured(statement, parameters[0] if sets else parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def explain(engine: Engine, captured: list[Captured]) -> list[Explained]:
    """Explain each captured statement with its own parameters, inside a transaction that is
    rolled back (an explained INSERT or UPDATE is only planned, never run)."""
    postgres = engine.dialect.name == "postgresql"
    out: list[Explained] = []
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            if postgres:
                cursor.execute("SET LOCAL enable_seqscan = off")
            for item in captured:
                prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
                cursor.execute(prefix + item.statement, item.parameters)
                rows = cursor.fetchall()
                plan = [str(row[0]) if postgres else str(row[-1]) for row in rows]
                out.append(Explained(item.statement, plan))
            cursor.close()
        finally:
            transaction.rollback()
    return out


def plans_of(engine: Engine, run: Callable[[], object]) -> list[Explained]:
    """Run ``run`` and explain every statement it sent."""
    with captured_statements(engine) as seen:
        run()
    return explain(engine, seen)


def assert_no_full_scan(explained: list[Explained], tables: tuple[str, ...] = BIG_TABLES) -> None:
    scans = [(e.statement, e.full_scans(tables)) for e in explained if e.full_scans(tables)]
    assert not scans, "full scans of big tables:\n" + "\n\n".join(
        f"{statement}\n  -> {lines}" for statement, lines in scans
    )
