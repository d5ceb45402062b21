"""The sandbox's WhatsApp Cloud API: Meta's Graph API routes, signed webhooks, people to play.

Like the Telegram side it imports nothing of the bot and no client library (not pywa): it
speaks the wire protocol, and the real client is tested against it unchanged.
"""

from sandbox.whatsapp.api import GraphApi, add_whatsapp_routes
from sandbox.whatsapp.errors import GraphError
from sandbox.whatsapp.faults import WhatsAppFaults
from sandbox.whatsapp.markup import strip_markup
from sandbox.whatsapp.media import make_jpeg, make_webp
from sandbox.whatsapp.records import (
    Envelope,
    ListRow,
    TemplateInfo,
    WebhookFailure,
    WhatsAppCall,
    WhatsAppMessage,
)
from sandbox.whatsapp.state import WhatsAppNumber, WhatsAppProfile, WhatsAppWorld
from sandbox.whatsapp.templates import ApprovedTemplate
from sandbox.whatsapp.users import WhatsAppUser
from sandbox.whatsapp.webhook import SIGNATURE_HEADER, encode, sign
from sandbox.whatsapp.webhook_schema import check_envelope

__all__ = [
    "SIGNATURE_HEADER",
    "ApprovedTemplate",
    "Envelope",
    "GraphApi",
    "GraphError",
    "ListRow",
    "TemplateInfo",
    "WebhookFailure",
    "WhatsAppCall",
    "WhatsAppFaults",
    "WhatsAppMessage",
    "WhatsAppNumber",
    "WhatsAppProfile",
    "WhatsAppUser",
    "WhatsAppWorld",
    "add_whatsapp_routes",
    "check_envelope",
    "encode",
    "make_jpeg",
    "make_webp",
    "sign",
    "strip_markup",
]
