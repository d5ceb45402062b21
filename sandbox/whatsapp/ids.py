"""Identifiers shaped like Meta's, so bots that parse or store them meet realistic values.

Message ids are `wamid.` plus base64 (bots must treat them as opaque strings up to ~100
characters); media ids are long digit strings (pywa tells a media id from a file path by
`isdigit()`); business-scoped user ids are `CC.<digits>` (pywa tells them from phone numbers
by that shape).
"""

from __future__ import annotations

import base64
import re
import secrets

BSUID = re.compile(r"[A-Z]{2}\.\d{10,24}")

# Calling code -> ISO country, for the prefix of a generated business-scoped user id.
_COUNTRIES = {
    "62": "ID",
    "60": "MY",
    "65": "SG",
    "63": "PH",
    "66": "TH",
    "84": "VN",
    "61": "AU",
    "91": "IN",
    "44": "GB",
    "31": "NL",
    "49": "DE",
    "972": "IL",
    "1": "US",
}


def _random_digits(count: int) -> str:
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(count - 1)
    )


def new_wamid(wa_id: str, outbound: bool) -> str:
    """A unique message id in Meta's layout (length-prefixed phone, then a random key)."""
    phone = wa_id.encode()[:255]
    key = secrets.token_hex(10).upper().encode()
    marker = b"\x11" if outbound else b"\x12"
    raw = b"\x1c\x18" + bytes([len(phone)]) + phone + b"\x15\x02\x00" + marker
    raw += b"\x18\x14" + key + b"\x00"
    return "wamid." + base64.b64encode(raw).decode()


def new_media_id() -> str:
    return _random_digits(16)


def new_template_id() -> str:
    return _random_digits(15)


def new_conversation_id() -> str:
    return secrets.token_hex(16)


def new_bsuid(wa_id: str) -> str:
    """A business-scoped user id whose country prefix follows the phone's calling code."""
    country = next(
        (
            iso
            for code, iso in sorted(_COUNTRIES.items(), key=lambda kv: -len(kv[0]))
            if wa_id.startswith(code)
        ),
        "ZZ",
    )
    return f"{country}.{_random_digits(19)}"


def new_challenge() -> str:
    """Meta's verification challenge is a decimal number sent as text."""
    return _random_digits(10)
