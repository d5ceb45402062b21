"""Meta's Graph API errors, shaped as the Cloud API sends them.

Two places carry them: an HTTP error answer (`{"error": {...}}`, raised here as `GraphError`)
and the `errors` array of a `failed` status webhook (`status_error`). Both use Meta's codes,
because bots (and pywa, which maps codes to exception classes) branch on the code.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# Meta's title for each code the sandbox produces (the `message` of an API error is
# "(#code) title"; a status error repeats the title as its message).
TITLES: dict[int, str] = {
    100: "Invalid parameter",
    190: "Invalid OAuth access token - Cannot parse access token",
    130429: "Rate limit hit",
    130472: "User's number is part of an experiment",
    131000: "Something went wrong",
    131008: "Required parameter is missing",
    131009: "Parameter value is not valid",
    131021: "Recipient cannot be sender",
    131026: "Message undeliverable",
    131031: "Account has been locked",
    131047: "Re-engagement message",
    131049: "This message was not delivered to maintain healthy ecosystem engagement.",
    131050: "Unable to deliver the message. This recipient has chosen to stop receiving "
    "marketing messages on WhatsApp from your business.",
    131051: "Unsupported message type",
    131052: "Media download error",
    131053: "Media upload error",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132005: "Translated text too long",
    132012: "Parameter format does not match format in the created template",
    132018: "There was an issue with the parameters in your template.",
}

DEFAULT_DETAILS: dict[int, str] = {
    130429: "Cloud API message throughput has been reached.",
    131026: "Message Undeliverable.",
    131047: "Message failed to send because more than 24 hours have passed since the "
    "customer last replied to this number.",
    131049: "In order to maintain a healthy ecosystem engagement, the message failed to be "
    "delivered.",
    131056: "Too many messages sent from the sender phone number to the same recipient "
    "phone number in a short period of time.",
}

_TRACE_ALPHABET = string.ascii_letters + string.digits + "_-"


def fbtrace_id() -> str:
    """A trace id like Meta's; support asks for it, tests can ignore it."""
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


def title_of(code: int) -> str:
    return TITLES.get(code, "Something went wrong")


class GraphError(Exception):
    """An HTTP error answer of the Graph API: `{"error": {message, type, code, ...}}`."""

    def __init__(
        self,
        status: int,
        code: int,
        details: str | None = None,
        *,
        message: str | None = None,
        type_: str = "OAuthException",
        subcode: int | None = None,
    ) -> None:
        if message is None:
            message = title_of(code) if code == 190 else f"(#{code}) {title_of(code)}"
        super().__init__(f"{message}: {details}" if details else message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details if details is not None else DEFAULT_DETAILS.get(code)
        self.type = type_
        self.subcode = subcode

    def payload(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}


def invalid(details: str, code: int = 131009) -> GraphError:
    """A value Meta refuses (too long, too many, duplicate): 131009 by default."""
    return GraphError(400, code, details)


def missing(details: str) -> GraphError:
    return GraphError(400, 131008, details)


def bad_param(details: str) -> GraphError:
    """Code 100: wrong type, unknown value, or something the sandbox does not model."""
    return GraphError(400, 100, details)


def unknown_object(method: str, object_id: str) -> GraphError:
    return GraphError(
        400,
        100,
        None,
        message=(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not "
            "exist, cannot be loaded due to missing permissions, or does not support this "
            "operation. Please read the Graph API documentation at "
            "https://developers.facebook.com/docs/graph-api"
        ),
        type_="GraphMethodException",
        subcode=33,
    )


def unauthorized() -> GraphError:
    return GraphError(401, 190)


def status_error(code: int, details: str | None = None) -> dict[str, Any]:
    """One entry of a failed status's `errors`, as in Meta's status webhooks."""
    title = title_of(code)
    text = details or DEFAULT_DETAILS.get(code) or title
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": text},
        "href": ERROR_HREF,
    }
