"""Transaction-scoped locks that PostgreSQL needs and SQLite's single writer already gives.

A meeting that invites (create, move, a newcomer approved) and a person linking an app must not
pass each other: on PostgreSQL a link committed while a meeting's transaction is still open is
not seen by its ``INSERT … SELECT`` (so no copy is queued), and the card shown on registering
does not see the meeting either (not committed yet): the invitation would reach the person only
by /undangan or the nudge a day later (review of issue 15). Linking takes the lock shared (people
register side by side), inviting takes it alone; both hold it until their transaction ends.

Today PostgreSQL's row locks already order the two for an invitee (the invitation's foreign key
locks the person's row, and linking changes a unique column, which waits for that lock): the
lock says it outright instead of leaning on the schema, and also orders a move's new copies,
which insert no invitation.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

INVITING = 15_0001  # the advisory lock's number: meetings inviting against people linking


def hold_inviting_lock(session: Session, *, shared: bool) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: one writer at a time already orders the two
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"SELECT {function}(:key)"), {"key": INVITING})
