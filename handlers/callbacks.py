"""Callback data: short, versioned, parsed in one place.

Telegram accepts 1-64 bytes and python-telegram-bot does not check, so a long value only fails
when Telegram rejects the whole message. ``encode`` asserts the size; ``decode`` never raises,
so a button from an old message or forged data falls through to the "expired" answer.
Names (multi-byte in UTF-8) never go in here: only ids and short codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

# Kinds of button (the first field). Each handler registers for its own prefix.
CONSENT = "cs"  # cs:1:y|n[:token]
REGISTRATION = "rg"  # rg:1:<request id>:k|o|x  (approve kader / approve opd / reject)
LANGUAGE = "lg"  # lg:1:id|en
ERASE = "er"  # er:1:y|n
# mt:1:dl | a:<role> | ok:<draft>:<version> | x  (/rapatbaru)
# mt:1:c|cx|cy|mv:<meeting>  (close, ask to cancel, cancel, move)
MEETING = "mt"
RSVP = "rv"  # rv:1:<invitation id>:h|w|t|s
BROADCAST = "sb"  # sb:1:a:<role>|k|kc:<org>|o|oc:<org>|send|cancel|r:<broadcast>
# ac:1:m:<meeting|0> | o:<org> | g:<group> | ok:<draft>:<version> | x  (/rtlbaru)
# ac:1:y|r|f:<report>  (accept, return, show the evidence of a Selesai report)
ACTION = "ac"
# tl:1:a:<action> | s:<draft>:<version>:b|j|s|k | n|e|ok:<draft>:<version> | x  (/tindaklanjut)
ACTION_REPORT = "tl"
RECAP = "rk"  # rk:1:m|n:<meeting id>  (show the recap / nudge those who have not answered)


class CallbackTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    kind: str
    parts: tuple[str, ...]

    def int_part(self, index: int) -> int | None:
        """A database id, or None: forged data may hold any digits, even past 64 bits."""
        try:
            value = int(self.parts[index])
        except (IndexError, ValueError):
            return None
        return value if 0 < value < 2**63 else None

    def part(self, index: int) -> str | None:
        return self.parts[index] if index < len(self.parts) else None


def encode(kind: str, *parts: object) -> str:
    texts = [str(p) for p in parts]
    for text in [kind, *texts]:
        if not _PART.match(text):
            raise ValueError(f"callback part {text!r} is not a short code")
    data = ":".join([kind, VERSION, *texts])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def decode(data: str | None) -> Callback | None:
    """Parse our callback data; anything else (old version, garbage) gives None."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    fields = data.split(":")
    if len(fields) < 2 or fields[1] != VERSION or not all(_PART.match(f) for f in fields):
        return None
    return Callback(kind=fields[0], parts=tuple(fields[2:]))


def pattern(kind: str) -> str:
    """Regex for a CallbackQueryHandler of one kind and this version."""
    return rf"^{re.escape(kind)}:{VERSION}(:|$)"
