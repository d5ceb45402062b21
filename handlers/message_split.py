"""Long HTML texts cut into Telegram messages: under 4,096 UTF-16 units, never inside a tag.

Used wherever a list may outgrow one message (the follow-up digests, a report's history);
each piece is valid HTML on its own, so Telegram's parser accepts every one.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>")
_TOKEN = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>|&#?\w+;|.", re.S)
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
Stack = tuple[tuple[str, str], ...]  # open tags: (name, the opening tag as written)


def utf16_len(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


def _after(stack: Stack, match: re.Match[str]) -> Stack:
    name = match.group(2).lower()
    if not match.group(1):
        return (*stack, (name, match.group(0)))
    for index in range(len(stack) - 1, -1, -1):  # tolerant: close the innermost of that name
        if stack[index][0] == name:
            return stack[:index] + stack[index + 1 :]
    return stack


def _closers(stack: Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: Stack) -> str:
    return "".join(tag for _, tag in stack)


def _blocks(text: str) -> list[str]:
    """Runs of whole lines at whose end no tag is open: the places a message may be cut."""
    blocks: list[str] = []
    block, stack = "", Stack()
    for line in _LINE.findall(text):
        block += line
        for match in _TAG.finditer(line):
            stack = _after(stack, match)
        if not stack:
            blocks.append(block)
            block = ""
    if block:
        blocks.append(block)
    return blocks


def _hard_split(block: str, limit: int) -> list[str]:
    """A block too long for one message: cut after a space (or anywhere, for one huge word),
    never inside a tag or an entity; tags open at a cut are closed there and reopened after."""
    pieces: list[str] = []
    current, stack, start = "", Stack(), 0  # start: the reopened tags at the head of ``current``
    spaces: list[tuple[int, Stack]] = []  # cut points after whitespace, with the tags open there
    for match in _TOKEN.finditer(block):
        before = (len(current), stack)
        token = match.group(0)
        current += token
        if match.group(2):
            stack = _after(stack, match)
        elif token.isspace():
            spaces.append((len(current), stack))
        while utf16_len(current) + utf16_len(_closers(stack)) > limit:
            position, open_tags = next(
                (
                    (at, tags)
                    for at, tags in reversed(spaces)
                    if start < at and utf16_len(current[:at] + _closers(tags)) <= limit
                ),
                before,
            )
            if position <= start:
                break  # a single token longer than a message: cannot happen with 4096
            pieces.append(current[:position] + _closers(open_tags))
            prefix = _openers(open_tags)
            shift = len(prefix) - position
            current, start = prefix + current[position:], len(prefix)
            spaces = [(at + shift, tags) for at, tags in spaces if at > position]
            before = (before[0] + shift, before[1]) if before[0] > position else (start, open_tags)
    pieces.append(current)
    return pieces


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML text into messages of at most ``limit`` UTF-16 units (measured on the markup,
    which is never shorter than what Telegram counts), on line boundaries where no tag is open.
    """
    chunks: list[str] = []
    current = ""
    for block in _blocks(text):
        if utf16_len(current + block) <= limit:
            current += block
            continue
        if current.strip():
            chunks.append(current)
        current = block
        if utf16_len(block) > limit:
            *whole, current = _hard_split(block, limit)
            chunks.extend(whole)
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


_ANY_TAG = re.compile(r"<[^>]*>")


def visible_text(text: str) -> str:
    """The text a reader sees (and Telegram returns as ``message.text``): tags parsed away."""
    return html.unescape(_ANY_TAG.sub("", text))


def visible_len(text: str) -> int:
    """What Telegram counts against a caption's 1,024: the text after its tags are parsed."""
    return utf16_len(visible_text(text))
