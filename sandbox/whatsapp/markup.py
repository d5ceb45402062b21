"""WhatsApp's text formatting, read the way the app renders it.

WhatsApp has no parse modes and no HTML: `*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ````,
`` `code` `` and `> quote` are plain characters the app draws. Tests want to assert on what a
person reads, so `strip_markup` removes the markers the app would hide and keeps the ones it
shows literally (a lone `*`, `2*3*4`, `snake_case_name`).
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"^> ", re.MULTILINE)


def _marker(char: str) -> re.Pattern[str]:
    c = re.escape(char)
    # Opening marker: not glued to a word on its left, text right after it; closing marker:
    # text right before it, not glued to a word on its right; one line only.
    return re.compile(rf"(?<![\w{c}]){c}(?=[^\s{c}])([^\n{c}]*?[^\s{c}]|[^\s{c}]){c}(?![\w{c}])")


_MARKERS = [_marker(ch) for ch in "*_~"]


def _strip_inline(text: str) -> str:
    text = _INLINE_CODE.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    for _ in range(3):  # nested styles such as *_both_*
        before = text
        for pattern in _MARKERS:
            text = pattern.sub(r"\1", text)
        if text == before:
            break
    return text


def strip_markup(text: str) -> str:
    """The text as a person reads it, formatting markers removed; code blocks kept verbatim."""
    out: list[str] = []
    last = 0
    for match in _BLOCK.finditer(text):
        out.append(_strip_inline(text[last : match.start()]))
        out.append(match.group(1))
        last = match.end()
    out.append(_strip_inline(text[last:]))
    return "".join(out)
