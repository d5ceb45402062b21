"""Keyboard rules that the schema alone cannot express.

The schema says which fields exist; Telegram additionally demands exactly one action per
inline button, callback_data of 1-64 bytes, sane URLs and non-empty labels. Those are the
rules bots break when labels or payloads are built from data (long names, emoji).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
REPLY_ACTIONS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
MAX_BUTTONS = 100
_URL = re.compile(r"(?:https?|tg)://[^\s/?#]+\S*", re.IGNORECASE)


def validate_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Raise Telegram's 400 for an invalid reply_markup; return it unchanged otherwise."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        _inline(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _reply(markup["keyboard"])
    elif "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request("can't parse reply keyboard markup: remove_keyboard must be true")
    elif "force_reply" in markup and markup["force_reply"] is not True:
        raise bad_request("can't parse reply keyboard markup: force_reply must be true")
    return markup


def _inline(rows: list[list[dict[str, Any]]]) -> None:
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = [a for a in INLINE_ACTIONS if a in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    f"must be used, got {', '.join(actions)}"
                )
            if "callback_data" in button:
                size = len(button["callback_data"].encode("utf-8"))
                if not 1 <= size <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not _URL.fullmatch(button["url"]):
                raise bad_request("BUTTON_URL_INVALID")


def _reply(rows: list[list[dict[str, Any]]]) -> None:
    if not any(rows):
        raise bad_request("can't parse reply keyboard markup: keyboard must be non-empty")
    if sum(len(row) for row in rows) > MAX_BUTTONS * 3:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            actions = [a for a in REPLY_ACTIONS if button.get(a) not in (None, False)]
            if len(actions) > 1:
                raise bad_request(
                    "can't parse keyboard button: at most one of the optional fields can be "
                    f"used, got {', '.join(actions)}"
                )


def is_inline(markup: dict[str, Any] | None) -> bool:
    return bool(markup) and "inline_keyboard" in (markup or {})
