"""WhatsApp wired into the application: client, router, outbox sender, statuses and webhook.

Built only when the settings name a WhatsApp number; then the same inbox, delivery engine and
HTTP server carry it beside Telegram. The webhook is served on ``--listen``/``--port`` at the
path of ``POKJANAL_WHATSAPP_WEBHOOK_URL``, also while Telegram uses polling.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from pywa_async import WhatsApp
from sqlalchemy.engine import Engine

from bot.inbox import Inbox
from bot.settings import Settings
from handlers.deps import Deps
from models import inbox
from models.accounts import Channel
from models.clock import Clock
from models.db import unit_of_work
from models.outbox import DeliveryStatus, record_statuses
from whatsapp.chat import WhatsAppMessenger
from whatsapp.client import close_client, make_client
from whatsapp.inbound import InboundMessage, Status
from whatsapp.router import WhatsAppRouter
from whatsapp.sender import WhatsAppSender
from whatsapp.templates import TemplateBook
from whatsapp.webhook import WhatsAppWebhook

log = logging.getLogger(__name__)
WHATSAPP = Channel.WHATSAPP.value


def chat_key_of(message: InboundMessage) -> str:
    """A WhatsApp chat's lane in the inbox (and what erasure forgets): the number, or the user
    id for someone Meta names only by it."""
    return f"wa:{message.wa_id or message.user_id}"


def template_book(settings: Settings) -> TemplateBook:
    return TemplateBook(
        invitation_name=settings.whatsapp_template_invitation,
        message_name=settings.whatsapp_template_message,
        languages=tuple(settings.template_languages),
    )


@dataclass
class WhatsAppChannel:
    client: WhatsApp
    router: WhatsAppRouter
    sender: WhatsAppSender
    webhook: WhatsAppWebhook | None
    webhook_path: str

    async def close(self) -> None:
        await close_client(self.client)


def build_whatsapp(
    settings: Settings,
    *,
    engine: Engine,
    clock: Clock,
    deps: Deps,
    inbox_: Inbox,
    wake_delivery: object,
) -> WhatsAppChannel:
    phone_id, token = settings.whatsapp_credentials()
    client = make_client(phone_id=phone_id, token=token, api_url=settings.whatsapp_api_url)
    router = WhatsAppRouter(client, deps)
    inbox_.channel_handlers[WHATSAPP] = router.handle
    sender = WhatsAppSender(client, templates=template_book(settings), body_name=settings.body_name)
    deps.messengers[WHATSAPP] = WhatsAppMessenger(client, deps, sender)
    webhook: WhatsAppWebhook | None = None
    path = ""
    if settings.whatsapp_webhook_url:
        path, verify, secret = settings.whatsapp_webhook()

        async def store(messages: list[InboundMessage]) -> None:
            await inbox_.receive_items(
                [
                    inbox.Incoming(WHATSAPP, m.wamid, chat_key_of(m), m.timestamp, m.to_json())
                    for m in messages
                ]
            )

        async def statuses(found: list[Status]) -> None:
            now = clock.now()
            for status in found:
                if status.status == "failed":  # the operator's clue (a template not approved…)
                    log.warning(
                        "whatsapp: message %s failed: %s %s",
                        status.wamid,
                        status.error_code,
                        status.error_title,
                    )
            with unit_of_work(engine) as session:
                changed = record_statuses(
                    session,
                    [
                        DeliveryStatus(
                            s.wamid,
                            s.status,
                            datetime.fromtimestamp(s.timestamp, UTC) if s.timestamp else now,
                            s.error_code,
                            s.error_title,
                        )
                        for s in found
                    ],
                    now=now,
                )
            if changed and callable(wake_delivery):
                wake_delivery()

        webhook = WhatsAppWebhook(
            verify_token=verify, app_secret=secret, store=store, statuses=statuses
        )
    return WhatsAppChannel(client, router, sender, webhook, path)


def add_whatsapp_routes(app: web.Application, channel: WhatsAppChannel) -> None:
    if channel.webhook is not None:
        channel.webhook.add_routes(app, channel.webhook_path)
