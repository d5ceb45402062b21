"""A throwaway PostgreSQL server for the whole test session, and a clean database per test.

The server itself (Debian's binaries, a Unix socket in a temporary directory, no fsync, run as
the ``postgres`` user under root) is ``tests.pg.server``, shared with ``bench.scale``.

Without PostgreSQL the tests are skipped on a developer's machine, but fail when ``CI`` is set:
CI must never pass by silently skipping them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.pg.server import PostgresServer, PostgresUnavailable, throwaway_server


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"PostgreSQL is required under CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (install the Debian package `postgresql`)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with throwaway_server() as server:
            yield server
    except PostgresUnavailable as exc:  # raised before the server started, never after
        _unavailable(str(exc))


_numbers = itertools.count(1)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL to a new, empty database, dropped after the test."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)
