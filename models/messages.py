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
