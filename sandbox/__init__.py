"""A local Telegram-compatible Bot API server with a user-playing API and a web chat page.

Standalone: it imports nothing of the bot.
"""
