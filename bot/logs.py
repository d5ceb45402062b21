"""Logging that never writes a whole phone number (UU 27/2022: logs are personal data too)."""

from __future__ import annotations

import logging
import re

# +62 812-3456-7890, 6281234567890, 081234567890: 9 to 15 digits, with optional separators.
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d\- ]{7,16}\d)(?!\d)")


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(1))
    if len(digits) < 9:
        return match.group(1)
    return digits[:4] + "*" * (len(digits) - 7) + digits[-3:]


def mask_phones(text: str) -> str:
    return _PHONE.sub(_mask, text)


class PhoneMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            # A traceback carries exception messages (and so numbers) too: format it here,
            # masked, and let the handler print the text instead of the raw exception.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_phones(text)
            record.exc_info = None
        return True


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PhoneMaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
