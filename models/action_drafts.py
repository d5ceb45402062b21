"""Half-written follow-up actions (/rtlbaru), reports (/tindaklanjut) and return comments.

Each step's answer is validated here and stored at once, so a restart of the bot between two
messages loses nothing; /batal deletes the draft (and a report draft's downloaded evidence).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Field, Session, SQLModel, col, select

from models import action_owners, actions, outbox
from models.action_owners import Owner
from models.actions import Action, ActionError, Evidence, ReportStatus
from models.dates import DateParseError, parse_date
from models.meeting_drafts import new_version
from models.meetings import Meeting
from models.organizations import Organization, zone_of
from models.outbox import Kind, Planned
from models.people import Person

DRAFT_TTL = timedelta(hours=24)
EVIDENCE_MAX_FILES = 5


class Stage(StrEnum):
    # /rtlbaru
    MEETING = "meeting"
    TITLE = "title"
    OWNER = "owner"
    DUE = "due"
    PREVIEW = "preview"
    # an admin returning a Selesai report: the comment
    RETURN_COMMENT = "return_comment"
    # /tindaklanjut
    STATUS = "status"
    NOTE = "note"
    EVIDENCE = "evidence"


class ActionDraft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", unique=True)
    stage: str = Field(default=Stage.MEETING.value, max_length=20)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    standalone: bool = False  # "no meeting" was chosen (meeting_id None alone means not yet)
    title: str = Field(default="", max_length=actions.TITLE_MAX)
    owner_org_id: int | None = Field(default=None, foreign_key="organization.id")
    group_key: str = Field(default="", max_length=60)
    due: date | None = None
    report_id: int | None = Field(default=None, foreign_key="actionreport.id")
    # Starts at a random number and grows by one a step: a button carries it, so a button of
    # an older draft (ids are reused on SQLite) or an earlier step never acts on this one.
    version: int = Field(default_factory=new_version)
    updated_at: datetime


class ReportDraft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    action_id: int = Field(foreign_key="action.id")
    stage: str = Field(default=Stage.STATUS.value, max_length=20)
    status: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=actions.NOTE_MAX)
    version: int = Field(default_factory=new_version)  # as ActionDraft.version
    updated_at: datetime


def _expired(draft: ActionDraft | ReportDraft | None, now: datetime) -> bool:
    return draft is not None and draft.updated_at + DRAFT_TTL < now


def _touch(session: Session, draft: ActionDraft | ReportDraft, stage: Stage, now: datetime) -> None:
    draft.stage, draft.updated_at = stage.value, now
    draft.version += 1
    session.add(draft)
    session.flush()


# ---------------------------------------------------------------------------------------------
# /rtlbaru


def action_draft_of(session: Session, author_id: int, *, now: datetime) -> ActionDraft | None:
    draft = session.exec(select(ActionDraft).where(ActionDraft.author_id == author_id)).first()
    if draft is not None and _expired(draft, now):
        _expire_action(session, draft, now)
        return None
    return draft


def start_action(session: Session, *, author_id: int, now: datetime) -> ActionDraft:
    drop_action(session, author_id)
    draft = ActionDraft(author_id=author_id, updated_at=now)
    session.add(draft)
    session.flush()
    return draft


def drop_action(session: Session, author_id: int) -> bool:
    draft = session.exec(select(ActionDraft).where(ActionDraft.author_id == author_id)).first()
    if draft is None:
        return False
    session.delete(draft)
    session.flush()
    return True


def choose_meeting(
    session: Session, draft: ActionDraft, meeting_id: int | None, *, now: datetime
) -> None:
    """The meeting the action comes from, or none (``meeting_id`` None: standalone)."""
    if draft.stage != Stage.MEETING.value:
        raise ActionError(code="stale")
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise ActionError(code="unknown_meeting")
    draft.meeting_id, draft.standalone = meeting_id, meeting_id is None
    _touch(session, draft, Stage.TITLE, now)


def give_title(session: Session, draft: ActionDraft, text: str, *, now: datetime) -> None:
    draft.title = actions.clean_title(text)
    _touch(session, draft, Stage.OWNER, now)


def choose_owner(
    session: Session,
    draft: ActionDraft,
    *,
    org_id: int | None = None,
    group_key: str = "",
    now: datetime,
) -> None:
    if draft.stage != Stage.OWNER.value:
        raise ActionError(code="stale")
    if group_key:
        if not action_owners.group_owner(session, group_key).organizations:
            raise ActionError(code="unknown_owner")
        draft.group_key, draft.owner_org_id = group_key, None
    else:
        if org_id is None or session.get(Organization, org_id) is None:
            raise ActionError(code="unknown_owner")
        draft.owner_org_id, draft.group_key = org_id, ""
    _touch(session, draft, Stage.DUE, now)


def give_due(session: Session, draft: ActionDraft, text: str, *, now: datetime, zone: str) -> None:
    """The due date typed the Indonesian way (31/1/2024, 31 Jan, besok); "today" and "besok"
    are the owner's (a WIT Posyandu's day starts two hours before Jakarta's)."""
    zone = zone_of(session, draft.owner_org_id, zone)
    today = now.astimezone(ZoneInfo(zone)).date()
    try:
        due = parse_date(" ".join(text.split()), today=today)
    except DateParseError as error:
        raise ActionError(code="due") from error
    actions.check_due(session, due, meeting_id=draft.meeting_id, today=today)
    draft.due = due
    _touch(session, draft, Stage.PREVIEW, now)


