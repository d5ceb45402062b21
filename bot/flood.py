"""Replies survive a 429; the outbox's sends report it instead.

A person who taps quickly can exceed Telegram's ~1 message/second per chat; their reply should
then arrive a second later, not be lost. The outbox's sends are paced and paused by the
dispatcher itself, so they pass ``rate_limit_args=OUTBOX`` and get the 429 back at once.
(python-telegram-bot's AIORateLimiter cannot turn retries off per call, and lifts its pause
early when another request ends, so this small limiter does only what we need.)
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from handlers.deps import commit_current_unit

log = logging.getLogger(__name__)

OUTBOX = "outbox"
JSON = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


# The calls Telegram counts against a bot's ~30 messages a second.
_MESSAGE_CALL = re.compile(r"^(send|copy|forward|edit)[A-Z]")


class RetryRepliesOnFlood(BaseRateLimiter[str]):
    def __init__(self, attempts: int = 3) -> None:
        self.attempts = attempts
        # The delivery engine's pacer (bot/app.py): every message sent outside the engine (a
        # reply, a button's message edited) takes a place in its window, so the engine's
        # sends and the replies together stay under Telegram's cap.
        self.count_reply: Callable[[], None] | None = None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> JSON:
        # Every Bot API call of a handler passes here: what the update changed is stored first.
        commit_current_unit()
        attempts = 1 if rate_limit_args == OUTBOX else self.attempts
        if attempts > 1 and self.count_reply is not None and _MESSAGE_CALL.match(endpoint):
            self.count_reply()
        for attempt in range(1, attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == attempts:
                    raise
                wait = retry_seconds(error)
                log.info("%s to %s throttled; again in %.0f s", endpoint, data.get("chat_id"), wait)
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover
