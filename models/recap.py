"""The recap of a meeting for the secretariat (/rekap): who was invited, reached, answered, came.

Pure domain: numbers and people, no wording. The funnel is

    invited → delivered (the invitation message went out) → answered → checked in

and beside it the answers by kind, the organizations (an organization is *covered* when
someone of it answered Hadir or Diwakilkan), the people who have not answered, and the invitees
the bot cannot reach (never registered, blocked the bot, or erased their data).

Walk-ins (checked in without an invitation) are not invitees: they are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from models import outbox
from models.errors import NotFound
from models.meetings import Answer, Invitation, Meeting, MeetingStatus, message_about
from models.organizations import Organization, OrgKind
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person, PersonStatus

# Meetings offered by /rekap without an argument: upcoming ones and those of the last month.
RECENT = timedelta(days=30)
MEETINGS_LISTED = 10
# A manual nudge skips whoever got (or is about to get) a nudge about this meeting this recently:
# pressing the button twice must not turn into two messages, and the engine's "one nudge a day"
# would only push a second one to tomorrow morning.
NUDGE_GAP = timedelta(hours=24)
COMING = (Answer.HADIR.value, Answer.DIWAKILKAN.value)
# The kinds of organization /rekap counts apart, in the order a secretariat reads them: the
# kabupaten agencies (OPD) first, then the health centres, the kecamatan, desa and Posyandu.
KIND_ORDER = (
    OrgKind.AGENCY.value,
    OrgKind.PUSKESMAS.value,
    OrgKind.KECAMATAN.value,
    OrgKind.DESA.value,
    OrgKind.POSYANDU.value,
)
NO_KIND = "none"  # invitees without an organization
LAGGARDS = 3  # organizations named per kind as the ones holding it back


class Unreachable(StrEnum):
    NOT_REGISTERED = "not_registered"  # on the roster, never linked a Telegram account
    BLOCKED = "blocked"  # blocked the bot or deleted the account (a 403)
    ERASED = "erased"  # erased their personal data (UU 27/2022)


def empty_counts() -> dict[str, int]:
    return {answer.value: 0 for answer in Answer}


@dataclass(frozen=True)
class ChannelLine:
    """What became of the invitations sent on one channel. Telegram tells a bot neither
    delivery nor reading: there ``delivered`` is "sent" and ``read`` is None."""

    channel: str
    sent: int
    delivered: int
    read: int | None


@dataclass(frozen=True)
class Funnel:
    invited: int
    delivered: int  # the invitation was sent (any version of the meeting) or shown in the chat
    answered: int  # any answer but pending
    checked_in: int
    channels: tuple[ChannelLine, ...] = ()


@dataclass(frozen=True)
class OrgLine:
    """One organization's invitees and their answers (``organization`` None: no organization)."""

    organization: Organization | None
    counts: dict[str, int]  # answer value -> invitees, every answer present

    @property
    def invited(self) -> int:
        return sum(self.counts.values())

    @property
    def covered(self) -> bool:
        return any(self.counts[answer] for answer in COMING)


@dataclass(frozen=True)
class KindLine:
    """One kind of organization (OPD, Puskesmas, kecamatan, desa, Posyandu, or none).

    ``laggards`` are its organizations with the most invitees still silent, most first: the
    few a secretariat on the road would phone. Uncovered ones come before covered ones."""

    kind: str
    organizations: int
    covered: int
    counts: dict[str, int]
    laggards: tuple[OrgLine, ...]
    more_laggards: int  # silent organizations of this kind beyond ``laggards``

    @property
    def invited(self) -> int:
        return sum(self.counts.values())

    @property
    def answered(self) -> int:
        return self.invited - self.counts[Answer.PENDING.value]


@dataclass(frozen=True)
class FieldLine:
    """One service field (bidang) of TP Posyandu and the organizations that carry it."""

    name: str
    organizations: int
    covered: int
    counts: dict[str, int]


@dataclass(frozen=True)
class PersonLine:
    invitation_id: int
    person_id: int
    name: str  # empty when the person erased their data
    organization: Organization | None
    reachable: bool  # registered, not blocked, data not erased: a nudge can reach them
    unreachable: Unreachable | None = None


@dataclass(frozen=True)
class Recap:
    meeting: Meeting
    funnel: Funnel
    answers: dict[str, int]  # answer value -> invitees, every answer present
    organizations: tuple[OrgLine, ...]
    non_responders: tuple[PersonLine, ...]
    undeliverable: tuple[PersonLine, ...]
    walk_ins: int
    open_for_answers: bool  # scheduled and before the RSVP deadline: a nudge still makes sense
    fields: tuple[FieldLine, ...] = field(default=())  # empty until organizations carry one
    kinds: tuple[KindLine, ...] = field(default=())  # the organizations by kind, in KIND_ORDER

    @property
    def covered(self) -> int:
        return sum(1 for line in self.organizations if line.covered)

    @property
    def nudgeable(self) -> int:
        return sum(1 for line in self.non_responders if line.reachable)


