"""The simulated Telegram: bots, users, private chats, update queues, callback queries.

Everything here is plain in-memory state mutated from one event loop; the HTTP layer
(server.py) and the user-playing API (users.py) are two views of the same world.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.errors import SandboxBug
from sandbox.faults import Faults
from sandbox.files import FileStore
from sandbox.ratelimit import RateLimiter
from sandbox.records import (
    ApiCall,
    CallbackAnswer,
    ChatMessage,
    UserProfile,
    WebhookConfig,
)
from sandbox.schema import Schema

log = logging.getLogger("sandbox")

UPDATE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# What Telegram delivers when allowed_updates was never set or set to [].
DEFAULT_UPDATES = frozenset(UPDATE_KINDS) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


class Waiters:
    """Wake-everyone-on-change; cheaper and simpler than Conditions for long polls."""

    def __init__(self) -> None:
        self._futures: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for fut in self._futures:
            if not fut.done():
                fut.set_result(None)
        self._futures.clear()

    async def wait(self, timeout: float) -> bool:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._futures.add(fut)
        try:
            done, _ = await asyncio.wait({fut}, timeout=max(timeout, 0.0))
            return bool(done)
        finally:
            self._futures.discard(fut)
            if not fut.done():
                fut.cancel()


T = TypeVar("T")


async def wait_until(
    waiters: Waiters,
    messages: Callable[[], list[T]],
    predicate: Callable[[list[T]], object],
    timeout: float,
    describe: Callable[[], str],
) -> list[T]:
    """A user driver's wait: the chat's messages as soon as ``predicate`` holds, woken by the
    chat's changes (never a fixed sleep); TimeoutError with ``describe()`` otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        current = messages()
        if predicate(current):
            return current
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(describe())
        await waiters.wait(remaining)


@dataclass
class PendingCallback:
    id: str
    chat: Chat
    message_id: int
    data: str
    created: float
    future: asyncio.Future[CallbackAnswer]


class Chat:
    """The private chat between one bot and one user."""

    def __init__(self, bot: BotState, user: UserProfile) -> None:
        self.bot = bot
        self.user = user
        self.messages: list[ChatMessage] = []
        self.bot_messages: list[ChatMessage] = []
        self.by_id: dict[int, ChatMessage] = {}
        self._ids = itertools.count(1)
        self.reply_keyboard: dict[str, Any] | None = None
        self.started = False
        self.blocked = False
        self.version = 0
        self.waiters = Waiters()
        self.chat_instance = str(random.randint(10**17, 9 * 10**18))
        self.last_action: str | None = None
        self.answers: list[CallbackAnswer] = []

    @property
    def id(self) -> int:
        return self.user.id

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, message: ChatMessage) -> None:
        self.messages.append(message)
        if message.from_bot:
            self.bot_messages.append(message)
        self.by_id[message.message_id] = message
        self.changed()

    def changed(self) -> None:
        self.version += 1
        self.waiters.notify()


class BotState:
    def __init__(self, token: str, username: str, first_name: str, world: World) -> None:
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.world = world
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 100_000_001
        self.update_waiters = Waiters()
        self.poll_generation = 0
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callbacks: dict[str, PendingCallback] = {}
        self.chats: dict[int, Chat] = {}
        self.limiter = RateLimiter(world.rate_limit, world.per_chat_rate, world.per_chat_burst)

    def as_user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def chat(self, user: UserProfile) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(self, user)
        return chat

    def set_allowed_updates(self, kinds: list[str]) -> None:
        self.allowed_updates = frozenset(kinds) if kinds else DEFAULT_UPDATES

    def confirm(self, offset: int | None) -> None:
        """Apply getUpdates' offset: confirm earlier updates, or keep only the last -offset."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def __repr__(self) -> str:
        return f"<SandboxBot @{self.username} id={self.id}>"


class World:
    def __init__(
        self,
        *,
        rate_limit: int | None,
        per_chat_rate: float | None,
        per_chat_burst: int,
        strict: bool,
        callback_timeout: float,
        clock: Callable[[], float],
        schema: Schema | None = None,
    ) -> None:
        self.rate_limit = rate_limit
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.strict = strict
        self.callback_timeout = callback_timeout
        self.clock = clock
        self.schema = schema or Schema.default()
        self.files = FileStore()
        self.faults = Faults()
        self.bots: dict[str, BotState] = {}
        self.users: dict[int, UserProfile] = {}
        self.users_version = 0
        self.user_waiters = Waiters()
        self.calls: list[ApiCall] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.update_log: list[dict[str, Any]] = []
        self.closing = asyncio.Event()
        self.webhook_changed: Callable[[BotState], None] = lambda bot: None
        self._query_ids = itertools.count(random.randint(10**15, 10**16))

    def now(self) -> int:
        return int(self.clock())

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("sandbox: %s", message)

    def validate(self, type_name: str, obj: Any) -> None:
        """In strict mode, refuse to emit anything Telegram would not send."""
        if not self.strict:
            return
        problems = self.schema.check_object(type_name, obj)
        if problems:
            message = f"sandbox emitted an invalid {type_name}: " + "; ".join(problems)
            self.errors.append(message)
            log.error("%s", message)
            raise SandboxBug(message)

    async def sleep(self, seconds: float) -> None:
        """Sleep that ends early when the sandbox stops, so shutdown never hangs."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closing.wait(), seconds)

    # ------------------------------------------------------------------ updates
    def push_update(self, bot: BotState, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        # A snapshot: later edits must not rewrite an update already queued.
        update = {"update_id": bot.next_update_id, kind: copy.deepcopy(payload)}
        bot.next_update_id += 1
        self.validate("Update", update)
        self.update_log.append(update)
        if kind in bot.allowed_updates:
            bot.updates.append(update)
            bot.update_waiters.notify()
        return update

    # ------------------------------------------------------------------ messages
    def new_message(
        self,
        chat: Chat,
        *,
        from_bot: bool,
        fields: dict[str, Any],
        markup: dict[str, Any] | None = None,
        reply_to: ChatMessage | None = None,
    ) -> ChatMessage:
        message_id = chat.next_id()
        sender = chat.bot.as_user() if from_bot else chat.user.as_user()
        data: dict[str, Any] = {
            "message_id": message_id,
            "from": sender,
            "chat": chat.user.as_chat(),
            "date": self.now(),
        }
        if reply_to is not None:
            quoted = copy.deepcopy(reply_to.data)
            quoted.pop("reply_to_message", None)
            data["reply_to_message"] = quoted
        data.update(fields)
        if markup is not None and markup.get("inline_keyboard"):
            data["reply_markup"] = markup
        self.validate("Message", data)
        message = ChatMessage(message_id, from_bot, data, markup)
        if from_bot and markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.add(message)
        return message

    def new_callback(self, chat: Chat, message: ChatMessage, data: str) -> PendingCallback:
        query_id = str(next(self._query_ids))
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        pending = PendingCallback(
            query_id, chat, message.message_id, data, asyncio.get_running_loop().time(), future
        )
        chat.bot.callbacks[query_id] = pending
        return pending

    # ------------------------------------------------------------------ users
    def add_user(self, profile: UserProfile) -> None:
        self.users[profile.id] = profile
        self.users_changed()

    def users_changed(self) -> None:
        """A person joined (on Telegram or WhatsApp): wake the page's long poll of the list."""
        self.users_version += 1
        self.user_waiters.notify()
