"""The WhatsApp side of the ``Chat`` port, and the direct ``Messenger``.

A neutral message (catalogue HTML, rows of ``Button``s) becomes what WhatsApp can show
(``whatsapp.layout``): text, up to three reply buttons, or a list; a button's id is our
callback data, so a press comes back to the same step as on Telegram. WhatsApp cannot edit or
remove buttons once sent, so ``buttons_used`` does nothing and a second press is answered by
the step itself ("sudah dijawab / kedaluwarsa").
"""

from __future__ import annotations

from datetime import timedelta

from pywa_async import WhatsApp
from pywa_async.types import Button, Section, SectionList, SectionRow

from handlers.deps import Deps, commit_current_unit
from handlers.i18n import t, t_plain
from handlers.port import Keyboard
from models import inbox, people
from models.accounts import Account
from models.db import unit_of_work
from models.messages import Rendered
from scheduler.ports import Recipient, Sender
from whatsapp.layout import ButtonsOut, ListOut, TextOut, layout
from whatsapp.markup import to_whatsapp

DIRECT_MARGIN = timedelta(hours=1)


def address_of(account: Account) -> str:
    """Where to send: the number, or the user id for someone Meta names only by it."""
    return account.key or account.user_id or ""


async def send_neutral(
    client: WhatsApp, to: str, text: str, buttons: Keyboard = (), *, lang: str = "id"
) -> str:
    """Send catalogue HTML with buttons as one or more WhatsApp messages; the last one's id."""
    commit_current_unit()  # what the update did so far is stored before anything goes out
    sent_id = ""
    continued = t_plain(lang, "wa.continued", index="{index}", total="{total}")
    for part in layout(text, buttons, list_button=t(lang, "wa.list_button"), continued=continued):
        if isinstance(part, TextOut):
            sent = await client.send_message(to=to, text=part.body)
        elif isinstance(part, ButtonsOut):
            sent = await client.send_message(
                to=to,
                text=part.body,
                buttons=[Button(title=title, callback_data=id_) for id_, title in part.buttons],
            )
        else:
            assert isinstance(part, ListOut)
            rows = [
                SectionRow(title=row.title, callback_data=row.id, description=row.description)
                for row in part.rows
            ]
            sent = await client.send_message(
                to=to,
                text=part.body,
                buttons=SectionList(
                    button_title=part.button, sections=[Section(title=part.button, rows=rows)]
                ),
            )
        sent_id = sent.id
    return sent_id


class WhatsAppChat:
    def __init__(self, client: WhatsApp, account: Account, language: str | None = None) -> None:
        self.client = client
        self._account = account
        self.language = language or "id"

    @property
    def account(self) -> Account:
        return self._account

    @property
    def language_hint(self) -> str | None:
        return None  # WhatsApp does not tell the app's language: Indonesian first

    async def say(self, text: str, buttons: Keyboard | None = None) -> None:
        await send_neutral(
            self.client, address_of(self._account), text, buttons or (), lang=self.language
        )

    async def ack(self, text: str | None = None, *, alert: bool = False) -> None:
        if text:
            commit_current_unit()
            await self.client.send_message(to=address_of(self._account), text=to_whatsapp(text))

    async def replace(self, text: str, buttons: Keyboard | None = None) -> None:
        await self.say(text, buttons)  # no editing on WhatsApp: the new state as a new message

    async def show_buttons(self, buttons: Keyboard) -> None:
        return None  # no editing on WhatsApp: the step's reply says what was chosen

    async def buttons_used(self) -> None:
        return None


class WhatsAppMessenger:
    """``Messenger`` on WhatsApp: one direct message to a number, as an ordinary message inside
    the 24-hour window and as the general template outside it (Meta would drop it otherwise)."""

    def __init__(self, client: WhatsApp, deps: Deps, outside_window: Sender) -> None:
        self.client = client
        self.deps = deps
        self.outside_window = outside_window

    async def send(self, account: Account, text: str, buttons: Keyboard = ()) -> None:
        commit_current_unit()  # what the update did is stored before anything goes out
        now = self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            person = people.by_account(session, account)
            # Their last message: on the person, or (written before they were on the roster,
            # like a registration request) only in the inbox.
            times = [
                person.whatsapp_last_inbound_at if person is not None else None,
                inbox.last_received(session, f"wa:{address_of(account)}"),
            ]
            last = max((time for time in times if time is not None), default=None)
            lang = person.language if person is not None else "id"
        # A margin: a direct message has no template to fall back on if Meta says 131047.
        if last is not None and now - last < people.WHATSAPP_WINDOW - DIRECT_MARGIN:
            await send_neutral(self.client, address_of(account), text, buttons, lang=lang)
            return
        rows = tuple(tuple(row) for row in buttons)
        recipient = Recipient("whatsapp", address_of(account), window_open=False, language=lang)
        await self.outside_window.send(recipient, Rendered(text, rows))
