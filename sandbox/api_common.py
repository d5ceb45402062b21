"""Plumbing shared by the Bot API method implementations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sandbox.errors import bad_request, forbidden, too_many_requests
from sandbox.world import BotState, Chat, World


@dataclass
class Ctx:
    world: World
    bot: BotState
    method: str
    params: dict[str, Any]


Handler = Callable[[Ctx], Awaitable[Any]]


def registry() -> tuple[dict[str, Handler], Callable[[str], Callable[[Handler], Handler]]]:
    """A per-module table of handlers keyed by lower-case method name."""
    table: dict[str, Handler] = {}

    def register(name: str) -> Callable[[Handler], Handler]:
        def decorate(fn: Handler) -> Handler:
            table[name.lower()] = fn
            return fn

        return decorate

    return table, register


def find_chat(ctx: Ctx, key: str = "chat_id") -> Chat:
    """The private chat named by chat_id; Telegram cannot resolve users by @username."""
    chat_id = ctx.params.get(key)
    if not isinstance(chat_id, int):
        raise bad_request("chat not found")
    user = ctx.world.users.get(chat_id)
    if user is None:
        raise bad_request("chat not found")
    return ctx.bot.chat(user)


def target_chat(ctx: Ctx) -> Chat:
    """A chat the bot may write to right now, or Telegram's 403."""
    chat = find_chat(ctx)
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    if not chat.started:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def check_flood(ctx: Ctx, chat: Chat) -> None:
    retry = ctx.bot.limiter.retry_after(chat.id)
    if retry is not None:
        raise too_many_requests(retry)


def count_flood(ctx: Ctx, chat: Chat) -> None:
    ctx.bot.limiter.record(chat.id)
