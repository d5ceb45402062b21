"""Phone numbers: every person is keyed by one E.164 number.

People type ``0812-3456-7890``, ``62812…`` or ``+62 812…``; Telegram's shared contacts carry
the international digits without the plus. The ``phonenumbers`` library (Google's
libphonenumber) knows every country's numbering plan, so a Malaysian SIM in a border kecamatan
is accepted as well, which a hand-written regex would get wrong.
"""

from __future__ import annotations

import re

import phonenumbers

from models.errors import InvalidPhone

DEFAULT_REGION = "ID"


def normalize_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """Return ``raw`` as E.164 (``+6281234567890``).

    Raises:
        InvalidPhone: the text is not a valid number of ``region`` nor a valid
            international number.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("empty")
    candidates = [text]
    digits = re.sub(r"\D", "", text)
    # Telegram contacts arrive as "60123456789" (international, no plus): try that reading too.
    if not text.startswith("+") and not digits.startswith("0"):
        candidates.append("+" + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidPhone(text)


def mask_phone(phone: str) -> str:
    """Hide the middle of a number for logs: ``+62812****7890``."""
    if len(phone) <= 8:
        return "*" * len(phone)
    return phone[:6] + "*" * (len(phone) - 10) + phone[-4:]
