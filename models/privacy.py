"""The person's rights under UU 27/2022: see what is stored, and erase it."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from sqlalchemy import false, or_, update
from sqlmodel import Session, col, delete, select

from models import inbox
from models.action_drafts import ReportDraft, drop_action, drop_report
from models.actions import Action, ActionReport, Evidence
from models.broadcasts import BroadcastDraft
from models.console import ConsoleLink, ConsoleSession
from models.erasures import mark_erased
from models.meeting_drafts import MeetingDraft
from models.meetings import AnswerChange, Invitation, Meeting
from models.outbox import EarlyStatus, Kind, OutboxMessage, Status
from models.people import Person, PersonStatus
from models.registration import ConsentRecord, RegistrationRequest


def erase_person(session: Session, person: Person, *, now: datetime) -> list[str]:
    """Erase everything that identifies the person; the row stays for anonymous counts.

    Attendance rows (later issues) point at the row by id, so counts for the SPJ survive while
    name, phone, position and Telegram ids are gone.
    """
    telegram_user_id, person_chat = person.telegram_user_id, person.telegram_chat_id
    whatsapp_id, phone, name = person.whatsapp_id, person.phone, person.name
    whatsapp_user_id = person.whatsapp_user_id
    if phone:
        mark_erased(session, phone, now=now)
    if person.id is not None:
        _forget_answers(session, person.id, phone, name)
        _forget_messages(session, person.id, now)
        _forget_drafts_and_sign_ins(session, person.id)
        _forget_file_names(session, person.id)
        if phone:
            session.execute(
                delete(RegistrationRequest).where(col(RegistrationRequest.phone) == phone)
            )
        session.execute(
            delete(RegistrationRequest).where(col(RegistrationRequest.person_id) == person.id)
        )
    person.name = ""
    person.phone = None
    person.position = ""
    person.telegram_user_id = None
    person.telegram_chat_id = None
    person.whatsapp_id = None
    person.whatsapp_user_id = None
    person.whatsapp_opt_in_at = None
    person.whatsapp_last_inbound_at = None
    person.preferred_channel = None
    person.invite_token = None
    person.status = PersonStatus.ERASED.value
    person.updated_at = now
    session.add(person)
    # Half-written reports and actions are theirs alone; submitted reports stay (anonymous).
    # The draft's evidence files are returned for the caller to delete after the commit.
    paths: list[str] = []
    if person.id is not None:
        report_draft = session.exec(
            select(ReportDraft).where(ReportDraft.person_id == person.id)
        ).first()
        if report_draft is not None:
            paths = drop_report(session, report_draft)
        drop_action(session, person.id)
    # What they wrote to the bot: handled and failed updates of their chat.
    chats = {str(c) for c in (telegram_user_id, person_chat) if c is not None}
    if whatsapp_user_id is not None:  # a lane keyed by Meta's user id, where no number came
        chats.add(f"wa:{whatsapp_user_id}")
    if whatsapp_id is not None:
        chats.add(f"wa:{whatsapp_id}")
        session.execute(delete(ConsentRecord).where(col(ConsentRecord.whatsapp_id) == whatsapp_id))
        session.execute(
            delete(RegistrationRequest).where(col(RegistrationRequest.whatsapp_id) == whatsapp_id)
        )
    inbox.forget_chat(session, sorted(chats | {f"user:{telegram_user_id}"}))
    if whatsapp_id is not None:
        _forget_early_statuses(session, whatsapp_id)
    if telegram_user_id is not None:
        session.execute(
            delete(ConsentRecord).where(col(ConsentRecord.telegram_user_id) == telegram_user_id)
        )
        session.execute(
            delete(RegistrationRequest).where(
                col(RegistrationRequest.telegram_user_id) == telegram_user_id
            )
        )
    session.flush()
    return paths


def _forget_file_names(session: Session, person_id: int) -> None:
    """Their reports stay as the organization's record, but a file's name as sent ("Laporan
    Siti Aminah.pdf") can name them: the files keep only their kind."""
    reports = select(ActionReport.id).where(col(ActionReport.reporter_id) == person_id)
    session.execute(
        update(Evidence)
        .where(col(Evidence.report_id).in_(reports.scalar_subquery()))
        .values(file_name="")
    )


def _forget_answers(session: Session, person_id: int, phone: str | None, name: str) -> None:
    """Their answers stay (the attendance counts), without what they typed: reasons, the
    representative they named, the one being typed; and where someone named *them* as a
    representative, their name, position and number go from that answer too."""
    own = list(session.exec(select(Invitation).where(Invitation.person_id == person_id)))
    named_them = [col(Invitation.representative_person_id) == person_id]
    if phone:
        named_them.append(col(Invitation.representative_phone) == phone)
    others = list(session.exec(select(Invitation).where(or_(*named_them))))
    for invitation in own + others:
        invitation.representative_name = ""
        invitation.representative_position = ""
        invitation.representative_phone = None
        if invitation.person_id == person_id:
            invitation.reason = ""
            invitation.pending_name = ""
            invitation.pending_position = ""
            # Who stood in for them is theirs to forget too: the link would keep naming the
            # representative (and keep reminding and checking in someone for nobody).
            invitation.representative_person_id = None
        session.add(invitation)
    own_ids = [i.id for i in own if i.id is not None]
    if own_ids:
        history = select(AnswerChange).where(col(AnswerChange.invitation_id).in_(own_ids))
        for change in session.exec(history):
            change.reason = ""
            change.representative_name = ""
            session.add(change)
    other_ids = [i.id for i in others if i.id is not None and i.person_id != person_id]
    if other_ids and name:
        history = select(AnswerChange).where(
            col(AnswerChange.invitation_id).in_(other_ids),
            col(AnswerChange.representative_name) == name,
        )
        for change in session.exec(history):
            change.representative_name = ""
            session.add(change)


def _forget_messages(session: Session, person_id: int, now: datetime) -> None:
    """The outbox: what was queued for them is not sent, and no row, sent or not, keeps what
    they wrote (a late decline's alert to the organisers quotes the reason)."""
    for row in session.exec(select(OutboxMessage).where(OutboxMessage.person_id == person_id)):
        if row.status == Status.PENDING.value:
            row.status = Status.SKIPPED.value
            row.last_error = "erased"
        if "reason" in (row.payload or {}):
            row.payload = {**row.payload, "reason": ""}
        if row.channel == "whatsapp":
            row.external_id = None  # a WhatsApp message id carries the number it went to
        row.updated_at = now
        session.add(row)
    subjects = select(Meeting.id).join(Invitation).where(Invitation.person_id == person_id)
    meeting_subjects = [f"meeting:{meeting_id}" for meeting_id in session.exec(subjects)]
    if not meeting_subjects:
        return
    about = select(OutboxMessage).where(
        OutboxMessage.kind == Kind.NOTICE.value, col(OutboxMessage.subject).in_(meeting_subjects)
    )
    for row in session.exec(about):
        payload = row.payload or {}
        if payload.get("invitee_id") == person_id and "reason" in payload:
            row.payload = {**payload, "reason": ""}
            row.updated_at = now
            session.add(row)


def _forget_early_statuses(session: Session, whatsapp_id: str) -> None:
    """Statuses still waiting for their row name a message id, which carries the number."""
    for status in session.exec(select(EarlyStatus)):
        if whatsapp_id in _wamid_text(status.external_id):
            session.delete(status)


def _wamid_text(external_id: str) -> str:
    if not external_id.startswith("wamid."):
        return ""
    try:
        return base64.b64decode(external_id[6:] + "==").decode("latin-1")
    except (binascii.Error, ValueError):
        return ""


def _forget_drafts_and_sign_ins(session: Session, person_id: int) -> None:
    """Half-written meetings and broadcasts are theirs alone; console sign-ins end and go."""
    for table in (MeetingDraft, BroadcastDraft):
        session.execute(delete(table).where(col(table.author_id) == person_id))
    session.execute(delete(ConsoleSession).where(col(ConsoleSession.person_id) == person_id))
    session.execute(delete(ConsoleLink).where(col(ConsoleLink.person_id) == person_id))


def _of_person(table: Any, person: Person) -> Any:
    """Rows of either of the person's accounts (none: no row)."""
    conditions = []
    if person.telegram_user_id is not None:
        conditions.append(col(table.telegram_user_id) == person.telegram_user_id)
    if person.whatsapp_id is not None:
        conditions.append(col(table.whatsapp_id) == person.whatsapp_id)
    return or_(*conditions) if conditions else false()


def registration_requests_of(session: Session, person: Person) -> list[RegistrationRequest]:
    query = select(RegistrationRequest).where(_of_person(RegistrationRequest, person))
    return list(session.exec(query.order_by(col(RegistrationRequest.id))))


def consents_of(session: Session, person: Person) -> list[ConsentRecord]:
    query = select(ConsentRecord).where(_of_person(ConsentRecord, person))
    return list(session.exec(query.order_by(col(ConsentRecord.id))))


def answers_of(
    session: Session, person: Person
) -> list[tuple[Meeting, Invitation, list[AnswerChange]]]:
    """/dataku: every invitation of theirs with its meeting and the answers given, in order."""
    if person.id is None:
        return []
    query = (
        select(Meeting, Invitation)
        .join(Invitation)
        .where(Invitation.person_id == person.id)
        .order_by(col(Meeting.starts_at), col(Invitation.id))
    )
    found = []
    for meeting, invitation in session.exec(query):
        history = select(AnswerChange).where(AnswerChange.invitation_id == invitation.id)
        found.append(
            (meeting, invitation, list(session.exec(history.order_by(col(AnswerChange.id)))))
        )
    return found


def reports_of(session: Session, person: Person) -> list[tuple[ActionReport, Action]]:
    """/dataku: the follow-up reports they sent (kept as their organization's record)."""
    if person.id is None:
        return []
    query = (
        select(ActionReport, Action)
        .join(Action)
        .where(ActionReport.reporter_id == person.id)
        .order_by(col(ActionReport.id))
    )
    return [(report, action) for report, action in session.exec(query)]
