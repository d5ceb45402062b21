"""Where a WhatsApp message goes: the same steps as on Telegram, chosen by what was sent.

Commands are words (WhatsApp has no bot commands): DAFTAR or /start, UNDANGAN, BATAL,
BANTUAN; a button's or list row's id (or a template's quick-reply payload) is our callback
data, decoded by the same codec as Telegram's. Nobody is asked anything before consenting:
the first message of an unknown number gets the privacy notice.
"""

from __future__ import annotations

import json
import logging

from pywa_async import WhatsApp

from handlers import callbacks, registration, rsvp
from handlers.deps import Deps
from handlers.i18n import t, t_plain
from models import people
from models.accounts import Account
from models.conversations import Conversation
from whatsapp.chat import WhatsAppChat
from whatsapp.context import WhatsAppContext
from whatsapp.inbound import Reading, read

log = logging.getLogger(__name__)

START_WORDS = frozenset({"daftar", "/start", "start", "mulai"})
INVITATION_WORDS = frozenset({"undangan", "/undangan"})
CANCEL_WORDS = frozenset({"batal", "/batal"})
HELP_WORDS = frozenset({"bantuan", "/bantuan", "help", "/help"})


class WhatsAppRouter:
    def __init__(self, client: WhatsApp, deps: Deps) -> None:
        self.client = client
        self.deps = deps

    async def handle(self, payload: str) -> None:
        """One stored message (``InboundMessage.to_json``), inside the inbox's unit of work."""
        stored = json.loads(payload)
        account = Account.whatsapp(str(stored["wa_id"]), stored.get("user_id"))
        env = WhatsAppContext(self.deps)
        person = env.person_of(account)
        if person is not None:
            with env.uow() as session:
                fresh = session.merge(person)
                people.wrote_on_whatsapp(session, fresh, now=self.deps.clock.now())
        chat = WhatsAppChat(self.client, account, person.language if person else None)
        reading = read(stored["message"])
        if reading.kind == "reply":
            await self._reply(chat, env, reading)
        elif reading.kind == "text":
            await self._text(chat, env, reading.text)
        else:
            await self._not_understood(chat, env)

    async def _reply(self, chat: WhatsAppChat, env: WhatsAppContext, reading: Reading) -> None:
        data = callbacks.parse(reading.reply_id, callbacks.Consent, callbacks.RsvpButton)
        if isinstance(data, callbacks.Consent):
            await registration.on_consent(chat, env, data)
        elif isinstance(data, callbacks.RsvpButton):
            await rsvp.on_button(chat, env, data)
        else:  # not ours, from an older version, or forged: changes nothing
            await chat.ack(t_plain(chat.language, "button.expired"))

    async def _text(self, chat: WhatsAppChat, env: WhatsAppContext, text: str) -> None:
        word = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
        who = env.who(chat.account)
        person = who.person
        if word in START_WORDS:
            await registration.on_start(chat, env)
            return
        if word in CANCEL_WORDS:
            await self._cancel(chat, env)
            return
        if person is None:
            if not await registration.on_details(chat, env, text):
                await registration.on_start(chat, env)  # consent first, then the number
            return
        if word in INVITATION_WORDS:
            await rsvp.on_my_invitations(chat, env)
            return
        if word in HELP_WORDS:
            await chat.say(t(person.language, "help.everyone") + t(person.language, "help.rsvp"))
            return
        answering = Conversation.ANSWER in who.open
        if await rsvp.on_typed(chat, env, text, step=answering):
            return
        await self._not_understood(chat, env)

    async def _cancel(self, chat: WhatsAppChat, env: WhatsAppContext) -> None:
        if env.person_of(chat.account) is None:
            if await registration.on_cancel(chat, env):
                return
        elif await rsvp.on_stop(chat, env):
            return
        await chat.say(t(chat.language, "cancel.nothing"))

    async def _not_understood(self, chat: WhatsAppChat, env: WhatsAppContext) -> None:
        """A sticker, voice note, location or text nobody expects: the same help as Telegram."""
        if env.person_of(chat.account) is None:
            await registration.on_start(chat, env)
            return
        await chat.say(t(chat.language, "fallback.unknown"))
