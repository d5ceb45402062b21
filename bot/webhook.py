"""The webhook endpoint: check the secret, store the update in the inbox, and only then say 200.

python-telegram-bot's own webhook server (tornado) puts an update in memory and answers 200
before anything is written, and compares the secret with ``!=``. This one is a small aiohttp
application (aiohttp is already what the bot's HTTP runs on), so the write comes first and the
same server can later carry the WhatsApp webhook and the console.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.inbox import Inbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's largest update (a message with a long caption and entities) is far below this.
MAX_BODY_BYTES = 1024 * 1024


class TelegramWebhook:
    def __init__(self, inbox: Inbox, *, secret: str) -> None:
        self.inbox = inbox
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant time: the answer must not tell a guesser how much of the secret was right.
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook: refused a request without the right secret token")
            return web.Response(status=403, text="Forbidden")
        raw = await request.text()
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return web.Response(status=400, text="expected a JSON object")
        try:
            await self.inbox.receive_payload(data, raw)
        except Exception:  # not stored: a non-2xx makes Telegram send it again later
            log.exception("webhook: could not store update %s", data.get("update_id"))
            return web.Response(status=500, text="not stored, send it again")
        return web.Response(status=200, text="ok")
