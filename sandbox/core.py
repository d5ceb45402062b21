"""`Sandbox`: one object to start the fake Telegram, register bots and play users."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.errors import SandboxUsageError
from sandbox.faults import Faults
from sandbox.records import ApiCall, UserProfile
from sandbox.schema import Schema
from sandbox.server import make_app
from sandbox.users import SandboxUser
from sandbox.webhook import WebhookDelivery
from sandbox.webpage import add_web_routes
from sandbox.world import BotState, World

_TOKEN = re.compile(r"\d{1,15}:[A-Za-z0-9_-]{1,64}")
# Real user ids passed 2**32 long ago; starting above it catches int32 columns early.
FIRST_USER_ID = 7_000_000_001


class Sandbox:
    """A local Bot API server plus the people who talk to the bot.

    rate_limit: send/edit calls per second across all chats (None: unlimited);
    per_chat_rate / per_chat_burst: token bucket per chat, by default 1 message/s sustained
    after a burst of 10 (rate None: unlimited); flood-limited calls answer 429;
    strict: validate every emitted object against the Bot API schema;
    callback_timeout: seconds after which answerCallbackQuery reports "query is too old".
    """

    def __init__(
        self,
        *,
        rate_limit: int | None = 30,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 10,
        strict: bool = True,
        callback_timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
        schema: Schema | None = None,
    ) -> None:
        self.world = World(
            rate_limit=rate_limit,
            per_chat_rate=per_chat_rate,
            per_chat_burst=per_chat_burst,
            strict=strict,
            callback_timeout=callback_timeout,
            clock=clock,
            schema=schema,
        )
        self._users: dict[int, SandboxUser] = {}
        self._ids = itertools.count(FIRST_USER_ID)
        self._default_bot: BotState | None = None
        self._runner: web.AppRunner | None = None
        self._webhooks = WebhookDelivery(self.world)
        self.world.webhook_changed = self._webhooks.changed
        self.host = "127.0.0.1"
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise SandboxUsageError("sandbox already started")
        self.world.closing.clear()
        app = make_app(self.world)
        add_web_routes(app, self)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving; wakes long polls first so clients and the server exit at once."""
        self.world.closing.set()
        for bot in self.world.bots.values():
            bot.update_waiters.notify()
            for chat in bot.chats.values():
                chat.waiters.notify()
        self.world.user_waiters.notify()
        await self._webhooks.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await asyncio.sleep(0)
            await runner.cleanup()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.base_url}/file/bot"

    # ------------------------------------------------------------------ bots
    def create_bot(
        self,
        token: str = "123456:TEST",
        username: str = "pokjanal_bot",
        first_name: str = "Pokjanal Bot",
    ) -> BotState:
        if not _TOKEN.fullmatch(token):
            raise SandboxUsageError(f"{token!r} does not look like a bot token (123456:ABC-def)")
        if token in self.world.bots:
            raise SandboxUsageError(f"a bot with token {token!r} exists already")
        if not username.lower().endswith("bot"):
            raise SandboxUsageError("bot usernames must end in 'bot', as on Telegram")
        bot = BotState(token, username, first_name, self.world)
        self.world.bots[token] = bot
        if self._default_bot is None:
            self._default_bot = bot
        return bot

    @property
    def bot(self) -> BotState:
        """The bot users talk to: the first one created."""
        if self._default_bot is None:
            raise SandboxUsageError("create_bot() first: users need a bot to talk to")
        return self._default_bot

    @property
    def bots(self) -> list[BotState]:
        return list(self.world.bots.values())

    # ------------------------------------------------------------------ users
    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        phone: str | None = None,
        language_code: str | None = "id",
        username: str | None = None,
        label: str | None = None,
    ) -> SandboxUser:
        if not first_name.strip():
            raise SandboxUsageError("Telegram users always have a first name")
        user_id = next(self._ids)
        while any(bot.id == user_id for bot in self.world.bots.values()):
            user_id = next(self._ids)  # a user sharing a bot's id would confuse everyone
        profile = UserProfile(
            user_id,
            first_name,
            last_name or None,
            username or None,
            phone or None,
            language_code or None,
            label or None,
        )
        self.world.add_user(profile)
        user = SandboxUser(self.world, profile, lambda: self.bot)
        self._users[profile.id] = user
        return user

    @property
    def users(self) -> list[SandboxUser]:
        return list(self._users.values())

    def user(self, user_id: int) -> SandboxUser:
        try:
            return self._users[user_id]
        except KeyError:
            raise SandboxUsageError(f"no sandbox user with id {user_id}") from None

    def user_by_phone(self, phone: str) -> SandboxUser | None:
        """Match on digits, ignoring '+', spaces and a leading 0 versus the 62 prefix."""
        wanted = _phone_key(phone)
        for user in self._users.values():
            if user.phone and _phone_key(user.phone) == wanted:
                return user
        return None

    # ------------------------------------------------------------------ records
    @property
    def calls(self) -> list[ApiCall]:
        return self.world.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.world.calls if c.method.lower() == method.lower()]

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update created for any bot, delivered or not, in order."""
        return self.world.update_log

    @property
    def warnings(self) -> list[str]:
        return self.world.warnings

    @property
    def errors(self) -> list[str]:
        """Schema violations the sandbox caught in its own output; should stay empty."""
        return self.world.errors

    @property
    def faults(self) -> Faults:
        return self.world.faults


def _phone_key(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits
