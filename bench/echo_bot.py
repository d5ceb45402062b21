"""A bare python-telegram-bot echo bot, as its own process, for bench.updates to compare with.

Run:  python -m bench.echo_bot <bot api url> <token> [aiohttp]   (stops on SIGINT/SIGTERM)

With ``aiohttp`` it talks through the bot's own request class (bot/http.py) instead of
python-telegram-bot's default httpx, to show what the HTTP client alone is worth.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.http import AiohttpRequest


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None and update.message is not None
    await update.effective_chat.send_message(update.message.text or "?")


def main() -> None:
    api_url, token = sys.argv[1], sys.argv[2]
    builder = ApplicationBuilder().token(token).base_url(api_url)
    if sys.argv[3:] == ["aiohttp"]:
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.run_polling(poll_interval=0, timeout=1)


if __name__ == "__main__":
    main()
