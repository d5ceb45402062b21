"""/siaran: a free-text message to a chosen group, with a delivery report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from models import audience, outbox
from models.outbox import Kind, Planned, Status

TEXT_MAX = 3500  # leaves room under Telegram's 4096 for the header the renderer adds


class Broadcast(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    audience: str = Field(max_length=300)  # the specs, comma-separated, as chosen
    text: str = Field(max_length=TEXT_MAX)
    recipients: int = 0
    created_at: datetime


def subject_of(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def validate_text(text: str) -> str:
    """Raises ValueError when the text is empty or too long for one message."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > TEXT_MAX:
        raise ValueError("broadcast text length")
    return cleaned


def create(
    session: Session, *, author_id: int | None, specs: list[str], text: str, now: datetime
) -> Broadcast:
    """Record the broadcast and queue one outbox row per recipient.

    People who never registered get a row marked unreachable at once, so the delivery
    report counts them instead of silently leaving them out.

    Raises:
        ValueError: the text is empty or too long.
        UnknownAudience: a spec matches nothing we know.
    """
    cleaned = validate_text(text)
    people = audience.resolve(session, specs)
    broadcast = Broadcast(
        author_id=author_id,
        audience=",".join(specs),
        text=cleaned,
        recipients=len(people),
        created_at=now,
    )
    session.add(broadcast)
    session.flush()
    assert broadcast.id is not None
    planned = []
    for person in people:
        assert person.id is not None
        registered = person.telegram_chat_id is not None
        planned.append(
            Planned(
                person_id=person.id,
                kind=Kind.BROADCAST.value,
                subject=subject_of(broadcast.id),
                not_before=now,
                status=Status.PENDING.value if registered else Status.UNREACHABLE.value,
                last_error="" if registered else "not_registered",
            )
        )
    outbox.plan(session, planned, now=now)
    return broadcast


@dataclass(frozen=True)
class Report:
    sent: int
    waiting: int
    unreachable: int
    failed: int
    skipped: int

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.unreachable + self.failed + self.skipped


def report(session: Session, broadcast_id: int) -> Report:
    counts = outbox.counts_by_status(session, subject_of(broadcast_id))
    return Report(
        sent=counts.get(Status.SENT.value, 0),
        waiting=counts.get(Status.PENDING.value, 0) + counts.get(Status.SENDING.value, 0),
        unreachable=counts.get(Status.UNREACHABLE.value, 0),
        failed=counts.get(Status.FAILED.value, 0),
        skipped=counts.get(Status.SKIPPED.value, 0),
    )
