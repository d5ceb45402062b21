"""The simulated WhatsApp: business numbers, people, their conversations, the 24-hour window.

Plain in-memory state mutated from one event loop. The Graph API routes (api.py) and the
person-playing driver (users.py) are two views of it; every event a business must hear about
becomes a webhook envelope here, checked against the sandbox's own schema before it leaves.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.errors import SandboxBug, SandboxUsageError
from sandbox.whatsapp import templates as template_rules
from sandbox.whatsapp.errors import GraphError, bad_param, status_error
from sandbox.whatsapp.faults import WhatsAppFaults
from sandbox.whatsapp.ids import BSUID, new_bsuid, new_conversation_id, new_wamid
from sandbox.whatsapp.media import MediaItem, MediaStore
from sandbox.whatsapp.records import (
    Envelope,
    TemplateInfo,
    WebhookFailure,
    WhatsAppCall,
    WhatsAppMessage,
)
from sandbox.whatsapp.templates import ApprovedTemplate
from sandbox.whatsapp.throughput import Throughput
from sandbox.whatsapp.validate import Outbound, Recipient
from sandbox.whatsapp.webhook import (
    WebhookSender,
    WebhookSettings,
    encode,
    sign,
    verify_callback,
)
from sandbox.whatsapp.webhook_schema import check_envelope
from sandbox.world import Waiters, World

log = logging.getLogger("sandbox")
WINDOW_SECONDS = 24 * 3600.0
_ID = re.compile(r"\d{1,20}")
_PHONE = re.compile(r"\d{5,20}")
_URL = re.compile(r"https?://[^\s/]+(/\S*)?")


@dataclass
class WhatsAppProfile:
    """A person on WhatsApp: the phone number is her wa_id, user_id her business-scoped id."""

    name: str
    phone: str
    wa_id: str
    user_id: str
    online: bool = True
    label: str | None = None  # the page's note on who she is (a Posyandu); WhatsApp never sees it

    def contact(self) -> dict[str, Any]:
        return {"profile": {"name": self.name}, "wa_id": self.wa_id, "user_id": self.user_id}


@dataclass
class _Billing:
    conversation_id: str
    expires: float
    category: str
    billable: bool
    pricing_type: str


class Chat:
    """The conversation between one business number and one person."""

    def __init__(self, number: WhatsAppNumber, profile: WhatsAppProfile) -> None:
        self.number = number
        self.profile = profile
        self.messages: list[WhatsAppMessage] = []  # delivered to her phone, oldest first
        self.pending: list[WhatsAppMessage] = []  # sent while she was offline
        self.undelivered: list[WhatsAppMessage] = []  # failed: she never sees them
        self.inbound: list[dict[str, Any]] = []  # what she sent, as the business got it
        # Both directions in the order they happened (failed and pending sends included):
        # the lists above are per kind, and timestamps (whole seconds) cannot order them.
        self.timeline: list[WhatsAppMessage | dict[str, Any]] = []
        self.last_inbound_at: float | None = None
        self.read_by_business: set[str] = set()
        self.typing_at: float | None = None
        self.conversations: dict[str, tuple[str, float]] = {}  # category -> (id, expiry)
        self.waiters = Waiters()
        self.version = 0

    def window_open(self, now: float) -> bool:
        return self.last_inbound_at is not None and now - self.last_inbound_at < WINDOW_SECONDS

    def changed(self) -> None:
        self.version += 1
        self.waiters.notify()


class WhatsAppNumber:
    """A business phone number on the Cloud API, with its WABA, token, secret and webhook."""

    def __init__(
        self,
        wa: WhatsAppWorld,
        *,
        phone_id: str,
        display_phone_number: str,
        token: str,
        app_secret: str,
        waba_id: str,
    ) -> None:
        self.wa = wa
        self.phone_id = phone_id
        self.display_phone_number = display_phone_number
        self.token = token
        self.waba_id = waba_id
        self.webhook = WebhookSettings(
            app_secret,
            tries=wa.webhook_tries,
            backoff=wa.webhook_backoff,
            timeout=wa.webhook_timeout,
        )
        self.sender = WebhookSender(
            self.webhook, wa.http, wa.world.closing, self.webhook_failures_append
        )
        self.limiter = Throughput(wa.rate, wa.pair_rate, wa.pair_burst)
        self.chats: dict[str, Chat] = {}
        self.sent: dict[str, WhatsAppMessage] = {}
        self.inbound: dict[str, Chat] = {}
        self.envelopes: list[Envelope] = []
        self.calls: list[WhatsAppCall] = []
        self.webhook_failures: list[WebhookFailure] = []
        self.undeliverable: list[WhatsAppMessage] = []  # sent to numbers not on WhatsApp
        # Write-ups of Meta's BSUID changes say failed statuses come without `contacts`;
        # pywa 4.5 needs them to build a MessageStatus. True keeps pywa working; False plays
        # that reported shape.
        self.failed_status_contacts = True
        self._billing: dict[str, _Billing] = {}

    def __repr__(self) -> str:
        return f"<WhatsAppNumber {self.display_phone_number} phone_id={self.phone_id}>"

    @property
    def app_secret(self) -> str:
        return self.webhook.app_secret

    @app_secret.setter
    def app_secret(self, value: str) -> None:
        self.webhook.app_secret = value

    @property
    def subscribed_url(self) -> str | None:
        return self.webhook.url

    def webhook_failures_append(self, failure: WebhookFailure) -> None:
        self.webhook_failures.append(failure)

    # ------------------------------------------------------------------ set-up
    def approve_template(self, definition: dict[str, Any]) -> ApprovedTemplate:
        """Register a template as approved for this number's WABA (Meta's creation JSON)."""
        if not isinstance(definition, dict):
            raise SandboxUsageError("a template definition is a dict in Meta's creation JSON")
        template = template_rules.approve(definition)
        self.wa.templates[(self.waba_id, template.name, template.language)] = template
        return template

    def template(self, name: str, language: str) -> ApprovedTemplate | None:
        return self.wa.templates.get((self.waba_id, name, language))

    async def subscribe(
        self, callback_url: str, verify_token: str, *, check_wrong_token: bool = True
    ) -> None:
        """Set the webhook like Meta's dashboard: verify the endpoint, then deliver to it."""
        if not _URL.fullmatch(callback_url):
            raise SandboxUsageError(f"{callback_url!r} is not an http(s) URL")
        if not verify_token:
            raise SandboxUsageError("Meta requires a verify token")
        await verify_callback(
            self.wa.http(), callback_url, verify_token, check_wrong_token=check_wrong_token
        )
        self.webhook.url = callback_url
        self.webhook.verify_token = verify_token

    def unsubscribe(self) -> None:
        self.webhook.url = None
        self.webhook.verify_token = None

    def sign(self, body: bytes) -> str:
        """The X-Hub-Signature-256 value Meta would send with `body`."""
        return sign(self.app_secret, body)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait until every queued webhook was delivered (or given up after its retries)."""
        await self.sender.drain(timeout)

    async def post_raw(self, body: bytes, signature: str | None) -> int:
        """POST any bytes to the webhook with this signature header (None: no header)."""
        if self.webhook.url is None:
            raise SandboxUsageError("subscribe() first: there is no webhook to post to")
        status, _ = await self.sender.post(body, signature)
        return status

    async def redeliver_last(self) -> int:
        """POST the last envelope again, byte for byte, as Meta's re-deliveries do."""
        if not self.envelopes:
            raise SandboxUsageError("no webhook envelope has been produced yet")
        raw = self.envelopes[-1].raw
        return await self.post_raw(raw, self.sign(raw))

    # ------------------------------------------------------------------ people
    def chat(self, profile: WhatsAppProfile) -> Chat:
        chat = self.chats.get(profile.wa_id)
        if chat is None:
            chat = self.chats[profile.wa_id] = Chat(self, profile)
        return chat

    def window_open(self, wa_id: str) -> bool:
        chat = self.chats.get(wa_id)
        return chat is not None and chat.window_open(self.wa.now())

    # ------------------------------------------------------------------ envelopes
    def _envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.waba_id,
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.display_phone_number,
                                    "phone_number_id": self.phone_id,
                                },
                                **value,
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def emit(
        self, lane: str, body: dict[str, Any], *, check: bool = True
    ) -> asyncio.Future[None] | None:
        """Record an envelope and queue it for the webhook (None: nobody subscribed)."""
        if check:
            self.wa.check("webhook envelope", check_envelope(body))
        envelope = Envelope(body, encode(body), lane, checked=check)
        self.envelopes.append(envelope)
        return self.sender.enqueue(envelope)

    # ------------------------------------------------------------------ inbound
    def receive(
        self, profile: WhatsAppProfile, message: dict[str, Any], *, check: bool = True
    ) -> asyncio.Future[None] | None:
        """A message from a person reaches the business: it opens her 24-hour window."""
        chat = self.chat(profile)
        chat.last_inbound_at = self.wa.now()
        chat.inbound.append(message)
        chat.timeline.append(message)
        if isinstance(message.get("id"), str):
            self.inbound[message["id"]] = chat
        body = self._envelope({"contacts": [profile.contact()], "messages": [message]})
        done = self.emit(profile.wa_id, body, check=check)
        chat.changed()
        return done

    def store_user_media(self, data: bytes, mime_type: str, filename: str | None) -> MediaItem:
        return self.wa.media.add(
            data,
            mime_type,
            waba_id=self.waba_id,
            phone_id=self.phone_id,
            filename=filename,
            now=self.wa.now(),
            from_user=True,
        )

    def mark_read(self, message_id: str, typing: bool) -> None:
        """The business read a person's message (and everything before it)."""
        chat = self.inbound.get(message_id)
        if chat is None:
            raise bad_param(f"Param message_id {message_id!r} is not a message this number got")
        for message in chat.inbound:
            chat.read_by_business.add(message["id"])
            if message["id"] == message_id:
                break
        if typing:
            chat.typing_at = self.wa.now()
        chat.changed()

    # ------------------------------------------------------------------ outbound
    def send(self, recipient: Recipient, out: Outbound) -> dict[str, Any]:
        """Accept a validated message: answer like Meta, then deliver or fail it by status."""
        now = self.wa.now()
        profile = self.wa.person(recipient)
        if recipient.user_id is not None and profile is None:
            raise bad_param(
                f"recipient {recipient.user_id} is not a business-scoped user id of this business"
            )
        wa_id = profile.wa_id if profile is not None else recipient.wa_id
        assert wa_id is not None
        if wa_id == self.display_phone_number:
            raise GraphError(400, 131021, "Recipient cannot be the sender's own number")
        self.limiter.check(wa_id)
        msg = self._record(wa_id, out, now)
        self.limiter.record(wa_id)
        if recipient.wa_id is not None:
            contact = {"input": recipient.input, "wa_id": wa_id}
        else:
            assert profile is not None
            contact = {"input": recipient.input, "user_id": profile.user_id}
        sent: dict[str, Any] = {"id": msg.id}
        if out.type == "template":
            sent["message_status"] = "accepted"
        response = {"messaging_product": "whatsapp", "contacts": [contact], "messages": [sent]}
        if profile is None:
            self.undeliverable.append(msg)
            self._fail(msg, None, 131026, None)
            return response
        chat = self.chat(profile)
        chat.timeline.append(msg)
        fault = self.wa.faults.take_send(wa_id)
        if fault is not None:
            self._fail(msg, chat, fault.code, fault.details)
        elif out.type != "template" and not chat.window_open(now):
            self._fail(msg, chat, 131047, None)
        else:
            self._accept(msg, chat, now)
        return response

    def _record(self, wa_id: str, out: Outbound, now: float) -> WhatsAppMessage:
        msg = WhatsAppMessage(
            id=new_wamid(wa_id, outbound=True),
            type=out.type,
            to=wa_id,
            phone_id=self.phone_id,
            payload=out.payload,
            sent_at=now,
            body=out.body,
            header=out.header,
            footer=out.footer,
            interactive_type=out.interactive_type,
            buttons=out.buttons,
            button_ids=out.button_ids,
            list_button=out.list_button,
            sections=out.sections,
            tracker=out.tracker,
        )
        if out.template is not None:
            rendered = out.template
            msg.template = TemplateInfo(
                rendered.template.name,
                rendered.template.language,
                rendered.body_params,
                rendered.template.category,
                rendered.header_params,
                rendered.payloads,
            )
        if out.media is not None:
            msg.media, msg.media_id = out.media.data, out.media.id
            msg.mime, msg.filename = out.media.mime_type, out.filename
        if out.reply_to is not None:
            if out.reply_to in self.sent or out.reply_to in self.inbound:
                msg.reply_to = out.reply_to
            else:
                self.wa.warn(
                    f"whatsapp: context.message_id {out.reply_to!r} names no message of this "
                    "number; WhatsApp shows the message without a quote"
                )
        msg.set_status("accepted", now)
        self.sent[msg.id] = msg
        return msg

    def _accept(self, msg: WhatsAppMessage, chat: Chat, now: float) -> None:
        in_window = chat.window_open(now)
        if msg.template is not None:
            category = msg.template.category.lower()
            free = in_window and category == "utility"
        else:
            category, free = "service", True
        conversation_id, expires = chat.conversations.get(category, ("", 0.0))
        if now >= expires:
            conversation_id, expires = new_conversation_id(), now + WINDOW_SECONDS
            chat.conversations[category] = (conversation_id, expires)
        billing = _Billing(
            conversation_id,
            expires,
            category,
            not free,
            "free_customer_service" if free else "regular",
        )
        self._billing[msg.id] = billing
        msg.pricing_category, msg.billable = category, billing.billable
        msg.set_status("sent", now)
        self._emit_status(msg, "sent")
        if chat.profile.online:
            self._arrive(msg, chat)
        else:
            chat.pending.append(msg)
            chat.changed()

    def _arrive(self, msg: WhatsAppMessage, chat: Chat) -> None:
        msg.set_status("delivered", self.wa.now())
        chat.messages.append(msg)
        self._emit_status(msg, "delivered")
        chat.changed()

    def _fail(
        self, msg: WhatsAppMessage, chat: Chat | None, code: int, details: str | None
    ) -> None:
        msg.error_code = code
        msg.set_status("failed", self.wa.now())
        if chat is not None:
            chat.undelivered.append(msg)
        self._emit_status(msg, "failed", [status_error(code, details)])
        if chat is not None:
            chat.changed()

    def deliver_pending(self, chat: Chat) -> None:
        """She came online: what was sent meanwhile arrives now, in order."""
        pending, chat.pending = chat.pending, []
        for msg in pending:
            self._arrive(msg, chat)

    def read(self, chat: Chat) -> list[WhatsAppMessage]:
        """She opened the chat: every delivered message becomes read (one status each)."""
        done = []
        for msg in chat.messages:
            if msg.status == "delivered":
                msg.set_status("read", self.wa.now())
                self._emit_status(msg, "read")
                done.append(msg)
        if done:
            chat.changed()
        return done

    def _emit_status(
        self, msg: WhatsAppMessage, status: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        profile = self.wa.people.get(msg.to)
        entry: dict[str, Any] = {
            "id": msg.id,
            "status": status,
            "timestamp": str(int(self.wa.now())),
            "recipient_id": msg.to,
        }
        if profile is not None and status != "failed":
            entry["recipient_user_id"] = profile.user_id
        billing = self._billing.get(msg.id)
        if billing is not None and status in ("sent", "delivered"):
            conversation: dict[str, Any] = {
                "id": billing.conversation_id,
                "origin": {"type": billing.category},
            }
            if status == "sent":
                conversation["expiration_timestamp"] = str(int(billing.expires))
            entry["conversation"] = conversation
            entry["pricing"] = {
                "billable": billing.billable,
                "pricing_model": "PMP",
                "category": billing.category,
                "type": billing.pricing_type,
            }
        if msg.tracker is not None:
            entry["biz_opaque_callback_data"] = msg.tracker
        if errors:
            entry["errors"] = errors
        value: dict[str, Any] = {"statuses": [entry]}
        if status != "failed" or self.failed_status_contacts:
            value["contacts"] = [profile.contact() if profile else {"wa_id": msg.to}]
        self.emit(msg.to, self._envelope(value))


class WhatsAppWorld:
    """Everything WhatsApp in one sandbox: numbers, people, media, templates, calls."""

    def __init__(
        self,
        world: World,
        *,
        rate: int | None = 80,
        pair_rate: float | None = None,
        pair_burst: int = 45,
        webhook_tries: int = 5,
        webhook_backoff: float = 0.2,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.world = world
        self.rate = rate
        self.pair_rate = pair_rate
        self.pair_burst = pair_burst
        self.webhook_tries = webhook_tries
        self.webhook_backoff = webhook_backoff
        self.webhook_timeout = webhook_timeout
        self.numbers: dict[str, WhatsAppNumber] = {}
        self.tokens: dict[str, set[str]] = {}  # access token -> WABA ids it may act for
        self.people: dict[str, WhatsAppProfile] = {}
        self.people_by_user_id: dict[str, WhatsAppProfile] = {}
        self.templates: dict[tuple[str, str, str], ApprovedTemplate] = {}
        self.media = MediaStore()
        self.faults = WhatsAppFaults()
        self.calls: list[WhatsAppCall] = []
        self.base_url = ""
        self._session: aiohttp.ClientSession | None = None

    def now(self) -> float:
        return self.world.clock()

    def warn(self, message: str) -> None:
        self.world.warn(message)

    def check(self, what: str, problems: list[str]) -> None:
        """In strict mode, refuse to emit anything Meta would not send."""
        if not problems or not self.world.strict:
            return
        message = f"sandbox emitted an invalid WhatsApp {what}: " + "; ".join(problems)
        self.world.errors.append(message)
        log.error("%s", message)
        raise SandboxBug(message)

    def http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        for number in self.numbers.values():
            await number.sender.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ registry
    def add_number(
        self,
        *,
        phone_id: str,
        display_phone_number: str,
        token: str,
        app_secret: str,
        waba_id: str,
    ) -> WhatsAppNumber:
        for label, value, pattern in (
            ("phone_id", phone_id, _ID),
            ("display_phone_number", display_phone_number, _PHONE),
            ("waba_id", waba_id, _ID),
        ):
            if not pattern.fullmatch(value):
                raise SandboxUsageError(f"{label} {value!r} must be digits, as Meta's are")
        if phone_id in self.numbers or any(
            n.display_phone_number == display_phone_number for n in self.numbers.values()
        ):
            raise SandboxUsageError(f"a WhatsApp number {phone_id}/{display_phone_number} exists")
        if not token or not app_secret:
            raise SandboxUsageError("a WhatsApp number needs an access token and an app secret")
        number = WhatsAppNumber(
            self,
            phone_id=phone_id,
            display_phone_number=display_phone_number,
            token=token,
            app_secret=app_secret,
            waba_id=waba_id,
        )
        self.numbers[phone_id] = number
        self.tokens.setdefault(token, set()).add(waba_id)
        return number

    def add_person(
        self, name: str, phone: str, user_id: str | None, label: str | None = None
    ) -> WhatsAppProfile:
        if not name.strip():
            raise SandboxUsageError("a WhatsApp profile needs a name")
        wa_id = "".join(ch for ch in phone if ch.isdigit())
        if phone.strip().startswith("0") or not 8 <= len(wa_id) <= 15:
            raise SandboxUsageError(
                f"{phone!r}: a WhatsApp id is the full number with country code, e.g. +62853..."
            )
        if wa_id in self.people:
            raise SandboxUsageError(f"a WhatsApp user with number {wa_id} exists already")
        if user_id is None:
            user_id = new_bsuid(wa_id)
            while user_id in self.people_by_user_id:
                user_id = new_bsuid(wa_id)
        elif not BSUID.fullmatch(user_id):
            raise SandboxUsageError(f"user_id {user_id!r} is not shaped like 'ID.1234567890123456'")
        if user_id in self.people_by_user_id:
            raise SandboxUsageError(f"user_id {user_id} is taken")
        profile = WhatsAppProfile(name, phone, wa_id, user_id, label=label or None)
        self.people[wa_id] = profile
        self.people_by_user_id[user_id] = profile
        return profile

    def person(self, recipient: Recipient) -> WhatsAppProfile | None:
        if recipient.wa_id is not None:
            return self.people.get(recipient.wa_id)
        if recipient.user_id is not None:
            return self.people_by_user_id.get(recipient.user_id)
        return None

    def may_use(self, token: str, waba_id: str) -> bool:
        return waba_id in self.tokens.get(token, set())
