"""A minimal parse_mode=MarkdownV2, strict about the reserved characters.

The single most common MarkdownV2 bug is an unescaped `.`, `-` or `!` in dynamic text,
which Telegram rejects; this parser reproduces that rejection and the common entities
(bold, italic, underline, strikethrough, spoiler, code, pre, links, `>` quotes).
Not supported: custom emoji `![..](tg://emoji?id=..)`, expandable quotes (`**>`),
and `tg://user?id=` mentions (they become plain text_link entities).
"""

from __future__ import annotations

from typing import Any

from sandbox.html_entities import EntityParseError

RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


class _Md:
    def __init__(self, src: str) -> None:
        self.src = src
        self.out: list[str] = []
        self.pos16 = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, int, int]] = []  # (marker, utf16 offset, source index)

    def error(self, message: str, at: int) -> EntityParseError:
        return EntityParseError(message.replace("{at}", str(len(self.src[:at].encode()))))

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.pos16 += 2 if ord(ch) > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i, n = self.src, 0, len(self.src)
        quote_start: int | None = None
        while i < n:
            at_line_start = i == 0 or src[i - 1] == "\n"
            c = src[i]
            if at_line_start:
                if c == ">":
                    if quote_start is None:
                        quote_start = self.pos16
                    i += 1
                    continue
                if quote_start is not None:
                    self.close_quote(quote_start)
                    quote_start = None
            if c == "\\":
                if i + 1 < n and 0 < ord(src[i + 1]) < 127:
                    self.emit(src[i + 1])
                    i += 2
                    continue
                raise self.error("Character '\\' at byte offset {at} must be escaped", i)
            if c == "`":
                i = self.code(i)
                continue
            if c == "[":
                self.stack.append(("[", self.pos16, i))
                i += 1
                continue
            if c == "]" and self.stack and self.stack[-1][0] == "[":
                i = self.link(i)
                continue
            marker = src[i : i + 2] if src[i : i + 2] in ("__", "||") else c
            if marker in _MARKERS:
                self.toggle(marker, i)
                i += len(marker)
                continue
            if c in RESERVED:
                raise self.error(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'", i
                )
            self.emit(c)
            i += 1
        if quote_start is not None:
            self.close_quote(quote_start)
        if self.stack:
            marker, _, at = self.stack[-1]
            name = "TextUrl" if marker == "[" else _MARKERS[marker].capitalize()
            raise self.error(f"Can't find end of {name} entity at byte offset {{at}}", at)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def close_quote(self, start: int) -> None:
        end = self.pos16
        if self.out and self.out[-1] == "\n":
            end -= 1
        if end > start:
            self.entities.append({"type": "blockquote", "offset": start, "length": end - start})

    def toggle(self, marker: str, i: int) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == marker:
                _, offset, _ = self.stack.pop(depth)
                if self.pos16 > offset:
                    self.entities.append(
                        {"type": _MARKERS[marker], "offset": offset, "length": self.pos16 - offset}
                    )
                return
        self.stack.append((marker, self.pos16, i))

    def code(self, i: int) -> int:
        src = self.src
        fence = src.startswith("```", i)
        opener = "```" if fence else "`"
        j = i + len(opener)
        language = None
        if fence:
            newline = src.find("\n", j)
            first = src[j:newline] if newline >= 0 else ""
            if newline >= 0 and first and " " not in first and "`" not in first:
                language, j = first, newline + 1
        start = self.pos16
        while True:
            if j >= len(src):
                kind = "Pre" if fence else "Code"
                raise self.error(f"Can't find end of {kind} entity at byte offset {{at}}", i)
            if src[j] == "\\" and j + 1 < len(src) and src[j + 1] in "`\\":
                self.emit(src[j + 1])
                j += 2
                continue
            if src.startswith(opener, j):
                break
            self.emit(src[j])
            j += 1
        if self.pos16 > start:
            entity: dict[str, Any] = {
                "type": "pre" if fence else "code",
                "offset": start,
                "length": self.pos16 - start,
            }
            if language:
                entity["language"] = language
            self.entities.append(entity)
        return j + len(opener)

    def link(self, i: int) -> int:
        src = self.src
        _, offset, _ = self.stack.pop()
        if not src.startswith("(", i + 1):
            raise self.error(
                "Character ']' is reserved and must be escaped with the preceding '\\'", i
            )
        j, url = i + 2, []
        while j < len(src) and src[j] != ")":
            if src[j] == "\\" and j + 1 < len(src):
                j += 1
            url.append(src[j])
            j += 1
        if j >= len(src):
            raise self.error("Can't find end of a URL at byte offset {at}", i + 1)
        if self.pos16 > offset and url:
            self.entities.append(
                {
                    "type": "text_link",
                    "offset": offset,
                    "length": self.pos16 - offset,
                    "url": "".join(url),
                }
            )
        return j + 1


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    return _Md(source).run()