def owner_of(session: Session, draft: ActionDraft) -> Owner:
    if draft.group_key:
        return action_owners.group_owner(session, draft.group_key)
    org = session.get(Organization, draft.owner_org_id) if draft.owner_org_id else None
    if org is None:
        raise ActionError(code="unknown_owner")
    return Owner((org,))


def save_action(
    session: Session, draft: ActionDraft, author: Person, *, version: int, now: datetime
) -> actions.Created:
    """Create the action(s) from a complete draft; the button's version stops a double tap
    and an old preview's button."""
    if draft.stage != Stage.PREVIEW.value or draft.version != version:
        raise ActionError(code="stale")
    assert draft.due is not None
    created = actions.create(
        session,
        title=draft.title,
        owner=owner_of(session, draft),
        due=draft.due,
        meeting_id=draft.meeting_id,
        created_by_id=author.id,
        now=now,
    )
    session.delete(draft)
    session.flush()
    return created


def start_return(
    session: Session, *, author_id: int, report_id: int, now: datetime
) -> tuple[ActionDraft, bool]:
    """The admin tapped Return: the next text is the comment. True when a half-written
    /rtlbaru draft gave way (the admin is told)."""
    replaced = drop_action(session, author_id)
    draft = ActionDraft(
        author_id=author_id, stage=Stage.RETURN_COMMENT.value, report_id=report_id, updated_at=now
    )
    session.add(draft)
    session.flush()
    return draft, replaced


# ---------------------------------------------------------------------------------------------
# /tindaklanjut


def report_draft_of(session: Session, person_id: int, *, now: datetime) -> ReportDraft | None:
    draft = session.exec(select(ReportDraft).where(ReportDraft.person_id == person_id)).first()
    if draft is not None and _expired(draft, now):
        _expire(session, draft, now)
        return None
    return draft


def start_report(
    session: Session, person: Person, action_id: int | None, *, now: datetime
) -> ReportDraft:
    """Open a report on one of the person's actions (refused for anyone else's)."""
    assert person.id is not None
    action = actions.reportable(session, person, action_id)
    old = session.exec(select(ReportDraft).where(ReportDraft.person_id == person.id)).first()
    if old is not None:
        drop_report(session, old)
    draft = ReportDraft(person_id=person.id, action_id=action.id or 0, updated_at=now)
    session.add(draft)
    session.flush()
    return draft


def choose_status(
    session: Session, draft: ReportDraft, status: str, *, version: int, now: datetime
) -> None:
    if draft.stage != Stage.STATUS.value or draft.version != version:
        raise ActionError(code="stale")
    if status not in {s.value for s in ReportStatus}:
        raise ActionError(code="status")
    draft.status = status
    _touch(session, draft, Stage.NOTE, now)


def give_note(session: Session, draft: ReportDraft, text: str, *, now: datetime) -> None:
    if draft.stage != Stage.NOTE.value:
        raise ActionError(code="stale")
    draft.note = actions.check_note(draft.status, text)
    _touch(session, draft, Stage.EVIDENCE, now)


def skip_note(session: Session, draft: ReportDraft, *, version: int, now: datetime) -> None:
    if draft.stage != Stage.NOTE.value or draft.version != version:
        raise ActionError(code="stale")
    draft.note = actions.check_note(draft.status, "")
    _touch(session, draft, Stage.EVIDENCE, now)


