"""Is a queued message still wanted? Each subject (broadcast, meeting, action) answers.

A queued row carries the version of what it is about; a moved or cancelled meeting bumps its
version, so old reminders fall away here instead of being hunted down when it changes.
"""

from __future__ import annotations

from sqlmodel import Session

from models.outbox import OutboxMessage

SKIP_STALE = "stale"  # the event it announces has passed
SKIP_VERSION = "superseded"  # what it was about changed (moved, cancelled)
SKIP_NOTHING = "nothing_to_say"


def skip_reason(session: Session, row: OutboxMessage) -> str | None:
    """Why this row must not be sent any more, or None when it still should.

    Broadcasts are always current. Meetings and actions (later issues) add their checks
    here, by the subject's prefix.
    """
    kind, _, _ = row.subject.partition(":")
    if kind == "broadcast":
        return None
    return None
