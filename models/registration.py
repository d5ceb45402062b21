"""Registration: consent first, then linking a Telegram account to a roster entry.

Three ways in, all ending in the same link: a shared contact whose number is on the roster, a
one-tap deep link carrying a person's invite token, or an admin approving an unknown number.
Consent (UU 27/2022) is recorded per Telegram account before anything else about the person is
stored, so the controller can prove when, and to which notice version, each person agreed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlmodel import Field, Session, SQLModel, col, select

from models.erasures import forget_erasure
from models.errors import InvalidPhone
from models.people import Person, PersonStatus, Role, by_phone, by_telegram_user
from models.phones import normalize_phone

# Bump whenever the privacy notice's text changes in meaning: consent is to a version.
NOTICE_VERSION = "2026-11"
DETAILS_MIN, DETAILS_MAX = 3, 300
# A request left waiting for the person's details expires; a text days later is not an answer.
DETAILS_TTL = timedelta(hours=24)
# After a rejection the same account cannot ask again at once (admins are not to be spammed).
REJECTION_COOLDOWN = timedelta(days=7)


class ConsentRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    notice_version: str = Field(max_length=20)
    given_at: datetime


class RequestStatus(StrEnum):
    AWAITING_DETAILS = "awaiting_details"  # we asked who they are; their next text answers
    PENDING = "pending"  # waiting for an admin
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RegistrationRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    chat_id: int = Field(sa_type=BigInteger)
    phone: str = Field(max_length=20, index=True)
    contact_name: str = Field(default="", max_length=200)
    details: str = Field(default="", max_length=DETAILS_MAX)
    language: str = Field(default="id", max_length=5)
    status: str = Field(default=RequestStatus.AWAITING_DETAILS.value, max_length=20, index=True)
    created_at: datetime
    decided_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")


class Outcome(StrEnum):
    LINKED = "linked"  # this account is now the person's
    ALREADY = "already"  # this account was already linked to that person
    NOT_OWN_CONTACT = "not_own_contact"
    BAD_PHONE = "bad_phone"
    NEEDS_CONSENT = "needs_consent"
    ASK_DETAILS = "ask_details"  # unknown number: a request was opened, ask who they are
    PENDING = "pending"  # a request already waits for an admin
    INVALID_TOKEN = "invalid_token"
    TOKEN_TAKEN = "token_taken"  # the person is linked to another Telegram account
    ACCOUNT_TAKEN = "account_taken"  # this account already belongs to another person
    REJECTED_RECENTLY = "rejected_recently"  # an admin said no; no new request for a while


@dataclass(frozen=True)
class LinkResult:
    outcome: Outcome
    person: Person | None = None
    request: RegistrationRequest | None = None


class Stage(StrEnum):
    """Where an account stands, deciding what /start shows."""

    REGISTERED = "registered"
    WAITING_FOR_ADMIN = "waiting_for_admin"
    NEEDS_CONTACT = "needs_contact"  # consent given: next is the contact button
    NEEDS_CONSENT = "needs_consent"


def stage_of(session: Session, telegram_user_id: int, *, now: datetime) -> Stage:
    if by_telegram_user(session, telegram_user_id) is not None:
        return Stage.REGISTERED
    request = open_request(session, telegram_user_id, now=now)
    if request is not None and request.status == RequestStatus.PENDING.value:
        return Stage.WAITING_FOR_ADMIN
    if has_consent(session, telegram_user_id):
        return Stage.NEEDS_CONTACT
    return Stage.NEEDS_CONSENT


def has_consent(session: Session, telegram_user_id: int) -> bool:
    query = select(ConsentRecord).where(
        ConsentRecord.telegram_user_id == telegram_user_id,
        ConsentRecord.notice_version == NOTICE_VERSION,
    )
    return session.exec(query).first() is not None


def record_consent(session: Session, *, telegram_user_id: int, now: datetime) -> ConsentRecord:
    """Store the tap on "Setuju" with its time and the notice version (idempotent per version)."""
    query = select(ConsentRecord).where(
        ConsentRecord.telegram_user_id == telegram_user_id,
        ConsentRecord.notice_version == NOTICE_VERSION,
    )
    existing = session.exec(query).first()
    if existing is not None:
        return existing
    record = ConsentRecord(
        telegram_user_id=telegram_user_id, notice_version=NOTICE_VERSION, given_at=now
    )
    session.add(record)
    session.flush()
    return record


def _consent_time(session: Session, telegram_user_id: int) -> datetime | None:
    query = select(ConsentRecord).where(
        ConsentRecord.telegram_user_id == telegram_user_id,
        ConsentRecord.notice_version == NOTICE_VERSION,
    )
    record = session.exec(query).first()
    return record.given_at if record else None


def _link(
    session: Session, person: Person, *, telegram_user_id: int, chat_id: int, now: datetime
) -> LinkResult:
    if person.telegram_user_id == telegram_user_id:
        person.telegram_chat_id = chat_id
        session.add(person)
        return LinkResult(Outcome.ALREADY, person=person)
    previous = by_telegram_user(session, telegram_user_id)
    if previous is not None and previous.id != person.id:
        # One Telegram account, one person: an account that re-registers under another number
        # (a cadre who got a new SIM) moves to the new roster entry.
        previous.telegram_user_id = None
        previous.telegram_chat_id = None
        session.add(previous)
        session.flush()
    person.telegram_user_id = telegram_user_id
    person.telegram_chat_id = chat_id
    person.registered_at = now
    person.unreachable_at = None
    person.consent_at = _consent_time(session, telegram_user_id) or now
    person.consent_version = NOTICE_VERSION
    person.updated_at = now
    session.add(person)
    # A request this account left open is answered by the link itself: admins who come
    # later must not be shown it.
    for stale in session.exec(
        select(RegistrationRequest).where(
            RegistrationRequest.telegram_user_id == telegram_user_id,
            col(RegistrationRequest.status).in_(
                [RequestStatus.AWAITING_DETAILS.value, RequestStatus.PENDING.value]
            ),
        )
    ):
        stale.status = RequestStatus.CANCELLED.value
        session.add(stale)
    session.flush()
    return LinkResult(Outcome.LINKED, person=person)


def open_request(
    session: Session, telegram_user_id: int, *, now: datetime | None = None
) -> RegistrationRequest | None:
    """The account's request that is still being written or waiting for an admin.

    With ``now``, a request still waiting for details after ``DETAILS_TTL`` has expired and
    is closed here instead of being returned.
    """
    query = (
        select(RegistrationRequest)
        .where(
            RegistrationRequest.telegram_user_id == telegram_user_id,
            col(RegistrationRequest.status).in_(
                [RequestStatus.AWAITING_DETAILS.value, RequestStatus.PENDING.value]
            ),
        )
        .order_by(col(RegistrationRequest.id).desc())
    )
    request = session.exec(query).first()
    if (
        request is not None
        and now is not None
        and request.status == RequestStatus.AWAITING_DETAILS.value
        and request.created_at + DETAILS_TTL < now
    ):
        request.status = RequestStatus.CANCELLED.value
        session.add(request)
        session.flush()
        return None
    return request


def recently_rejected(session: Session, telegram_user_id: int, *, now: datetime) -> bool:
    query = select(RegistrationRequest).where(
        RegistrationRequest.telegram_user_id == telegram_user_id,
        RegistrationRequest.status == RequestStatus.REJECTED.value,
        col(RegistrationRequest.decided_at) > now - REJECTION_COOLDOWN,
    )
    return session.exec(query).first() is not None


def pending_requests(session: Session) -> list[RegistrationRequest]:
    """Requests waiting for an admin, oldest first (shown to an admin who links late)."""
    query = select(RegistrationRequest).where(
        RegistrationRequest.status == RequestStatus.PENDING.value
    )
    return list(session.exec(query.order_by(col(RegistrationRequest.id))))


def link_by_contact(
    session: Session,
    *,
    telegram_user_id: int,
    chat_id: int,
    contact_user_id: int | None,
    phone_raw: str,
    contact_name: str,
    language: str,
    now: datetime,
) -> LinkResult:
    """Link the sender to the roster entry of the number they shared.

    Only the sender's own contact counts: Telegram fills ``contact.user_id`` with the sender's
    id when they press the request-contact button, and with someone else's (or nothing) when
    they forward a contact card, which proves nothing about who is typing.
    """
    if contact_user_id != telegram_user_id:
        return LinkResult(Outcome.NOT_OWN_CONTACT)
    if not has_consent(session, telegram_user_id):
        return LinkResult(Outcome.NEEDS_CONSENT)
    try:
        phone = normalize_phone(phone_raw)
    except InvalidPhone:
        return LinkResult(Outcome.BAD_PHONE)
    person = by_phone(session, phone)
    if person is not None and person.status == PersonStatus.ACTIVE.value:
        return _link(session, person, telegram_user_id=telegram_user_id, chat_id=chat_id, now=now)
    request = open_request(session, telegram_user_id, now=now)
    if request is not None and request.status == RequestStatus.PENDING.value:
        return LinkResult(Outcome.PENDING, request=request)
    if request is None and recently_rejected(session, telegram_user_id, now=now):
        return LinkResult(Outcome.REJECTED_RECENTLY)
    if request is None:
        request = RegistrationRequest(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            phone=phone,
            contact_name=contact_name[:200],
            language=language,
            created_at=now,
        )
    else:
        request.phone = phone
        request.contact_name = contact_name[:200]
    session.add(request)
    session.flush()
    return LinkResult(Outcome.ASK_DETAILS, request=request)


def submit_details(
    session: Session, *, request: RegistrationRequest, text: str
) -> RegistrationRequest:
    """Record who the unknown person says they are; the request then waits for an admin.

    Raises:
        ValueError: the text is too short or too long (the caller re-asks).
    """
    cleaned = " ".join(text.split())
    if not DETAILS_MIN <= len(cleaned) <= DETAILS_MAX:
        raise ValueError("details length")
    request.details = cleaned
    request.status = RequestStatus.PENDING.value
    session.add(request)
    session.flush()
    return request


def cancel_open_request(session: Session, telegram_user_id: int, *, now: datetime) -> bool:
    """``/batal`` during registration: drop the request being written. True when one was."""
    request = open_request(session, telegram_user_id, now=now)
    if request is None or request.status != RequestStatus.AWAITING_DETAILS.value:
        return False
    request.status = RequestStatus.CANCELLED.value
    session.add(request)
    return True


def link_by_token(
    session: Session, *, token: str, telegram_user_id: int, chat_id: int, now: datetime
) -> LinkResult:
    """One-tap registration through ``?start=<token>``: the token is the proof of identity."""
    person = session.exec(select(Person).where(Person.invite_token == token)).first()
    if person is None or person.status != PersonStatus.ACTIVE.value:
        return LinkResult(Outcome.INVALID_TOKEN)
    if person.telegram_user_id not in (None, telegram_user_id):
        return LinkResult(Outcome.TOKEN_TAKEN, person=person)
    owner = by_telegram_user(session, telegram_user_id)
    if owner is not None and owner.id != person.id:
        # Someone else's link must not quietly turn a registered account into that person.
        return LinkResult(Outcome.ACCOUNT_TAKEN, person=owner)
    if not has_consent(session, telegram_user_id):
        return LinkResult(Outcome.NEEDS_CONSENT, person=person)
    return _link(session, person, telegram_user_id=telegram_user_id, chat_id=chat_id, now=now)


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    ALREADY_DECIDED = "already_decided"
    NOT_FOUND = "not_found"
    NOT_ADMIN = "not_admin"


@dataclass(frozen=True)
class DecisionResult:
    decision: Decision
    request: RegistrationRequest | None = None
    person: Person | None = None
    decided_by: Person | None = None


def decide(
    session: Session,
    *,
    request_id: int,
    admin: Person | None,
    approve: bool,
    role: Role = Role.KADER,
    now: datetime,
) -> DecisionResult:
    """An admin approves (creating and linking a person) or rejects a pending request.

    The first admin's decision wins; a second admin pressing an old button learns who decided.
    """
    if admin is None or not admin.is_admin:
        return DecisionResult(Decision.NOT_ADMIN)
    request = session.get(RegistrationRequest, request_id)
    if request is None:
        return DecisionResult(Decision.NOT_FOUND)
    if request.status != RequestStatus.PENDING.value:
        decided_by = session.get(Person, request.decided_by_id) if request.decided_by_id else None
        return DecisionResult(Decision.ALREADY_DECIDED, request=request, decided_by=decided_by)
    request.decided_at = now
    request.decided_by_id = admin.id
    if not approve:
        request.status = RequestStatus.REJECTED.value
        session.add(request)
        return DecisionResult(Decision.REJECTED, request=request, decided_by=admin)
    person = by_phone(session, request.phone)
    if person is None:
        # The details read "name, organization"; the roster import fills the rest later.
        typed_name = request.details.split(",")[0].strip()
        person = Person(
            name=(typed_name or request.contact_name or request.phone)[:200],
            phone=request.phone,
            role=role.value,
            language=request.language,
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        session.flush()
    _link(
        session,
        person,
        telegram_user_id=request.telegram_user_id,
        chat_id=request.chat_id,
        now=now,
    )
    request.status = RequestStatus.APPROVED.value
    request.person_id = person.id
    forget_erasure(session, request.phone)  # they came back of their own will
    session.add(request)
    session.flush()
    return DecisionResult(Decision.APPROVED, request=request, person=person, decided_by=admin)


def set_language(session: Session, person: Person, language: str, *, now: datetime) -> None:
    person.language = language
    person.updated_at = now
    session.add(person)
