"""Bot API methods about the bot itself: identity, update delivery, commands."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from sandbox.api_common import Ctx, registry
from sandbox.errors import ApiError, bad_request
from sandbox.records import WebhookConfig

HANDLERS, method = registry()

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@method("getMe")
async def get_me(ctx: Ctx) -> dict[str, Any]:
    return {
        **ctx.bot.as_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("logOut")
async def log_out(ctx: Ctx) -> bool:
    return True


@method("close")
async def close(ctx: Ctx) -> bool:
    return True


@method("getUpdates")
async def get_updates(ctx: Ctx) -> list[dict[str, Any]]:
    """Long poll: answer at once when updates are pending, else wait for one or the timeout.

    A newer getUpdates ends an older one with 409, as on Telegram, which is how two
    running instances of the same bot get noticed.
    """
    bot, p = ctx.bot, ctx.params
    if bot.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    limit = min(max(p.get("limit", 100), 1), 100)
    timeout = min(max(p.get("timeout", 0), 0), 50)
    if "allowed_updates" in p:
        bot.set_allowed_updates(p["allowed_updates"])
    offset = p.get("offset")
    bot.confirm(offset)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.update_waiters.notify()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != bot.poll_generation:
            raise ApiError(409, POLL_CONFLICT)
        if bot.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        first = offset if offset is not None and offset > 0 else 0
        pending = [u for u in bot.updates if u["update_id"] >= first][:limit]
        remaining = deadline - loop.time()
        if pending or remaining <= 0 or ctx.world.closing.is_set():
            return pending
        await bot.update_waiters.wait(remaining)


@method("setWebhook")
async def set_webhook(ctx: Ctx) -> bool:
    bot, p = ctx.bot, ctx.params
    url = p["url"]
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    if "allowed_updates" in p:
        bot.set_allowed_updates(p["allowed_updates"])
    if not url:
        bot.webhook = None
    else:
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        bot.webhook = WebhookConfig(url, secret, p.get("max_connections", 40))
    bot.update_waiters.notify()
    ctx.world.webhook_changed(bot)
    return True


@method("deleteWebhook")
async def delete_webhook(ctx: Ctx) -> bool:
    bot = ctx.bot
    if ctx.params.get("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = None
    bot.update_waiters.notify()
    ctx.world.webhook_changed(bot)
    return True


@method("getWebhookInfo")
async def get_webhook_info(ctx: Ctx) -> dict[str, Any]:
    bot = ctx.bot
    hook = bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        info["allowed_updates"] = sorted(bot.allowed_updates)
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message or ""
    return info


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


@method("setMyCommands")
async def set_my_commands(ctx: Ctx) -> bool:
    commands = ctx.params["commands"]
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND.fullmatch(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command["description"]) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _commands_key(ctx.params)
    if commands:
        ctx.bot.commands[key] = [dict(c) for c in commands]
    else:
        ctx.bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(ctx: Ctx) -> list[dict[str, Any]]:
    return list(ctx.bot.commands.get(_commands_key(ctx.params), []))


@method("deleteMyCommands")
async def delete_my_commands(ctx: Ctx) -> bool:
    ctx.bot.commands.pop(_commands_key(ctx.params), None)
    return True
