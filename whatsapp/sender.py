"""The outbox's Sender on WhatsApp: inside the window the message itself, outside it the
template; Meta's error codes mapped to what the delivery engine should do.

Accepted is not delivered on WhatsApp: a message sent into a closed window is accepted and
then fails by a status webhook (131047); ``models.outbox.record_statuses`` puts that row back
in the queue marked for its template, so it is re-sent, never lost.
"""

from __future__ import annotations

import logging

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import WhatsAppError
from pywa_async.types.templates import TemplateLanguage

from handlers.deps import commit_current_unit
from models.messages import Rendered
from scheduler.ports import (
    Recipient,
    Rejected,
    RetryLater,
    SendError,
    TooFast,
    Transient,
    Unreachable,
)
from whatsapp.chat import send_neutral
from whatsapp.templates import TemplateBook, calls_for

log = logging.getLogger(__name__)

UNREACHABLE_CODES = frozenset({131026})  # undeliverable: no WhatsApp, or blocked the business
# Too fast for the number or the account: every send pauses. Too many to one person (131056)
# is that row's problem only: it waits (Meta allows about one message every 6 s per person).
THROTTLE_CODES = {130429: 5.0, 80007: 30.0}
PER_PERSON_SECONDS = {131056: 6.0}
# The business number or the token, not the recipient: every send waits for the operator
# (logged loudly), and no one is marked unreachable for it.
CHANNEL_CODES = {190: 300.0, 131030: 300.0, 131045: 300.0, 131031: 300.0}
TEMPLATE_CODES = frozenset({132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018, 131008})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004})


class WhatsAppSender:
    def __init__(self, client: WhatsApp, *, templates: TemplateBook, body_name: str) -> None:
        self.client = client
        self.templates = templates
        self.body_name = body_name

    async def send(self, recipient: Recipient, message: Rendered) -> str:
        try:
            if recipient.window_open:
                return await send_neutral(
                    self.client,
                    recipient.address,
                    message.text,
                    message.buttons,
                    lang=recipient.language,
                )
            return await self._template(recipient, message)
        except WhatsAppError as error:
            raise self._mapped(error) from error
        except httpx.HTTPError as error:  # timeouts, resets: try again later
            raise Transient(f"whatsapp: {error!r}") from error

    async def _template(self, recipient: Recipient, message: Rendered) -> str:
        calls = calls_for(
            self.templates, message, language=recipient.language, body_name=self.body_name
        )
        commit_current_unit()
        sent_id = ""
        for call in calls:
            try:
                sent = await self.client.send_template(
                    to=recipient.address,
                    name=call.name,
                    language=TemplateLanguage(call.language),
                    params=call.components,
                )
            except WhatsAppError as error:
                if error.code in TEMPLATE_CODES:
                    log.error(
                        "whatsapp refused template %s (%s): %s %s",
                        call.name,
                        call.language,
                        error.code,
                        error.message,
                    )
                    raise Rejected(
                        f"template {call.name}/{call.language}: {error.code} {error.message}"
                    ) from error
                raise
            sent_id = sent.id
        return sent_id

    @staticmethod
    def _mapped(error: WhatsAppError) -> SendError:
        detail = f"whatsapp {error.code}: {error.message}"[:300]
        if error.code in UNREACHABLE_CODES:
            return Unreachable(detail)
        if error.code in THROTTLE_CODES:
            return RetryLater(THROTTLE_CODES[error.code], detail)
        if error.code in PER_PERSON_SECONDS:
            return TooFast(PER_PERSON_SECONDS[error.code], detail)
        status = error.raw_response.status_code if error.raw_response is not None else 0
        if error.code in CHANNEL_CODES or status == 401:
            log.error("whatsapp refuses the bot itself (check the token and number): %s", detail)
            return RetryLater(CHANNEL_CODES.get(error.code, 300.0), detail, throttle=False)
        if error.code in TRANSIENT_CODES or error.is_transient or status >= 500:
            return Transient(detail)
        return Rejected(detail)
