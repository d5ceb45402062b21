"""`Sandbox`: one object to start the fake Telegram and WhatsApp, register bots, play people."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.controls import Controls
from sandbox.errors import SandboxUsageError
from sandbox.faults import Faults
from sandbox.records import ApiCall, UserProfile
from sandbox.schema import Schema
from sandbox.server import make_app
from sandbox.users import SandboxUser
from sandbox.webhook import WebhookDelivery
from sandbox.webpage import add_web_routes
from sandbox.whatsapp import (
    WhatsAppCall,
    WhatsAppFaults,
    WhatsAppNumber,
    WhatsAppUser,
    WhatsAppWorld,
    add_whatsapp_routes,
)
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

    WhatsApp (Cloud API under `whatsapp_api_url`): whatsapp_rate messages per second per
    business number (130429 beyond; None: unlimited); whatsapp_pair_rate messages per second
    to one person after a burst of whatsapp_pair_burst (131056; None, the default: off);
    webhook deliveries are tried whatsapp_webhook_tries times, waiting whatsapp_webhook_backoff
    seconds (doubling) between tries, each POST given whatsapp_webhook_timeout seconds.
    `clock` also drives WhatsApp's 24-hour window and timestamps.
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
        whatsapp_rate: int | None = 80,
        whatsapp_pair_rate: float | None = None,
        whatsapp_pair_burst: int = 45,
        whatsapp_webhook_tries: int = 5,
        whatsapp_webhook_backoff: float = 0.2,
        whatsapp_webhook_timeout: float = 10.0,
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
        # The runner's buttons on the chat page (the demo's console link and clock).
        self.controls = Controls()
        self.world.webhook_changed = self._webhooks.changed
        self.whatsapp = WhatsAppWorld(
            self.world,
            rate=whatsapp_rate,
            pair_rate=whatsapp_pair_rate,
            pair_burst=whatsapp_pair_burst,
            webhook_tries=whatsapp_webhook_tries,
            webhook_backoff=whatsapp_webhook_backoff,
            webhook_timeout=whatsapp_webhook_timeout,
        )
        self._whatsapp_users: dict[str, WhatsAppUser] = {}
        self._default_number: WhatsAppNumber | None = None
        self.host = "127.0.0.1"
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise SandboxUsageError("sandbox already started")
        self.world.closing.clear()
        app = make_app(self.world)
        add_web_routes(app, self)
        add_whatsapp_routes(app, self.whatsapp)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = runner.addresses[0][1]
        self.whatsapp.base_url = self.base_url

    async def stop(self) -> None:
        """Stop serving; wakes long polls first so clients and the server exit at once."""
        self.world.closing.set()
        for bot in self.world.bots.values():
            bot.update_waiters.notify()
            for chat in bot.chats.values():
                chat.waiters.notify()
        self.world.user_waiters.notify()
        for number in self.whatsapp.numbers.values():
            for wa_chat in number.chats.values():
                wa_chat.waiters.notify()
        await self._webhooks.close()
        await self.whatsapp.close()
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

    @property
    def whatsapp_api_url(self) -> str:
        """The Graph API root: point pywa's httpx base_url at f"{this}/v{version}"."""
        return f"{self.base_url}/graph"

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

    # ------------------------------------------------------------------ WhatsApp
    def create_whatsapp_number(
        self,
        phone_id: str = "1001",
        display_phone_number: str = "6281100001001",
        token: str = "WA-TOKEN",
        app_secret: str = "APP-SECRET",
        waba_id: str = "2001",
    ) -> WhatsAppNumber:
        """A business phone number on the Cloud API; the first one is the people's default."""
        number = self.whatsapp.add_number(
            phone_id=phone_id,
            display_phone_number=display_phone_number,
            token=token,
            app_secret=app_secret,
            waba_id=waba_id,
        )
        if self._default_number is None:
            self._default_number = number
        return number

    @property
    def whatsapp_number(self) -> WhatsAppNumber:
        """The business people talk to by default: the first number created."""
        if self._default_number is None:
            raise SandboxUsageError("create_whatsapp_number() first: people need a business")
        return self._default_number

    @property
    def whatsapp_numbers(self) -> list[WhatsAppNumber]:
        return list(self.whatsapp.numbers.values())

    def create_whatsapp_user(
        self, name: str, phone: str, user_id: str | None = None, label: str | None = None
    ) -> WhatsAppUser:
        """A person on WhatsApp; wa_id is the phone's digits, user_id her business-scoped id,
        label (as for Telegram people) a note the web page shows next to her name."""
        profile = self.whatsapp.add_person(name, phone, user_id, label)
        user = WhatsAppUser(self.whatsapp, profile, lambda: self.whatsapp_number)
        self._whatsapp_users[profile.wa_id] = user
        self.world.users_changed()
        return user

    def whatsapp_user(self, wa_id: str) -> WhatsAppUser:
        try:
            return self._whatsapp_users[wa_id]
        except KeyError:
            raise SandboxUsageError(f"no WhatsApp user with wa_id {wa_id}") from None

    @property
    def whatsapp_users(self) -> list[WhatsAppUser]:
        return list(self._whatsapp_users.values())

    @property
    def whatsapp_faults(self) -> WhatsAppFaults:
        return self.whatsapp.faults

    @property
    def whatsapp_calls(self) -> list[WhatsAppCall]:
        """Every Graph API request, whichever number (or none) it was for."""
        return self.whatsapp.calls

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
        """Telegram and WhatsApp: unknown fields the bot sent, features not modelled."""
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
