"""A local Telegram-compatible Bot API server with a user-playing API and a web chat page,
and a local WhatsApp Cloud API (sandbox.whatsapp) with signed webhooks and people to play.

Standalone: it imports nothing of the bot, nor python-telegram-bot, nor pywa; it speaks the
wire protocols, so the real client libraries can be tested against it unchanged.
"""

from sandbox.core import Sandbox
from sandbox.errors import ApiError, SandboxBug, SandboxUsageError
from sandbox.files import make_png
from sandbox.html_entities import EntityParseError, parse_html, to_html
from sandbox.markdown_v2 import parse_markdown_v2
from sandbox.records import ApiCall, CallbackAnswer, ChatMessage
from sandbox.schema import Schema, check_object
from sandbox.users import SandboxUser
from sandbox.whatsapp import (
    WhatsAppCall,
    WhatsAppMessage,
    WhatsAppNumber,
    WhatsAppUser,
    check_envelope,
)
from sandbox.world import BotState

SandboxBot = BotState

__all__ = [
    "ApiCall",
    "ApiError",
    "BotState",
    "CallbackAnswer",
    "ChatMessage",
    "EntityParseError",
    "Sandbox",
    "SandboxBot",
    "SandboxBug",
    "SandboxUsageError",
    "SandboxUser",
    "Schema",
    "WhatsAppCall",
    "WhatsAppMessage",
    "WhatsAppNumber",
    "WhatsAppUser",
    "check_envelope",
    "check_object",
    "make_png",
    "parse_html",
    "parse_markdown_v2",
    "to_html",
]
