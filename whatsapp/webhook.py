"""The Cloud API webhook: the verification handshake, the signature, then the inbox.

Meta signs every POST with the app secret (``X-Hub-Signature-256``); the signature is checked
on the raw bytes, in constant time, before anything is read or stored: a forged or unsigned
body is refused and changes nothing. Messages are stored in the durable inbox before the 200
(Meta re-delivers what did not get a 2xx, for days; the message id makes that harmless);
delivery statuses update the outbox right away.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from whatsapp.inbound import BadEnvelope, InboundMessage, Status, parse_envelope

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 3 * 1024 * 1024  # envelopes are small; media comes by id, not in the body


def signature_of(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class WhatsAppWebhook:
    def __init__(
        self,
        *,
        verify_token: str,
        app_secret: str,
        store: Callable[[list[InboundMessage]], Awaitable[None]],
        statuses: Callable[[list[Status]], Awaitable[None]],
    ) -> None:
        self._verify_token = verify_token.encode()
        self._app_secret = app_secret
        self._store = store
        self._statuses = statuses

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo the challenge when the token is ours."""
        mode = request.query.get("hub.mode", "")
        token = request.query.get("hub.verify_token", "").encode()
        challenge = request.query.get("hub.challenge", "")
        if mode == "subscribe" and hmac.compare_digest(token, self._verify_token) and challenge:
            return web.Response(status=200, text=challenge)
        log.warning("whatsapp webhook: refused a verification with the wrong token")
        return web.Response(status=403, text="Forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given:
            log.warning("whatsapp webhook: refused a POST without a signature")
            return web.Response(status=401, text="signature required")
        expected = signature_of(raw, self._app_secret)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("whatsapp webhook: refused a POST with a wrong signature")
            return web.Response(status=403, text="Forbidden")
        try:
            messages, statuses = parse_envelope(raw)
        except BadEnvelope as exc:
            log.warning("whatsapp webhook: not an envelope (%s): %.200r", exc, raw)
            return web.Response(status=400, text=f"bad envelope: {exc}")
        try:
            if messages:
                await self._store(messages)
            if statuses:
                await self._statuses(statuses)
        except Exception:  # not stored: a non-2xx makes Meta send it again later
            log.exception("whatsapp webhook: could not store an envelope")
            return web.Response(status=500, text="not stored, send it again")
        return web.Response(status=200, text="ok")

    def add_routes(self, app: web.Application, path: str) -> None:
        route = "/" + path.strip("/")
        app.router.add_get(route, self.verify)
        app.router.add_post(route, self.receive)
