"""A person's one conversation in progress: which feature is waiting for their next message.

Each feature keeps its draft in its own table (a broadcast, a meeting, an action or a return
comment, a report, a typed RSVP detail). A person has at most one of them going: starting one
ends the others (the handler says so), so typed text always has exactly one place to go. The
router asks ``active`` once per update and hands the text to the feature that owns it, instead
of asking every feature in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from models import action_drafts, broadcasts, meeting_drafts, rsvp
from models.accounts import Account, Channel
from models.action_drafts import ActionDraft, ReportDraft
from models.broadcasts import BroadcastDraft
from models.meeting_drafts import MeetingDraft
from models.meetings import Invitation
from models.people import Person


class Conversation(StrEnum):
    BROADCAST = "broadcast"  # /siaran
    MEETING = "meeting"  # /rapatbaru, and closing (/notulen) or moving (/pindahrapat) one
    ACTION = "action"  # /rtlbaru, and an admin's comment on a returned report
    REPORT = "report"  # /tindaklanjut
    ANSWER = "answer"  # an invitation's representative or reason, typed


@dataclass(frozen=True)
class Active:
    kind: Conversation
    stage: str


@dataclass
class Ended:
    """What starting a conversation ended: to be said, and the files of a dropped report."""

    kinds: list[Conversation] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Who:
    """Who wrote, and which of their drafts exist: what every update needs first."""

    person: Person | None
    open: frozenset[Conversation]


def _exists(kind: Conversation) -> Any:
    if kind == Conversation.REPORT:
        return exists().where(col(ReportDraft.person_id) == col(Person.id))
    if kind == Conversation.ANSWER:
        return exists().where(
            col(Invitation.person_id) == col(Person.id),
            col(Invitation.step) != rsvp.Step.NONE.value,
        )
    author = {
        Conversation.BROADCAST: BroadcastDraft.author_id,
        Conversation.MEETING: MeetingDraft.author_id,
        Conversation.ACTION: ActionDraft.author_id,
    }[kind]
    return exists().where(col(author) == col(Person.id))


def _kinds(flags: Any) -> frozenset[Conversation]:
    return frozenset(kind for kind, flag in zip(Conversation, flags, strict=True) if flag)


# One statement: the person and, for each kind of draft, whether they have one (each an
# indexed lookup). Most messages come from people with none, who then cost nothing more.
_WHO = select(Person, *(_exists(kind).label(kind.value) for kind in Conversation))
_WHO_TELEGRAM = _WHO.where(col(Person.telegram_user_id) == bindparam("telegram_user_id"))


def who(session: Session, account: Account) -> Who:
    if account.channel == Channel.TELEGRAM:  # the hot path: one prepared statement
        row = session.execute(_WHO_TELEGRAM, {"telegram_user_id": account.telegram_user_id})
    else:
        row = session.execute(_WHO.where(account.matches(Person)))
    return _who(row.first())


def _who(row: Any) -> Who:
    if row is None:
        return Who(None, frozenset())
    person, *flags = row
    return Who(person, _kinds(flags))


def _open_ones(
    session: Session, person: Person, now: datetime, kinds: frozenset[Conversation] | None = None
) -> list[tuple[datetime, Conversation, str]]:
    """Each open draft with when it last moved; loading one also expires it when idle."""
    assert person.id is not None
    if kinds is None:
        kinds = _open_kinds(session, person.id)
    person_id = person.id
    loaders: dict[Conversation, Callable[[], Any]] = {
        Conversation.BROADCAST: lambda: broadcasts.draft_of(session, person_id, now=now),
        Conversation.MEETING: lambda: meeting_drafts.draft_of(session, person_id, now=now),
        Conversation.ACTION: lambda: action_drafts.action_draft_of(session, person_id, now=now),
        Conversation.REPORT: lambda: action_drafts.report_draft_of(session, person_id, now=now),
        Conversation.ANSWER: lambda: rsvp.in_progress(session, person),
    }
    found: list[tuple[datetime, Conversation, str]] = []
    for kind in Conversation:
        draft = loaders[kind]() if kind in kinds else None
        if draft is not None:  # an invitation's step is its stage
            stage = draft.step if kind == Conversation.ANSWER else draft.stage
            found.append((draft.updated_at, kind, stage))
    return found


def _open_kinds(session: Session, person_id: int) -> frozenset[Conversation]:
    query = select(*(_exists(kind).label(kind.value) for kind in Conversation)).where(
        col(Person.id) == person_id
    )
    flags = session.execute(query).first()
    return _kinds(flags) if flags is not None else frozenset()


def active(
    session: Session,
    person: Person,
    *,
    now: datetime,
    kinds: frozenset[Conversation] | None = None,
) -> Active | None:
    """The person's conversation in progress (the newest, should an older one linger).

    ``kinds``: which drafts ``who`` saw, when it was asked this update already.
    """
    if kinds is not None and not kinds:
        return None
    found = _open_ones(session, person, now, kinds)
    if not found:
        return None
    _, kind, stage = max(found, key=lambda item: item[0])
    return Active(kind, stage)


def end_others(session: Session, person: Person, *, keep: Conversation, now: datetime) -> Ended:
    """Starting ``keep``: end every other conversation of this person."""
    assert person.id is not None
    ended = Ended()
    for _, kind, _stage in _open_ones(session, person, now):
        if kind == keep:
            continue
        ended.kinds.append(kind)
        if kind == Conversation.BROADCAST:
            broadcasts.discard_draft(session, person.id)
        elif kind == Conversation.MEETING:
            meeting_drafts.discard(session, person.id)
        elif kind == Conversation.ACTION:
            action_drafts.drop_action(session, person.id)
        elif kind == Conversation.REPORT:
            draft = action_drafts.report_draft_of(session, person.id, now=now)
            if draft is not None:
                ended.files.extend(action_drafts.drop_report(session, draft))
        else:
            rsvp.stop_typing(session, person)
    return ended
