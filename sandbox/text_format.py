"""From (text, parse_mode, entities) to the text and entities Telegram stores.

Telegram parses the markup, trims surrounding whitespace, detects commands, mentions,
hashtags, URLs and e-mails on its own, and only then measures the length in UTF-16
code units; bots that count Python characters before escaping get surprised here.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request
from sandbox.html_entities import EntityParseError, parse_html, utf16_len
from sandbox.markdown_v2 import parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
_TRIM = " \t\r\n"
_DETECTORS = (
    ("url", re.compile(r"https?://[^\s<>\"']+")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d])\w{1,256}")),
)
_NO_DETECTION_INSIDE = frozenset({"code", "pre", "text_link", "url", "email"})


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise the 400 Telegram would answer with."""
    if entities is not None:
        plain, found = text, [dict(e) for e in entities]
    elif parse_mode:
        mode = parse_mode.lower()
        try:
            if mode == "html":
                plain, found = parse_html(text)
            elif mode == "markdownv2":
                plain, found = parse_markdown_v2(text)
            elif mode == "markdown":
                raise bad_request(
                    "unsupported parse_mode: legacy Markdown is not implemented by the sandbox; "
                    "use HTML or MarkdownV2"
                )
            else:
                raise bad_request("unsupported parse_mode")
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    else:
        plain, found = text, []
    plain, found = _trim(plain, found)
    found.extend(_detect(plain, found))
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found


def check_text(text: str, *, caption: bool = False) -> None:
    if caption:
        if utf16_len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped_left = text.lstrip(_TRIM)
    cut = utf16_len(text) - utf16_len(stripped_left)
    plain = stripped_left.rstrip(_TRIM)
    total = utf16_len(plain)
    out = []
    for entity in entities:
        start = max(entity["offset"] - cut, 0)
        end = min(entity["offset"] + entity["length"] - cut, total)
        if end > start:
            out.append({**entity, "offset": start, "length": end - start})
    return plain, out


def _detect(text: str, explicit: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not any(c in text for c in "/@#:"):
        return []
    taken = [
        (e["offset"], e["offset"] + e["length"])
        for e in explicit
        if e["type"] in _NO_DETECTION_INSIDE
    ]
    found: list[dict[str, Any]] = []
    for kind, pattern in _DETECTORS:
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(".,;:!?)")
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(value)
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def entity_text(text: str, entity: dict[str, Any]) -> str:
    """The slice of `text` an entity covers (entities count UTF-16 units, Python does not)."""
    raw = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return raw[start : start + entity["length"] * 2].decode("utf-16-le")