def service_field_of(org: Organization | None) -> str | None:
    """The hook for the "per service field" part of the recap (SPEC §2).

    Since Permendagri 13/2024 TP Posyandu works across six minimum-service fields; once
    ``Organization`` gains a ``service_field`` column (roster column and migration), this returns
    it and the recap grows a per-field section by itself. Until then nothing is invented: it is
    None and ``Recap.fields`` stays empty.
    """
    value = getattr(org, "service_field", None) if org is not None else None
    return value if isinstance(value, str) and value.strip() else None


def _unreachable(person: Person, invitation_rows: list[OutboxMessage]) -> Unreachable | None:
    if person.status == PersonStatus.ERASED.value:
        return Unreachable.ERASED
    if not person.has_channel:
        return Unreachable.NOT_REGISTERED
    if not person.reachable:
        return Unreachable.BLOCKED
    # A 403 on the invitation itself. (A "not_registered" row of someone who has registered
    # since is no block: the person can be reached now.)
    refused = any(
        row.status == Status.UNREACHABLE.value
        and row.last_error != Unreachable.NOT_REGISTERED.value
        for row in invitation_rows
    )
    if refused and not any(row.status == Status.SENT.value for row in invitation_rows):
        return Unreachable.BLOCKED
    return None


def _by_name(lines: Iterable[PersonLine]) -> tuple[PersonLine, ...]:
    def key(line: PersonLine) -> tuple[str, str, int]:
        org = line.organization.name.lower() if line.organization else "\uffff"
        return org, line.name.lower(), line.person_id

    return tuple(sorted(lines, key=key))


def _fields(lines: list[OrgLine]) -> tuple[FieldLine, ...]:
    grouped: dict[str, list[OrgLine]] = defaultdict(list)
    for line in lines:
        name = service_field_of(line.organization)
        if name is not None:
            grouped[name].append(line)
    result = []
    for name in sorted(grouped):
        counts = empty_counts()
        for line in grouped[name]:
            for answer, count in line.counts.items():
                counts[answer] += count
        covered = sum(1 for line in grouped[name] if line.covered)
        result.append(FieldLine(name, len(grouped[name]), covered, counts))
    return tuple(result)


