"""Registration: consent first, then linking an account (Telegram or WhatsApp) to a roster entry.

Four ways in, all ending in the same link: a shared Telegram contact whose number is on the
roster, a WhatsApp number (known from the first message) on the roster, a one-tap deep link
carrying a person's invite token, or an admin approving an unknown number. Consent
(UU 27/2022) is recorded per account before anything else about the person is stored, so the
controller can prove when, and to which notice version, each person agreed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlmodel import Field, Session, SQLModel, col, select

from models import meetings, organizations
from models.accounts import Account, Channel
from models.erasures import forget_erasure
from models.errors import InvalidPhone
from models.organizations import Organization
from models.people import Person, PersonStatus, Role, by_account, by_phone
from models.phones import normalize_phone

# Bump whenever the privacy notice's text changes in meaning: consent is to a version.
NOTICE_VERSION = (
    "2026-12-r"  # 2026-12: WhatsApp accounts named; -r: the retention period, erased reporters
)
DETAILS_MIN, DETAILS_MAX = 3, 300
# A request left waiting for the person's details expires; a text days later is not an answer.
DETAILS_TTL = timedelta(hours=24)
# After a rejection the same account cannot ask again at once (admins are not to be spammed).
REJECTION_COOLDOWN = timedelta(days=7)


class ConsentRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # One of the two: the account that consented.
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    whatsapp_id: str | None = Field(default=None, max_length=20, index=True)
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
    # The account asking: a Telegram user (and chat) or a WhatsApp number.
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    whatsapp_id: str | None = Field(default=None, max_length=20, index=True)
    whatsapp_user_id: str | None = Field(default=None, max_length=100)
    phone: str = Field(max_length=20, index=True)
    contact_name: str = Field(default="", max_length=200)
    details: str = Field(default="", max_length=DETAILS_MAX)
    language: str = Field(default="id", max_length=5)
    status: str = Field(default=RequestStatus.AWAITING_DETAILS.value, max_length=20, index=True)
    created_at: datetime
    decided_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")


def account_of(request: RegistrationRequest) -> Account:
    """The account that asked (the requester is told the decision there)."""
    if request.whatsapp_id is not None:
        return Account.whatsapp(request.whatsapp_id, request.whatsapp_user_id)
    assert request.telegram_user_id is not None
    return Account.telegram(request.telegram_user_id, request.chat_id)


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


def stage_of(session: Session, account: Account, *, now: datetime) -> Stage:
    if by_account(session, account) is not None:
        return Stage.REGISTERED
    request = open_request(session, account, now=now)
    if request is not None and request.status == RequestStatus.PENDING.value:
        return Stage.WAITING_FOR_ADMIN
    if has_consent(session, account):
        return Stage.NEEDS_CONTACT
    return Stage.NEEDS_CONSENT


def _consent(session: Session, account: Account) -> ConsentRecord | None:
    query = select(ConsentRecord).where(
        account.matches(ConsentRecord), ConsentRecord.notice_version == NOTICE_VERSION
    )
    return session.exec(query).first()


def has_consent(session: Session, account: Account) -> bool:
    return _consent(session, account) is not None


def record_consent(session: Session, *, account: Account, now: datetime) -> ConsentRecord:
    """Store the tap on "Setuju" with its time and the notice version (idempotent per version)."""
    existing = _consent(session, account)
    if existing is not None:
        return existing
    record = ConsentRecord(
        telegram_user_id=account.telegram_user_id,
        whatsapp_id=account.whatsapp_id,
        notice_version=NOTICE_VERSION,
        given_at=now,
    )
    session.add(record)
    session.flush()
    return record


def _consent_time(session: Session, account: Account) -> datetime | None:
    record = _consent(session, account)
    return record.given_at if record else None


def _unlink(person: Person, channel: Channel) -> None:
    if channel == Channel.TELEGRAM:
        person.telegram_user_id = None
        person.telegram_chat_id = None
    else:
        person.whatsapp_id = None
        person.whatsapp_user_id = None
        person.whatsapp_opt_in_at = None


def _link(
    session: Session, person: Person, *, account: Account, now: datetime, wrote: bool = True
) -> LinkResult:
    """Link the account to the person; ``wrote``: in answer to their message just now (not an
    admin's decision days later), which opens WhatsApp's 24-hour window."""
    if account.channel == Channel.TELEGRAM and person.telegram_user_id == account.telegram_user_id:
        person.telegram_chat_id = account.chat_id
        session.add(person)
        return LinkResult(Outcome.ALREADY, person=person)
    if account.channel == Channel.WHATSAPP and person.whatsapp_id == account.whatsapp_id:
        person.whatsapp_user_id = account.user_id or person.whatsapp_user_id
        session.add(person)
        return LinkResult(Outcome.ALREADY, person=person)
    previous = by_account(session, account)
    if previous is not None and previous.id != person.id:
        # One account, one person: an account that re-registers under another number
        # (a cadre who got a new SIM) moves to the new roster entry.
        _unlink(previous, account.channel)
        session.add(previous)
        session.flush()
    consented = _consent_time(session, account) or now
    if account.channel == Channel.TELEGRAM:
        person.telegram_user_id = account.telegram_user_id
        person.telegram_chat_id = account.chat_id
        person.unreachable_at = None
    else:
        person.whatsapp_id = account.whatsapp_id
        person.whatsapp_user_id = account.user_id
        person.whatsapp_opt_in_at = consented  # wrote to us and agreed: WhatsApp's opt-in
        person.whatsapp_unreachable_at = None
        if wrote:
            person.whatsapp_last_inbound_at = now
    person.preferred_channel = account.channel.value
    person.registered_at = person.registered_at or now
    person.consent_at = consented
    person.consent_version = NOTICE_VERSION
    person.updated_at = now
    session.add(person)
    # A request this account left open is answered by the link itself: admins who come
    # later must not be shown it.
    for stale in session.exec(
        select(RegistrationRequest).where(
            account.matches(RegistrationRequest),
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
    session: Session, account: Account, *, now: datetime | None = None
) -> RegistrationRequest | None:
    """The account's request that is still being written or waiting for an admin.

    With ``now``, a request still waiting for details after ``DETAILS_TTL`` has expired and
    is closed here instead of being returned.
    """
    query = (
        select(RegistrationRequest)
        .where(
            account.matches(RegistrationRequest),
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


def recently_rejected(session: Session, account: Account, *, now: datetime) -> bool:
    query = select(RegistrationRequest).where(
        account.matches(RegistrationRequest),
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
    account: Account,
    contact_user_id: int | None,
    phone_raw: str,
    contact_name: str,
    language: str,
    now: datetime,
) -> LinkResult:
    """Telegram: link the sender to the roster entry of the number they shared.

    Only the sender's own contact counts: Telegram fills ``contact.user_id`` with the sender's
    id when they press the request-contact button, and with someone else's (or nothing) when
    they forward a contact card, which proves nothing about who is typing.
    """
    if contact_user_id is None or contact_user_id != account.telegram_user_id:
        return LinkResult(Outcome.NOT_OWN_CONTACT)
    return link_by_number(
        session,
        account=account,
        phone_raw=phone_raw,
        contact_name=contact_name,
        language=language,
        now=now,
    )


def link_by_number(
    session: Session,
    *,
    account: Account,
    phone_raw: str,
    contact_name: str,
    language: str,
    now: datetime,
) -> LinkResult:
    """Link the account to the roster entry of a number proven to be its own (a Telegram
    contact shared with the button, or the WhatsApp number the message came from); an
    unknown number opens a request for an admin."""
    if not has_consent(session, account):
        return LinkResult(Outcome.NEEDS_CONSENT)
    try:
        phone = normalize_phone(phone_raw)
    except InvalidPhone:
        return LinkResult(Outcome.BAD_PHONE)
    person = by_phone(session, phone)
    if person is not None and person.status == PersonStatus.ACTIVE.value:
        return _link(session, person, account=account, now=now)
    request = open_request(session, account, now=now)
    if request is not None and request.status == RequestStatus.PENDING.value:
        return LinkResult(Outcome.PENDING, request=request)
    if request is None and recently_rejected(session, account, now=now):
        return LinkResult(Outcome.REJECTED_RECENTLY)
    if request is None:
        request = RegistrationRequest(
            telegram_user_id=account.telegram_user_id,
            chat_id=account.chat_id,
            whatsapp_id=account.whatsapp_id,
            whatsapp_user_id=account.user_id,
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


def cancel_open_request(session: Session, account: Account, *, now: datetime) -> bool:
    """``/batal`` during registration: drop the request being written. True when one was."""
    request = open_request(session, account, now=now)
    if request is None or request.status != RequestStatus.AWAITING_DETAILS.value:
        return False
    request.status = RequestStatus.CANCELLED.value
    session.add(request)
    return True


def link_by_token(session: Session, *, token: str, account: Account, now: datetime) -> LinkResult:
    """One-tap registration through ``?start=<token>``: the token is the proof of identity."""
    person = session.exec(select(Person).where(Person.invite_token == token)).first()
    if person is None or person.status != PersonStatus.ACTIVE.value:
        return LinkResult(Outcome.INVALID_TOKEN)
    linked = person.telegram_user_id if account.channel == Channel.TELEGRAM else person.whatsapp_id
    if linked not in (None, account.telegram_user_id or account.whatsapp_id):
        return LinkResult(Outcome.TOKEN_TAKEN, person=person)
    owner = by_account(session, account)
    if owner is not None and owner.id != person.id:
        # Someone else's link must not quietly turn a registered account into that person.
        return LinkResult(Outcome.ACCOUNT_TAKEN, person=owner)
    if not has_consent(session, account):
        return LinkResult(Outcome.NEEDS_CONSENT, person=person)
    return _link(session, person, account=account, now=now)


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
        # The details read "name, organization": the organization is the one they named when
        # it is recognised; the roster import fills the rest (or corrects it) later.
        typed_name = request.details.split(",")[0].strip()
        organization = organization_named(session, request)
        person = Person(
            name=(typed_name or request.contact_name or request.phone)[:200],
            phone=request.phone,
            role=role.value,
            organization_id=organization.id if organization is not None else None,
            language=request.language,
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        session.flush()
    _link(session, person, account=account_of(request), now=now, wrote=False)
    request.status = RequestStatus.APPROVED.value
    request.person_id = person.id
    forget_erasure(session, request.phone)  # they came back of their own will
    session.add(request)
    session.flush()
    # The meetings made before they joined: as a roster person registering finds them waiting.
    meetings.invite_to_upcoming(session, person, now=now)
    return DecisionResult(Decision.APPROVED, request=request, person=person, decided_by=admin)


def organization_named(session: Session, request: RegistrationRequest) -> Organization | None:
    """The organization a requester named after their name ("Budi Santoso, Posyandu Melati
    Baruga"), when it is one we know; shown to the admins with the request."""
    _, _, named = request.details.partition(",")
    return organizations.named_in(session, named) if named.strip() else None


def set_language(session: Session, person: Person, language: str, *, now: datetime) -> None:
    person.language = language
    person.updated_at = now
    session.add(person)
