"""Is a queued message still wanted? Each kind of subject answers for its own rows.

A queued row carries the version of what it is about; a moved or cancelled meeting bumps its
version (or disappears), so its old reminders fall away here instead of being hunted down when
it changes. Meetings and actions (later issues) register their lookups in ``VERSIONS``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from models import actions, meetings
from models.broadcasts import Broadcast
from models.outbox import OutboxMessage

SKIP_STALE = "stale"  # the event it announces has passed
SKIP_VERSION = "superseded"  # what it was about changed (moved, rescheduled)
SKIP_GONE = "subject_gone"  # what it was about no longer exists (cancelled, deleted)
SKIP_NOTHING = "nothing_to_say"

# subject kind -> (session, reference) -> current version, or None when the subject is gone
VersionLookup = Callable[[Session, str], int | None]


def _broadcast_version(session: Session, ref: str) -> int | None:
    return 0 if ref.isdigit() and session.get(Broadcast, int(ref)) is not None else None


VERSIONS: dict[str, VersionLookup] = {
    "broadcast": _broadcast_version,
    "meeting": meetings.current_version,
    "action": actions.current_version,
}


def skip_reason(session: Session, row: OutboxMessage) -> str | None:
    """Why this row must not be sent any more, or None when it still should."""
    kind, _, ref = row.subject.partition(":")
    lookup = VERSIONS.get(kind)
    if lookup is None:
        return None  # a subject kind without versions (tests, notices)
    current = lookup(session, ref)
    if current is None:
        return SKIP_GONE
    if current != row.subject_version:
        return SKIP_VERSION
    if kind == "meeting":
        return meetings.row_unwanted(session, row.kind, row.payload or {}, row.person_id)
    if kind == "action":
        return actions.row_unwanted(session, row.kind, row.payload or {})
    return None