def kind_lines(lines: Iterable[OrgLine], laggards: int = LAGGARDS) -> tuple[KindLine, ...]:
    """The organizations summed by kind, each with its few laggards (see ``KindLine``)."""
    grouped: dict[str, list[OrgLine]] = defaultdict(list)
    for line in lines:
        grouped[line.organization.kind if line.organization else NO_KIND].append(line)
    order = [*KIND_ORDER, *sorted(set(grouped) - {*KIND_ORDER, NO_KIND}), NO_KIND]
    result = []
    for kind in order:
        members = grouped.get(kind)
        if not members:
            continue
        counts = empty_counts()
        for line in members:
            for answer, count in line.counts.items():
                counts[answer] += count
        silent = [line for line in members if line.counts[Answer.PENDING.value]]
        silent.sort(
            key=lambda line: (
                line.covered,
                -line.counts[Answer.PENDING.value],
                line.organization.name.lower() if line.organization else "",
            )
        )
        named = tuple(silent[:laggards]) if kind != NO_KIND else ()
        result.append(
            KindLine(
                kind=kind,
                organizations=len(members) if kind != NO_KIND else 0,
                covered=sum(1 for line in members if line.covered),
                counts=counts,
                laggards=named,
                more_laggards=len(silent) - len(named) if kind != NO_KIND else 0,
            )
        )
    return tuple(result)


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """Raises: NotFound when there is no such meeting."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(str(meeting_id))
    return meeting


def is_open_for_answers(meeting: Meeting, now: datetime) -> bool:
    return meeting.status == MeetingStatus.SCHEDULED.value and now <= meeting.rsvp_deadline


def recap(session: Session, meeting_id: int, *, now: datetime) -> Recap:
    """Everything /rekap shows about one meeting, as of ``now``.

    Raises:
        NotFound: no meeting with this id.
    """
    meeting = get_meeting(session, meeting_id)
    rows = session.exec(
        select(Invitation, Person)
        .where(Invitation.meeting_id == meeting_id, Invitation.person_id == Person.id)
        .order_by(col(Invitation.id))
    ).all()
    sent_rows: dict[int, list[OutboxMessage]] = defaultdict(list)
    for row in session.exec(
        select(OutboxMessage).where(
            OutboxMessage.subject == meeting.subject,
            OutboxMessage.kind == Kind.INVITATION.value,
        )
    ):
        sent_rows[row.person_id].append(row)
    org_ids = {person.organization_id for _, person in rows if person.organization_id is not None}
    orgs = {
        org.id: org
        for org in session.exec(select(Organization).where(col(Organization.id).in_(org_ids)))
    }

    answers = empty_counts()
    by_org: dict[int | None, dict[str, int]] = defaultdict(empty_counts)
    delivered = answered = checked_in = walk_ins = 0
    per_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    non_responders: list[PersonLine] = []
    undeliverable: list[PersonLine] = []
    for invitation, person in rows:
        if invitation.walk_in:
            walk_ins += 1
            continue
        assert invitation.id is not None and person.id is not None
        answer = invitation.answer if invitation.answer in answers else Answer.PENDING.value
        answers[answer] += 1
        by_org[person.organization_id][answer] += 1
        own_rows = sent_rows.get(person.id, [])
        sent = [row for row in own_rows if row.status == Status.SENT.value]
        # Shown in the chat (the open invitations after registering, /undangan) reached the
        # person as surely as a sent message.
        delivered += bool(sent) or invitation.shown_at is not None
        if sent:
            last = max(sent, key=lambda row: row.id or 0)
            counts = per_channel[last.channel or "telegram"]
            counts[0] += 1
            counts[1] += last.channel != "whatsapp" or last.delivered_at is not None
            counts[2] += last.read_at is not None
        answered += answer != Answer.PENDING.value
        checked_in += invitation.checked_in_at is not None
        unreachable = _unreachable(person, own_rows)
        line = PersonLine(
            invitation_id=invitation.id,
            person_id=person.id,
            name=person.name,
            organization=orgs.get(person.organization_id),
            reachable=unreachable is None,
            unreachable=unreachable,
        )
        if answer == Answer.PENDING.value:
            non_responders.append(line)
        if unreachable is not None:
            undeliverable.append(line)

    org_lines = [OrgLine(orgs.get(org_id), counts) for org_id, counts in by_org.items()]
    # Who is missing first, then by name: the list is read to see whom to call.
    org_lines.sort(
        key=lambda line: (
            line.covered,
            line.organization.name.lower() if line.organization else "\uffff",
        )
    )
    invited = sum(answers.values())
    return Recap(
        meeting=meeting,
        funnel=Funnel(
            invited,
            delivered,
            answered,
            checked_in,
            tuple(
                ChannelLine(name, sent, got, read if name == "whatsapp" else None)
                for name, (sent, got, read) in sorted(per_channel.items())
            ),
        ),
        answers=answers,
        organizations=tuple(org_lines),
        fields=_fields(org_lines),
        kinds=kind_lines(org_lines),
        non_responders=_by_name(non_responders),
        undeliverable=_by_name(undeliverable),
        walk_ins=walk_ins,
        open_for_answers=is_open_for_answers(meeting, now),
    )


def recent_meetings(session: Session, *, now: datetime) -> list[Meeting]:
    """Meetings to offer in /rekap: upcoming soonest first, then the last month's, newest first.
    Cancelled meetings are left out of the list (``/rekap <id>`` still shows them)."""
    query = select(Meeting).where(
        Meeting.status != MeetingStatus.CANCELLED.value, col(Meeting.starts_at) >= now - RECENT
    )
    found = list(session.exec(query))
    upcoming = sorted((m for m in found if m.starts_at >= now), key=lambda m: m.starts_at)
    past = sorted((m for m in found if m.starts_at < now), key=lambda m: m.starts_at, reverse=True)
    return (upcoming + past)[:MEETINGS_LISTED]


def _recently_nudged(session: Session, meeting: Meeting, *, now: datetime) -> set[int]:
    """People with a nudge about this meeting waiting to go, or sent within ``NUDGE_GAP``."""
    query = select(OutboxMessage).where(
        OutboxMessage.subject == meeting.subject,
        OutboxMessage.kind == Kind.NUDGE.value,
        col(OutboxMessage.status).in_(
            [Status.PENDING.value, Status.SENDING.value, Status.SENT.value]
        ),
    )
    recent = set()
    for row in session.exec(query):
        waiting = row.status != Status.SENT.value
        if waiting or (row.sent_at is not None and row.sent_at > now - NUDGE_GAP):
            recent.add(row.person_id)
    return recent


def nudge_non_responders(session: Session, meeting_id: int, *, now: datetime) -> int:
    """Queue a nudge now to every reachable invitee who has not answered; return how many.

    The rows are ordinary RSVP nudges (kind ``nudge``, payload ``{"invitation_id": …}``, as the
    planner's), so the renderer shows them with the button that opens the invitation, the
    engine bundles them with other nudges, keeps to one nudge message per person a day and to
    working days, and drops them once the person answers or the deadline passes. The slot
    ``manual-<UTC minute>`` makes a double press in the same minute queue nothing new, and
    whoever has a nudge about this meeting waiting or sent within ``NUDGE_GAP`` is skipped.

    Raises:
        NotFound: no meeting with this id.
    """
    meeting = get_meeting(session, meeting_id)
    if not is_open_for_answers(meeting, now):
        return 0
    skip = _recently_nudged(session, meeting, now=now)
    slot = f"manual-{now:%Y%m%d%H%M}"
    planned = [
        message_about(
            meeting,
            person_id=line.person_id,
            kind=Kind.NUDGE,
            slot=slot,
            now=now,
            payload={"invitation_id": line.invitation_id},
            stale="at_deadline",
        )
        for line in recap(session, meeting_id, now=now).non_responders
        if line.reachable and line.person_id not in skip
    ]
    return outbox.plan(session, planned, now=now)
