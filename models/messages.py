"""A message as the engine carries it, channel-neutral: text and rows of buttons.

It lives in the domain layer because both the renderers (handlers/) and the dispatcher
(scheduler/) speak it, and neither may import the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    label: str
    callback_data: str


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: HTML text and rows of inline buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # For WhatsApp outside its 24-hour window: which approved template says this message
    # ("" for the general one, which carries the text), and its parameters as plain text.
    template: str = ""
    params: tuple[str, ...] = ()


ELLIPSIS = "…"
# A title in a button label ("Lapor: …", "Jawab: …"): enough to recognise it on a phone.
LABEL_TITLE = 30


def short_label(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters when longer: after the last whole
    word that fits, with "…", so a button never reads "Pendataan ulang Pos"; inside a word only
    when one word alone is longer than half the room.

    A label shows a title to recognise, not to read in full: the full title is in the message.
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    room = limit - len(ELLIPSIS)
    head = line[:room]
    if line[room] != " " and " " in head:
        words = head[: head.rfind(" ")]
        if len(words) >= room // 2:  # unless the word boundary wastes half the room
            head = words
    return head.rstrip(" ,.;:-–—…") + ELLIPSIS
