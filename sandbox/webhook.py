"""Webhook delivery: POST each pending update to the bot's URL, in order, until 2xx.

Like Telegram, a failed delivery is retried (here with a short back-off, since
everything is local) and the last error shows up in getWebhookInfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from sandbox.world import BotState, World

log = logging.getLogger("sandbox")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDelivery:
    def __init__(self, world: World) -> None:
        self.world = world
        self.session: aiohttp.ClientSession | None = None
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def changed(self, bot: BotState) -> None:
        task = self.tasks.get(bot.token)
        if bot.webhook is not None and (task is None or task.done()):
            self.tasks[bot.token] = asyncio.get_running_loop().create_task(
                self._run(bot), name=f"sandbox-webhook-{bot.username}"
            )

    async def _run(self, bot: BotState) -> None:
        backoff = 0.05
        while bot.webhook is not None and not self.world.closing.is_set():
            if not bot.updates:
                await bot.update_waiters.wait(30.0)
                continue
            update = bot.updates[0]
            error = await self._post(bot, update)
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.pop(0)
                backoff = 0.05
                continue
            if bot.webhook is not None:
                bot.webhook.last_error_date = self.world.now()
                bot.webhook.last_error_message = error
            log.warning("sandbox: webhook delivery to %s failed: %s", bot.username, error)
            await self.world.sleep(backoff)
            backoff = min(backoff * 2, 1.0)

    async def _post(self, bot: BotState, update: dict[str, object]) -> str | None:
        hook = bot.webhook
        if hook is None:
            return "webhook removed"
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with self.session.post(hook.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {exc!r}"

    async def close(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        for task in self.tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        if self.session is not None:
            await self.session.close()
            self.session = None
