"""People on the roster and their links to a Telegram account and a WhatsApp number."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, and_, or_
from sqlmodel import Field, Session, SQLModel, col, select

from models.accounts import Account, Channel


class Role(StrEnum):
    KADER = "kader"
    OPD = "opd"
    ADMIN = "admin"


class Language(StrEnum):
    ID = "id"
    EN = "en"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    ERASED = "erased"  # personal data erased on request (UU 27/2022); only counts remain


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=20, unique=True, index=True)
    role: str = Field(default=Role.KADER.value, max_length=10, index=True)
    position: str = Field(default="", max_length=200)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    language: str = Field(default=Language.ID.value, max_length=5)
    status: str = Field(default=PersonStatus.ACTIVE.value, max_length=20)
    # Telegram ids exceed 32 bits; BigInteger keeps them whole on PostgreSQL.
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    registered_at: datetime | None = None
    consent_at: datetime | None = None
    consent_version: str | None = Field(default=None, max_length=20)
    # Set when Telegram answers 403 (blocked the bot, account deleted): not retried, shown to
    # admins; cleared when the person writes to the bot again.
    unreachable_at: datetime | None = None
    # WhatsApp: the number the person writes from (digits, country code first) and the
    # business-scoped user id Meta sends beside it (a person may later appear without a number).
    whatsapp_id: str | None = Field(default=None, max_length=20, unique=True, index=True)
    whatsapp_user_id: str | None = Field(default=None, max_length=100, unique=True, index=True)
    # WhatsApp's business policy: nobody is messaged there before opting in (by writing to
    # the bot and consenting, or on paper, recorded by the secretariat).
    whatsapp_opt_in_at: datetime | None = None
    # The person's last message on WhatsApp opens the 24-hour customer-service window.
    whatsapp_last_inbound_at: datetime | None = None
    whatsapp_unreachable_at: datetime | None = None
    # The channel the person last wrote on: proactive messages go there first.
    preferred_channel: str | None = Field(default=None, max_length=10)
    # The secret of a one-tap deep link ``t.me/<bot>?start=<token>`` (letters, digits, _ and -).
    invite_token: str | None = Field(default=None, max_length=40, unique=True, index=True)
    created_at: datetime
    updated_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_registered(self) -> bool:
        return self.telegram_user_id is not None or self.whatsapp_id is not None

    @property
    def has_channel(self) -> bool:
        """Linked on an app, or opted in to WhatsApp on paper: the bot has a way to them (the
        delivery engine then finds out whether it works)."""
        return self.is_registered or self.whatsapp_address is not None

    @property
    def whatsapp_address(self) -> str | None:
        """The number to write to on WhatsApp: the linked one, or (opted in on paper, not
        written yet) the roster's. None: not on WhatsApp for the bot."""
        if self.whatsapp_id is not None:
            return self.whatsapp_id
        if self.whatsapp_opt_in_at is not None and self.phone:
            return self.phone.lstrip("+")
        return None

    def channels(self) -> list[Channel]:
        """The channels the bot may write to the person on, the preferred one first."""
        found = []
        if self.telegram_chat_id is not None and self.unreachable_at is None:
            found.append(Channel.TELEGRAM)
        if (
            self.whatsapp_address is not None
            and self.whatsapp_opt_in_at is not None
            and self.whatsapp_unreachable_at is None
        ):
            found.append(Channel.WHATSAPP)
        # Admins stay on Telegram when they have it: their messages carry buttons (approve a
        # registration, accept a report) that only the Telegram side and the console handle.
        if self.preferred_channel == Channel.WHATSAPP.value and not self.is_admin:
            found.reverse()
        return found

    def accounts(self) -> list[Account]:
        """Where to write to the person, the preferred channel first: a Telegram chat, a
        WhatsApp number (linked, or opted in on paper)."""
        found = []
        for channel in self.channels():
            if channel == Channel.TELEGRAM and self.telegram_user_id is not None:
                found.append(Account.telegram(self.telegram_user_id, self.telegram_chat_id))
            elif channel == Channel.WHATSAPP and self.whatsapp_address is not None:
                found.append(Account.whatsapp(self.whatsapp_address, self.whatsapp_user_id))
        return found

    @property
    def reachable(self) -> bool:
        return bool(self.channels())


@dataclass(frozen=True)
class Reach:
    """Where a message to a group goes now: by each app, and how many the bot cannot write to
    (on the roster but not registered yet, or blocked on every app). An admin is told these
    counts, not the size of the audience, so "sent to 11" never means 1."""

    telegram: int = 0
    whatsapp: int = 0
    unregistered: int = 0
    blocked: int = 0

    @property
    def reachable(self) -> int:
        return self.telegram + self.whatsapp

    @property
    def total(self) -> int:
        return self.reachable + self.unregistered + self.blocked


def reach_of(people: Iterable[Person]) -> Reach:
    counts = {"telegram": 0, "whatsapp": 0, "unregistered": 0, "blocked": 0}
    for person in people:
        channels = person.channels()
        if channels:
            counts[channels[0].value] += 1
        elif not person.has_channel:
            counts["unregistered"] += 1
        else:
            counts["blocked"] += 1
    return Reach(**counts)


