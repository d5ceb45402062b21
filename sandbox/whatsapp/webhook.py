"""Webhook delivery as Meta does it: a verified callback, signed bodies, retries.

* `verify_callback` plays the dashboard's check: GET with `hub.mode=subscribe`, the verify
  token and a random challenge; the endpoint must answer 200 with exactly the challenge.
* Bodies are serialised like Meta's (ASCII only, `/` escaped as `\\/`) and signed with
  `X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>`: a bot that re-serialises
  the JSON before checking the signature fails here as it would in production.
* Each person has a lane: envelopes about her go out one at a time, in order; a non-2xx answer
  is retried with a doubling back-off (short, it is all local) and recorded when it gives up.
  Lanes run concurrently, so one slow conversation does not hold up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.errors import SandboxUsageError
from sandbox.whatsapp.ids import new_challenge
from sandbox.whatsapp.records import Envelope, WebhookFailure

log = logging.getLogger("sandbox")
SIGNATURE_HEADER = "X-Hub-Signature-256"
USER_AGENT = "facebookexternalua"


def sign(app_secret: str, body: bytes) -> str:
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(envelope: dict[str, Any]) -> bytes:
    """Meta's byte layout: compact, non-ASCII as \\uXXXX, and slashes escaped."""
    text = json.dumps(envelope, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


@dataclass
class WebhookSettings:
    """Where and how a business number's events are delivered; tests may change it live."""

    app_secret: str
    tries: int = 5
    backoff: float = 0.2
    timeout: float = 10.0
    url: str | None = None
    verify_token: str | None = None


async def verify_callback(
    session: aiohttp.ClientSession, url: str, verify_token: str, *, check_wrong_token: bool
) -> None:
    """The dashboard's verification request; raise SandboxUsageError if the endpoint fails it."""
    challenge = new_challenge()
    status, text = await _get(session, url, verify_token, challenge)
    if status != 200 or text != challenge:
        raise SandboxUsageError(
            f"webhook verification failed: GET {url} answered {status} {text[:200]!r}; "
            f"Meta wants 200 and exactly the challenge {challenge!r}"
        )
    if check_wrong_token:
        other = new_challenge()
        status, text = await _get(session, url, verify_token + "-not-ours", other)
        if status == 200 and text == other:
            raise SandboxUsageError(
                f"webhook endpoint {url} echoed the challenge for a wrong verify token; "
                "it must answer 403 unless hub.verify_token is yours"
            )


async def _get(
    session: aiohttp.ClientSession, url: str, verify_token: str, challenge: str
) -> tuple[int, str]:
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    try:
        async with session.get(
            url, params=params, headers={"User-Agent": USER_AGENT}, timeout=_timeout(10.0)
        ) as response:
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SandboxUsageError(f"webhook verification: cannot reach {url}: {exc!r}") from None


def _timeout(seconds: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=seconds)


class WebhookSender:
    """Delivers one business number's envelopes, per-person lanes, with retries."""

    def __init__(
        self,
        settings: WebhookSettings,
        session: Callable[[], aiohttp.ClientSession],
        closing: asyncio.Event,
        on_failure: Callable[[WebhookFailure], None],
    ) -> None:
        self.settings = settings
        self._session = session
        self._closing = closing
        self._on_failure = on_failure
        self._lanes: dict[str, deque[tuple[Envelope, asyncio.Future[None]]]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def enqueue(self, envelope: Envelope) -> asyncio.Future[None] | None:
        """Queue an envelope; the future completes once it got a 2xx or was given up.

        None when nobody is subscribed: Meta has nowhere to send it, and neither do we.
        """
        if self.settings.url is None or self._closing.is_set():
            return None
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._lanes.setdefault(envelope.lane, deque()).append((envelope, done))
        task = self._tasks.get(envelope.lane)
        if task is None or task.done():
            self._tasks[envelope.lane] = loop.create_task(
                self._run(envelope.lane), name=f"sandbox-whatsapp-webhook-{envelope.lane}"
            )
        return done

    async def _run(self, lane: str) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                envelope, done = queue[0]
                if self.settings.url is not None and not self._closing.is_set():
                    await self._deliver(envelope)
                queue.popleft()
                if not done.done():
                    done.set_result(None)
        finally:
            while queue:  # closing or unsubscribed: release anyone waiting
                _, done = queue.popleft()
                if not done.done():
                    done.set_result(None)

    async def _deliver(self, envelope: Envelope) -> None:
        errors: list[str] = []
        delay = self.settings.backoff
        while self.settings.url is not None and not self._closing.is_set():
            status, error = await self.post(
                envelope.raw, sign(self.settings.app_secret, envelope.raw)
            )
            envelope.attempts += 1
            envelope.statuses.append(status)
            if 200 <= status < 300:
                envelope.delivered = True
                return
            errors.append(error or f"HTTP {status}")
            log.warning(
                "sandbox: WhatsApp webhook attempt %d failed: %s", envelope.attempts, errors[-1]
            )
            if envelope.attempts >= self.settings.tries:
                self._on_failure(WebhookFailure(envelope, errors))
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), delay)
            delay *= 2

    async def post(self, raw: bytes, signature: str | None) -> tuple[int, str | None]:
        """One POST to the subscribed URL: (HTTP status or 0, error text)."""
        url = self.settings.url
        if url is None:
            return 0, "no webhook subscribed"
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        try:
            async with self._session().post(
                url, data=raw, headers=headers, timeout=_timeout(self.settings.timeout)
            ) as response:
                text = await response.text(errors="replace")
                if 200 <= response.status < 300:
                    return response.status, None
                return response.status, f"HTTP {response.status}: {text[:200]}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, f"connection failed: {exc!r}"

    @property
    def busy(self) -> bool:
        return any(not task.done() for task in self._tasks.values())

    async def drain(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            running = [task for task in self._tasks.values() if not task.done()]
            if not running:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                pending = sum(len(q) for q in self._lanes.values())
                raise TimeoutError(f"{pending} WhatsApp webhook(s) still undelivered")
            await asyncio.wait(running, timeout=remaining)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
