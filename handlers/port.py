"""What a conversation needs from a channel: say once, show per channel.

A feature's step decides what to say (a catalogue text, our neutral ``Button``s) and hands it
to a ``Chat``; the Telegram chat (``handlers.telegram_chat``) shows it as HTML with an inline
keyboard and edits, the WhatsApp chat (``whatsapp.chat``) as WhatsApp formatting with reply
buttons or a list, and no edits. The steps written against this port (registration, answering
invitations) are one code path for both channels: a rule changed once changes both.

This module imports neither channel's library.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from models.accounts import Account
from models.messages import Button
from models.people import Person

if TYPE_CHECKING:
    from handlers.deps import Deps

Keyboard = Sequence[Sequence[Button]]


class Chat(Protocol):
    """The person's private chat on one channel, during one incoming message or button."""

    @property
    def account(self) -> Account: ...

    @property
    def language_hint(self) -> str | None:
        """The app's language for a person not registered yet (Telegram tells; WhatsApp not)."""
        ...

    async def say(self, text: str, buttons: Keyboard | None = None) -> None:
        """Send catalogue HTML, with buttons under it."""
        ...

    async def ack(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer a button press: nothing, a short notice, or (alert) one to read and close.

        Telegram shows it over the chat; WhatsApp, which has no such thing, sends the notice
        as a message (a silent answer sends nothing)."""
        ...

    async def replace(self, text: str, buttons: Keyboard | None = None) -> None:
        """Show ``text`` in place of the message whose button was pressed (Telegram edits it;
        WhatsApp, which cannot, sends it as a new message)."""
        ...

    async def show_buttons(self, buttons: Keyboard) -> None:
        """The message whose button was pressed shows these buttons now (an invitation marks
        the chosen answer): Telegram edits its keyboard unless it shows them already (Telegram
        refuses an identical edit); WhatsApp cannot edit a sent message and does nothing."""
        ...

    async def buttons_used(self) -> None:
        """The buttons just pressed are used up: Telegram removes them from the message;
        WhatsApp cannot edit a sent message, and answers a second press with "sudah dijawab /
        kedaluwarsa" instead."""
        ...


class FileTooBig(Exception):
    """The channel will not hand over a file this big (Telegram's 20 MB download limit)."""


class FileFailed(Exception):
    """The file could not be fetched this time (network, the channel's error): send it again."""


@dataclass(frozen=True)
class IncomingFile:
    """A photo or document someone sent, whichever app it came from; ``download`` fetches its
    bytes from the channel (raising ``FileTooBig`` or ``FileFailed``)."""

    kind: str  # photo | document
    unique_id: str  # the same file sent twice has the same id
    size: int | None  # as the channel declares it, before downloading
    name: str
    mime: str | None
    download: Callable[[], Awaitable[bytes]]
    channel_file_id: str = ""  # Telegram's file_id, to send it on without uploading


class Env(Protocol):
    """The application as a step sees it: the database and the clock (``BotContext`` for
    Telegram, ``whatsapp.context.WhatsAppContext`` for WhatsApp)."""

    @property
    def deps(self) -> Deps: ...

    def uow(self) -> AbstractContextManager[Session]: ...

    def person_of(self, account: Account) -> Person | None:
        """The registered person of this account, looked up once per update."""
        ...


class Messenger(Protocol):
    """Sends one message to an account on one channel, outside any conversation (an admin
    told of a registration request, a requester of the admin's decision)."""

    async def send(self, account: Account, text: str, buttons: Keyboard = ()) -> None:
        """Raises when the message could not be handed to the channel."""
        ...