# Meta's customer-service window: for 24 hours after a person's message, any message may be
# sent on WhatsApp; otherwise only an approved (and billed) template.
WHATSAPP_WINDOW = timedelta(hours=24)


def whatsapp_window_open(person: Person, now: datetime) -> bool:
    last = person.whatsapp_last_inbound_at
    return last is not None and now - last < WHATSAPP_WINDOW


def goes_as_template(person: Person, now: datetime) -> bool:
    """A message to this person now would go as a WhatsApp template (billed by Meta)."""
    channels = person.channels()
    return (
        bool(channels) and channels[0] == Channel.WHATSAPP and not whatsapp_window_open(person, now)
    )


def _whatsapp_address_clause(person: Any) -> Any:
    """SQL for ``whatsapp_address is not None``."""
    on_paper = and_(
        col(person.whatsapp_opt_in_at).is_not(None),
        col(person.phone).is_not(None),
        col(person.phone) != "",
    )
    return or_(col(person.whatsapp_id).is_not(None), on_paper)


def reachable_clause(person: Any = Person) -> Any:
    """SQL for ``Person.reachable``: a meeting's invitations (and a move's or cancellation's
    notices) are queued only for whom the bot can write to now (the delivery engine writes to
    ``Person.accounts()``, built on the same ``channels()``; a test holds the two equal)."""
    return or_(
        and_(col(person.telegram_chat_id).is_not(None), col(person.unreachable_at).is_(None)),
        and_(
            _whatsapp_address_clause(person),
            col(person.whatsapp_opt_in_at).is_not(None),
            col(person.whatsapp_unreachable_at).is_(None),
        ),
    )


def linked_clause() -> Any:
    """SQL for ``Person.is_registered``."""
    return or_(col(Person.telegram_user_id).is_not(None), col(Person.whatsapp_id).is_not(None))


def has_channel_clause(person: Any = Person) -> Any:
    """SQL for ``Person.has_channel`` of ``person`` (the table or an alias of it): planners
    join it instead of looking each recipient up."""
    return or_(col(person.telegram_user_id).is_not(None), _whatsapp_address_clause(person))


def by_phone(session: Session, phone: str) -> Person | None:
    return session.exec(select(Person).where(Person.phone == phone)).first()


def by_telegram_user(session: Session, telegram_user_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


def by_account(session: Session, account: Account) -> Person | None:
    return session.exec(select(Person).where(account.matches(Person))).first()


def admins(session: Session) -> list[Person]:
    """Active admins, registered or not (callers decide whom they can reach)."""
    query = select(Person).where(
        Person.role == Role.ADMIN.value, Person.status == PersonStatus.ACTIVE.value
    )
    return list(session.exec(query.order_by(col(Person.id))))


def new_invite_token() -> str:
    """A token short enough for a deep link (64 chars max) and too long to guess."""
    return secrets.token_urlsafe(16)


def ensure_invite_token(session: Session, person: Person) -> str:
    if person.invite_token is None:
        person.invite_token = new_invite_token()
        session.add(person)
        session.flush()
    return person.invite_token


def mark_reachable(session: Session, telegram_user_id: int) -> bool:
    """The person wrote to the bot, so they no longer block it: proactive messages resume."""
    person = by_telegram_user(session, telegram_user_id)
    if person is None or person.unreachable_at is None:
        return False
    person.unreachable_at = None
    session.add(person)
    return True


def prefer(session: Session, person: Person, channel: Channel) -> None:
    person.preferred_channel = channel.value
    session.add(person)


# A person's messages refresh the window's start at most this often: one write per quarter of
# an hour instead of one per message; the window then ends at worst this much early (a
# template instead of a free message), never late.
WINDOW_REFRESH = timedelta(minutes=15)


def whatsapp_touch_due(person: Person, wrote: datetime) -> bool:
    """Whether a new WhatsApp message changes what is stored about the person."""
    last = person.whatsapp_last_inbound_at
    return (
        person.preferred_channel != Channel.WHATSAPP.value
        or person.whatsapp_unreachable_at is not None
        or last is None
        or wrote - last >= WINDOW_REFRESH
    )


def wrote_on_whatsapp(session: Session, person: Person, *, now: datetime) -> None:
    """A message on WhatsApp: the 24-hour window opens, the channel becomes the preferred one,
    and a number that failed before is worth trying again."""
    person.whatsapp_last_inbound_at = now
    person.preferred_channel = Channel.WHATSAPP.value
    person.whatsapp_unreachable_at = None
    session.add(person)


def mark_unreachable(session: Session, telegram_user_id: int, *, now: datetime) -> bool:
    """Telegram told us the person blocked the bot: stop trying at once, not after a 403."""
    person = by_telegram_user(session, telegram_user_id)
    if person is None or person.unreachable_at is not None:
        return False
    person.unreachable_at = now
    session.add(person)
    return True