def evidence_in(session: Session, draft: ReportDraft) -> list[Evidence]:
    query = select(Evidence).where(Evidence.draft_id == draft.id)
    return list(session.exec(query.order_by(col(Evidence.id))))


def add_evidence(session: Session, draft: ReportDraft, evidence: Evidence, *, now: datetime) -> int:
    """Attach a downloaded file; returns how many the draft now holds."""
    if draft.stage != Stage.EVIDENCE.value:
        raise ActionError(code="stale")
    held = evidence_in(session, draft)
    if len(held) >= EVIDENCE_MAX_FILES:
        raise ActionError(code="too_many_files")
    if any(e.file_unique_id == evidence.file_unique_id for e in held):
        return len(held)  # the same photo sent twice is one piece of evidence
    evidence.draft_id = draft.id
    session.add(evidence)
    draft.updated_at = now
    session.add(draft)
    session.flush()
    return len(held) + 1


def finish_evidence(session: Session, draft: ReportDraft, *, version: int, now: datetime) -> None:
    if draft.stage != Stage.EVIDENCE.value or draft.version != version:
        raise ActionError(code="stale")
    _touch(session, draft, Stage.PREVIEW, now)


def send_report(
    session: Session, draft: ReportDraft, person: Person, *, version: int, now: datetime
) -> actions.ActionReport:
    """Turn the draft into a report; its evidence moves from the draft to the report."""
    if draft.stage != Stage.PREVIEW.value or draft.version != version:
        raise ActionError(code="stale")
    action = actions.reportable(session, person, draft.action_id)
    report = actions.submit_report(
        session, action, person, status=draft.status, note=draft.note, now=now
    )
    for evidence in evidence_in(session, draft):
        evidence.draft_id, evidence.report_id = None, report.id
        session.add(evidence)
    session.flush()
    session.delete(draft)
    session.flush()
    return report


def drop_report(session: Session, draft: ReportDraft) -> list[str]:
    """Delete the draft and its evidence rows; returns the stored paths the caller removes
    from the file store (after the commit, so a rollback never points at a deleted file)."""
    paths = []
    for evidence in evidence_in(session, draft):
        paths.append(evidence.path)
        session.delete(evidence)
    session.flush()
    session.delete(draft)
    session.flush()
    return paths


def expire_report_drafts(session: Session, *, now: datetime) -> int:
    """Drop drafts idle past the TTL, telling their writers; a report draft's evidence rows go
    too (the file store's sweep then deletes the files nobody points at). Returns how many
    report drafts expired."""
    query = select(ReportDraft).where(col(ReportDraft.updated_at) < now - DRAFT_TTL)
    expired = list(session.exec(query))
    for draft in expired:
        _expire(session, draft, now)
    idle = select(ActionDraft).where(col(ActionDraft.updated_at) < now - DRAFT_TTL)
    for action_draft in list(session.exec(idle)):
        _expire_action(session, action_draft, now)
    return len(expired)


def _expire_action(session: Session, draft: ActionDraft, now: datetime) -> None:
    """An admin's idle /rtlbaru or return comment: dropped, and the admin is told."""
    returning = draft.stage == Stage.RETURN_COMMENT.value
    notice = Planned(
        person_id=draft.author_id,
        kind=Kind.NOTICE.value,
        subject=f"actiondraft:{draft.id}",
        slot=draft.updated_at.isoformat(),
        not_before=now,
        payload={
            "key": "rtl.return_expired" if returning else "rtl.action_draft_expired",
            "params": {"title": draft.title},
        },
    )
    outbox.plan(session, [notice], now=now)
    drop_action(session, draft.author_id)


def _expire(session: Session, draft: ReportDraft, now: datetime) -> None:
    """Drop an idle draft and tell its writer, so a report is never silently lost (SPEC §6:
    a conversation left idle expires with a message). Its files go with the store's sweep."""
    action = session.get(Action, draft.action_id)
    notice = Planned(
        person_id=draft.person_id,
        kind=Kind.NOTICE.value,
        subject=f"reportdraft:{draft.id}",
        slot=draft.updated_at.isoformat(),
        not_before=now,
        payload={"key": "rtl.draft_expired", "params": {"title": action.title if action else ""}},
    )
    outbox.plan(session, [notice], now=now)
    drop_report(session, draft)
