"""The person's rights under UU 27/2022: see what is stored, and erase it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import false, or_
from sqlmodel import Session, col, delete, select

from models import inbox
from models.action_drafts import ReportDraft, drop_action, drop_report
from models.console import end_sessions_of
from models.erasures import mark_erased
from models.people import Person, PersonStatus
from models.registration import ConsentRecord, RegistrationRequest


def erase_person(session: Session, person: Person, *, now: datetime) -> list[str]:
    """Erase everything that identifies the person; the row stays for anonymous counts.

    Attendance rows (later issues) point at the row by id, so counts for the SPJ survive while
    name, phone, position and Telegram ids are gone.
    """
    telegram_user_id, person_chat = person.telegram_user_id, person.telegram_chat_id
    whatsapp_id = person.whatsapp_id
    if person.phone:
        mark_erased(session, person.phone, now=now)
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
    if person.id is not None:
        end_sessions_of(session, person.id, now=now)
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
    if whatsapp_id is not None:
        chats.add(f"wa:{whatsapp_id}")
        session.execute(delete(ConsentRecord).where(col(ConsentRecord.whatsapp_id) == whatsapp_id))
        session.execute(
            delete(RegistrationRequest).where(col(RegistrationRequest.whatsapp_id) == whatsapp_id)
        )
    inbox.forget_chat(session, sorted(chats | {f"user:{telegram_user_id}"}))
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
