"""Logging that never writes a whole phone number (UU 27/2022: logs are personal data too)."""

from __future__ import annotations

import logging
import re

# One separator between digit groups: space, no-break spaces, dot, hyphen or dash.
_SEP = "[ \u00a0\u202f\u2007.\u2010-\u2013-]"
# A number as people write it: +62 812-3456-7890, 0812.3456.7890, (0812) 3456 7890,
# +62 (812) 3456 7890, or an unbroken run of 9 to 15 digits (6281234567890, a chat id). With
# separators it must start like a phone (+, an area code in brackets, 0 or 62), so that
# dates, times, addresses and versions (2026-12-06 05:05:15, 127.0.0.1, 1.22.3) stay as they are.
_PHONE = re.compile(
    rf"""
    (?<![\w+./\u2010-\u2013-])          # not the middle of a word, number or date
    (
        (?:
            \+\d{{1,3}}{_SEP}?(?:\(\d{{1,4}}\)|\d{{1,4}})  # +62 812, +62 (812), +62812
          | \(\+?\d{{2,5}}\)                  # (0812), (021), (+62)
          | 0\d{{1,4}}                          # 0812
          | 62(?={_SEP})                        # 62 812 …
        )
        (?:{_SEP}?\d{{1,6}}){{1,5}}             # the rest, in groups
      | \d{{9,15}}                              # unbroken
    )
    (?!\w)
    """,
    re.VERBOSE,
)
_DATE = re.compile("\\d{1,4}[-./]\\d{1,2}[-./]\\d{1,4}")
# An Indonesian mobile number written unbroken is one wherever it stands: in a link
# (wa.me/6281234567890), after "No." or glued to a name with a dash.
_MOBILE = re.compile(r"(?<!\d)(?:\+?62|0)8\d{7,12}(?!\d)")


def _mask(match: re.Match[str]) -> str:
    text = match.group(1)
    digits = re.sub(r"\D", "", text)
    if not 9 <= len(digits) <= 15 or _DATE.match(text):
        return text
    return digits[:4] + "*" * (len(digits) - 7) + digits[-3:]


def _mask_mobile(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:4] + "*" * (len(digits) - 7) + digits[-3:]


def mask_phones(text: str) -> str:
    return _MOBILE.sub(_mask_mobile, _PHONE.sub(_mask, text))


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
    # APScheduler says "Running job tick" at INFO every tick: the log would be heartbeats, not
    # events. Its warnings (a missed run, a job that raised) still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
