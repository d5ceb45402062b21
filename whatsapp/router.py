"""Where a WhatsApp message goes: the same steps as on Telegram, chosen by what was sent.

Commands are words sent on their own (WhatsApp has no bot commands): DAFTAR or /start,
UNDANGAN, TINDAKLANJUT, PROFIL, DATAKU, HAPUSDATA, BATAL, BANTUAN. A button's or list row's id
(or a template's quick-reply payload) is our callback data, decoded by the same codec as
Telegram's. Typed text and files go to the person's one conversation in progress, as on
Telegram. Nobody is asked anything before consenting: the first message of an unknown number
gets the privacy notice.

The secretariat's own conversations (new meetings, broadcasts, new actions) stay on Telegram
and the console; on WhatsApp a person registers, answers, reports and uses their rights.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import WhatsAppError

from handlers import (
    action_report,
    callbacks,
    checkin,
    console_link,
    profile,
    registration,
    rsvp,
    sheet_upload,
)
from handlers.deps import Deps
from handlers.i18n import t, t_plain
from handlers.port import Chat, Env, FileFailed, FileTooBig, IncomingFile
from models import people
from models.accounts import Account
from models.conversations import Active, Conversation, active
from models.rsvp import parse_typed as rsvp_typed
from whatsapp.chat import WhatsAppChat
from whatsapp.context import WhatsAppContext
from whatsapp.inbound import Reading, read

log = logging.getLogger(__name__)

START_WORDS = frozenset({"daftar", "/start", "start", "mulai"})
CANCEL_WORDS = frozenset({"batal", "/batal"})
CHECKIN_WORDS = frozenset({"hadir", "/hadir"})
HELP_WORDS = frozenset({"bantuan", "/bantuan", "help", "/help", "menu"})
# A registered person's words, each the same step as the Telegram command of that name.
COMMANDS: dict[str, Callable[[Chat, Env], Awaitable[object]]] = {
    word: step
    for names, step in (
        (("undangan",), rsvp.on_my_invitations),
        (("tindaklanjut", "rtl"), action_report.on_tindaklanjut),
        (("profil",), profile.on_profile),
        (("dataku",), profile.on_my_data),
        (("hapusdata",), profile.on_erase_request),
        (("konsol",), console_link.on_konsol),
    )
    for name in names
    for word in (name, f"/{name}")
}
REPLIES: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.Consent,
    callbacks.RsvpButton,
    callbacks.LanguageChoice,
    callbacks.EraseAnswer,
    callbacks.SheetSave,
    *action_report.BUTTONS,
)


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
            # The window runs from when she wrote, not from when we got to it (a restart, or
            # Meta re-delivering late, may come hours after).
            now = self.deps.clock.now()
            sent = stored["message"].get("timestamp")
            wrote = min(now, datetime.fromtimestamp(int(sent), UTC)) if str(sent).isdigit() else now
            if people.whatsapp_touch_due(person, wrote):
                with env.uow() as session:
                    fresh = session.merge(person)
                    people.wrote_on_whatsapp(session, fresh, now=wrote)
        chat = WhatsAppChat(self.client, account, person.language if person else None)
        reading = read(stored["message"])
        if reading.kind == "reply":
            await self._reply(chat, env, reading)
        elif reading.kind == "text":
            await self._text(chat, env, reading.text)
        elif reading.kind == "file":
            await self._file(chat, env, reading)
        else:
            await self._other(chat, env)

    def _active(self, chat: WhatsAppChat, env: WhatsAppContext) -> Active | None:
        who = env.who(chat.account)
        if who.person is None or not who.open:
            return None
        with env.uow() as session:
            return active(session, who.person, now=self.deps.clock.now(), kinds=who.open)

    async def _reply(self, chat: WhatsAppChat, env: WhatsAppContext, reading: Reading) -> None:
        data = callbacks.parse(reading.reply_id, *REPLIES)
        if isinstance(data, callbacks.Consent):
            await registration.on_consent(chat, env, data)
        elif isinstance(data, callbacks.RsvpButton):
            await rsvp.on_button(chat, env, data)
        elif isinstance(data, callbacks.LanguageChoice):
            await profile.on_language(chat, env, data)
        elif isinstance(data, callbacks.EraseAnswer):
            await profile.on_erase(chat, env, data)
        elif isinstance(data, callbacks.SheetSave):
            await sheet_upload.on_save(chat, env, data)
        elif data is not None:
            await action_report.on_button(chat, env, data)
        else:  # not ours, from an older version, or forged: changes nothing
            await chat.ack(t_plain(chat.language, "button.expired"))

    async def _text(self, chat: WhatsAppChat, env: WhatsAppContext, text: str) -> None:
        # A word is a command only on its own: "Laporan SKDN sudah dikirim" is a note.
        word = text.strip().lower() if len(text.split()) == 1 else ""
        person = env.person_of(chat.account)
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
        command = COMMANDS.get(word)
        if command is not None:
            await command(chat, env)
            return
        if word in HELP_WORDS:
            lang = person.language
            await chat.say(t(lang, "wa.help"))
            return
        found = self._active(chat, env)
        kind = found.kind if found is not None else None
        if kind == Conversation.REPORT and await action_report.on_text(chat, env, text):
            return
        if await rsvp.on_typed(chat, env, text, step=kind == Conversation.ANSWER):
            return
        words = text.split()
        if len(words) == 2 and words[0].lower() in CHECKIN_WORDS and rsvp_typed(text) is None:
            await checkin.on_checkin(chat, env, words[1])  # "HADIR K7QX4P" at the hall
            return
        if kind == Conversation.REPORT and await action_report.on_hint(chat, env):
            return
        await chat.say(t(person.language, "wa.unknown"))

    async def _file(self, chat: WhatsAppChat, env: WhatsAppContext, reading: Reading) -> None:
        found = self._active(chat, env)
        if found is not None and found.kind == Conversation.REPORT:
            incoming = self._incoming(reading)
            if await action_report.on_evidence(chat, env, incoming):
                return
            if await action_report.on_file_before_note(chat, env):
                return
        if reading.file_kind == "document" and await sheet_upload.on_file(
            chat, env, self._incoming(reading)
        ):
            return  # an admin's roster or RTL sheet
        await self._not_understood(chat, env)

    def _incoming(self, reading: Reading) -> IncomingFile:
        """A WhatsApp photo or document: media id → URL → bytes, with the token."""
        limit = self.deps.files.max_bytes
        client, media_id = self.client, reading.media_id

        async def download() -> bytes:
            try:
                media = await client.get_media_url(media_id)
                if media.file_size and media.file_size > limit:
                    raise FileTooBig(f"{media.file_size} bytes")
                return await client.get_media_bytes(url=media.url)
            except (WhatsAppError, httpx.HTTPError) as error:
                raise FileFailed(repr(error)) from error

        return IncomingFile(
            kind="photo" if reading.file_kind == "image" else "document",
            unique_id=f"wa:{reading.sha256 or media_id}"[:100],
            size=None,
            name=reading.filename,
            mime=reading.mime or None,
            download=download,
        )

    async def _other(self, chat: WhatsAppChat, env: WhatsAppContext) -> None:
        """A sticker, voice note, location or contact: where evidence is awaited, say what is
        accepted; elsewhere the same help as on Telegram."""
        found = self._active(chat, env)
        reporting = found is not None and found.kind == Conversation.REPORT
        if reporting and await action_report.on_other(chat, env):
            return
        await self._not_understood(chat, env)

    async def _cancel(self, chat: WhatsAppChat, env: WhatsAppContext) -> None:
        if env.person_of(chat.account) is None:
            if await registration.on_cancel(chat, env):
                return
        else:
            found = self._active(chat, env)
            if found is not None and found.kind == Conversation.REPORT:
                if await action_report.on_cancel(chat, env):
                    return
            elif await rsvp.on_stop(chat, env):
                return
        await chat.say(t(chat.language, "cancel.nothing"))

    async def _not_understood(self, chat: WhatsAppChat, env: WhatsAppContext) -> None:
        if env.person_of(chat.account) is None:
            await registration.on_start(chat, env)
            return
        await chat.say(t(chat.language, "wa.unknown"))
