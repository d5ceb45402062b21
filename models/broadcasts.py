"""/siaran: a free-text message to a chosen group, with a delivery report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, delete, select

from models import audience, outbox
from models.outbox import Kind, OutboxMessage, Planned, Status
from models.people import goes_as_template
from models.recap import ChannelLine

TEXT_MAX = 3500  # leaves room under Telegram's 4096 for the header the renderer adds
AUDIENCE_MAX = 300


class Broadcast(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    audience: str = Field(max_length=AUDIENCE_MAX)  # canonical specs, comma-separated
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
    specs = audience.canonical(session, specs)
    people = audience.resolve(session, specs)
    stored = ",".join(specs)
    if len(stored) > AUDIENCE_MAX:
        raise audience.UnknownAudience(stored[:60] + "…")
    broadcast = Broadcast(
        author_id=author_id,
        audience=stored,
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
        registered = person.has_channel
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


class DraftStage(StrEnum):
    AUDIENCE = "audience"
    ORG_SEARCH = "org_search"  # the admin's next text is part of an organization's name
    TEXT = "text"  # the admin's next text is the message
    PREVIEW = "preview"


DRAFT_TTL = timedelta(hours=24)


class BroadcastDraft(SQLModel, table=True):
    """A /siaran being written, kept step by step so a restart of the bot loses nothing."""

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", unique=True)
    stage: str = Field(default=DraftStage.AUDIENCE.value, max_length=20)
    specs: str = Field(default="", max_length=AUDIENCE_MAX)
    text: str = Field(default="", max_length=TEXT_MAX)
    # Bumped at every change: a preview's Kirim button carries it, so an old preview cannot
    # send a draft that has changed since it was shown.
    version: int = 0
    updated_at: datetime


def draft_of(session: Session, author_id: int, *, now: datetime) -> BroadcastDraft | None:
    """The admin's draft, unless it was left idle for a day (then it is dropped)."""
    draft = session.exec(
        select(BroadcastDraft).where(BroadcastDraft.author_id == author_id)
    ).first()
    if draft is not None and draft.updated_at + DRAFT_TTL < now:
        session.delete(draft)
        session.flush()
        return None
    return draft


def start_draft(session: Session, *, author_id: int, now: datetime) -> BroadcastDraft:
    draft = draft_of(session, author_id, now=now)
    if draft is None:
        draft = BroadcastDraft(author_id=author_id, updated_at=now)
    draft.stage, draft.specs, draft.text, draft.updated_at = DraftStage.AUDIENCE.value, "", "", now
    draft.version += 1
    session.add(draft)
    session.flush()
    return draft


def choose_audience(
    session: Session, draft: BroadcastDraft, specs: list[str], *, now: datetime
) -> int:
    """Set the audience; return how many people it reaches (0: the caller asks again).

    Raises:
        UnknownAudience: a spec names nothing we know (a stale button).
    """
    count = len(audience.resolve(session, specs))
    if count:
        draft.specs, draft.stage, draft.updated_at = ",".join(specs), DraftStage.TEXT.value, now
        draft.version += 1
        session.add(draft)
    return count


def await_org_search(session: Session, draft: BroadcastDraft, *, now: datetime) -> None:
    draft.stage, draft.updated_at = DraftStage.ORG_SEARCH.value, now
    draft.version += 1
    session.add(draft)


def write_text(session: Session, draft: BroadcastDraft, text: str, *, now: datetime) -> None:
    """Raises ValueError when the text is empty or too long (the caller re-asks)."""
    draft.text = validate_text(text)
    draft.stage, draft.updated_at = DraftStage.PREVIEW.value, now
    draft.version += 1
    session.add(draft)


def send_draft(session: Session, draft: BroadcastDraft, *, now: datetime) -> Broadcast:
    created = create(
        session, author_id=draft.author_id, specs=draft.specs.split(","), text=draft.text, now=now
    )
    session.delete(draft)
    return created


def compose(
    session: Session, *, author_id: int, specs: list[str], text: str, now: datetime
) -> BroadcastDraft | None:
    """The whole draft at once, audience and text, at its preview (the console's form gives
    both together): the admin's one draft, as the chat's steps leave it, so either side's Kirim
    is checked against the same version. None, and nothing changed: the audience is nobody.

    Raises (nothing changed):
        ValueError: the text is empty or too long.
        UnknownAudience: a spec names nothing we know.
    """
    cleaned = validate_text(text)
    if not audience.resolve(session, specs):
        return None
    draft = start_draft(session, author_id=author_id, now=now)
    choose_audience(session, draft, specs, now=now)
    write_text(session, draft, cleaned, now=now)
    session.flush()
    return draft


def send_previewed(
    session: Session, *, author_id: int, draft_id: int, version: int, now: datetime
) -> Broadcast | None:
    """Kirim under a preview: the broadcast, only while the draft is still the one that preview
    showed (same draft, same version, still at its preview). None: already sent (a second
    click, a re-posted form) or changed since; nothing is queued.

    The draft is claimed by a conditional delete, so of two Kirim at once (two tabs, two
    processes) only the one that deleted it sends.

    Raises:
        UnknownAudience: an organization chosen went away since (nothing is changed).
    """
    draft = draft_of(session, author_id, now=now)
    if (
        draft is None
        or draft.stage != DraftStage.PREVIEW.value
        or (draft.id, draft.version) != (draft_id, version)
    ):
        return None
    specs, text = draft.specs.split(","), draft.text
    claimed = session.execute(
        delete(BroadcastDraft).where(
            col(BroadcastDraft.id) == draft_id,
            col(BroadcastDraft.version) == version,
            col(BroadcastDraft.stage) == DraftStage.PREVIEW.value,
        )
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return create(session, author_id=author_id, specs=specs, text=text, now=now)


def recent(session: Session, *, limit: int = 20) -> list[Broadcast]:
    """The latest broadcasts, newest first: the console's reports."""
    query = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit)
    return list(session.exec(query))


def by_channel(session: Session, broadcast_id: int) -> tuple[ChannelLine, ...]:
    """What the sent messages became on each app, counted as the meeting recap counts
    invitations: Telegram tells a bot neither delivery nor reading (delivered is sent, read
    None); WhatsApp reports both."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.subject == subject_of(broadcast_id),
            OutboxMessage.status == Status.SENT.value,
        )
    )
    for row in rows:
        channel = row.channel or "telegram"
        line = counts[channel]
        line[0] += 1
        line[1] += channel != "whatsapp" or row.delivered_at is not None
        line[2] += row.read_at is not None
    return tuple(
        ChannelLine(name, sent, got, read if name == "whatsapp" else None)
        for name, (sent, got, read) in sorted(counts.items())
    )


def discard_draft(session: Session, author_id: int) -> bool:
    draft = session.exec(
        select(BroadcastDraft).where(BroadcastDraft.author_id == author_id)
    ).first()
    if draft is None:
        return False
    session.delete(draft)
    return True


@dataclass(frozen=True)
class Reach:
    registered: int
    unregistered: int
    templates: int = 0  # of the registered: on WhatsApp with the window closed (billed)


def reach(session: Session, specs: list[str], *, now: datetime) -> Reach:
    people = audience.resolve(session, specs)
    registered = sum(1 for p in people if p.has_channel)
    templates = sum(1 for p in people if goes_as_template(p, now))
    return Reach(registered, len(people) - registered, templates)
