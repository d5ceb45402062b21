"""Telegram's parse_mode=HTML, reproduced closely enough to fail where Telegram fails.

The algorithm follows tdlib's `parse_html` (tag set, attribute rules, error wording,
byte offsets in errors, UTF-16 offsets in entities). One deliberate difference: tdlib
keeps a bare `&` that starts no valid entity as a literal character, while the sandbox
rejects it, because such text almost always comes from unescaped user input that would
break on the next `<`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    }
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """Raised with tdlib's wording; the API prefixes it with "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    begin: int  # index in the source, for error offsets
    offset: int  # UTF-16 offset in the produced text
    order: int
    attrs: dict[str, str] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.pos16 = 0
        self.stack: list[_Open] = []
        self.entities: list[tuple[int, dict[str, Any]]] = []
        self.opened = 0

    def error(self, message: str, at: int) -> EntityParseError:
        byte = len(self.src[:at].encode("utf-8"))
        return EntityParseError(message.replace("{at}", str(byte)))

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.pos16 += 2 if ord(ch) > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        n = len(src)
        while self.i < n:
            c = src[self.i]
            if c == "&":
                ch, end = decode_entity(src, self.i)
                if ch is None:
                    raise self.error(
                        'Character "&" at byte offset {at} starts no valid HTML entity; '
                        "escape it as &amp;",
                        self.i,
                    )
                self.emit(ch)
                self.i = end
            elif c == "<":
                if self.i + 1 < n and src[self.i + 1] == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(c)
                self.i += 1
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        ordered = sorted(self.entities, key=lambda e: (e[1]["offset"], -e[1]["length"], e[0]))
        return "".join(self.out), [e for _, e in ordered]

    def start_tag(self) -> None:
        src, begin = self.src, self.i
        i = begin + 1
        while i < len(src) and src[i] not in _SPACES and src[i] != ">":
            i += 1
        if i >= len(src):
            raise self.error("Unclosed start tag at byte offset {at}", begin)
        tag = src[begin + 1 : i].lower()
        if tag not in TAGS:
            raise self.error(f'Unsupported start tag "{tag}" at byte offset {{at}}', begin)
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i] in _SPACES:
                i += 1
            if i >= len(src):
                raise self.error("Unclosed start tag at byte offset {at}", begin)
            if src[i] == ">":
                break
            name_start = i
            while i < len(src) and src[i] not in _SPACES and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            if not name:
                raise self.error(
                    f'Empty attribute name in the tag "{tag}" at byte offset {{at}}', name_start
                )
            while i < len(src) and src[i] in _SPACES:
                i += 1
            if i >= len(src) or src[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise self.error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {{at}}',
                    begin,
                )
            i += 1
            while i < len(src) and src[i] in _SPACES:
                i += 1
            if i >= len(src):
                raise self.error("Unclosed start tag at byte offset {at}", begin)
            value, i = self.attribute_value(i, begin)
            attrs.setdefault(name, value)
        self.i = i + 1
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler" at byte offset {at}', begin)
        if tag == "tg-emoji" and not attrs.get("emoji-id"):
            raise self.error(
                'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}', begin
            )
        self.opened += 1
        self.stack.append(_Open(tag, begin, self.pos16, self.opened, attrs))

    def attribute_value(self, i: int, begin: int) -> tuple[str, int]:
        src = self.src
        if src[i] not in "'\"":
            start = i
            while i < len(src) and (src[i].isalnum() or src[i] in ".-"):
                i += 1
            if i >= len(src):
                raise self.error("Unclosed start tag at byte offset {at}", begin)
            if src[i] not in _SPACES and src[i] != ">":
                raise self.error("Unexpected end of name token at byte offset {at}", start)
            return src[start:i].lower(), i
        quote = src[i]
        i += 1
        chars: list[str] = []
        while i < len(src) and src[i] != quote:
            if src[i] == "&":
                ch, end = decode_entity(src, i)
                if ch is not None:
                    chars.append(ch)
                    i = end
                    continue
            chars.append(src[i])
            i += 1
        if i >= len(src):
            raise self.error("Unclosed start tag at byte offset {at}", begin)
        return "".join(chars), i + 1

    def end_tag(self) -> None:
        src, begin = self.src, self.i
        close = src.find(">", begin + 2)
        if close < 0:
            raise self.error("Unclosed end tag at byte offset {at}", begin)
        tag = src[begin + 2 : close].strip(_SPACES).lower()
        if not self.stack:
            raise self.error("Unexpected end tag at byte offset {at}", begin)
        top = self.stack[-1]
        if tag != top.tag:
            raise self.error(
                f'Unmatched end tag at byte offset {{at}}, expected "</{top.tag}>", '
                f'found "</{tag}>"',
                begin,
            )
        self.stack.pop()
        self.i = close + 1
        self.close_entity(top)

    def close_entity(self, top: _Open) -> None:
        length = self.pos16 - top.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": top.offset, "length": length}
        tag = top.tag
        if tag in _SIMPLE:
            entity["type"] = _SIMPLE[tag]
        elif tag == "span":
            entity["type"] = "spoiler"
        elif tag == "a":
            href = top.attrs.get("href", "")
            if not href:
                return
            entity.update(type="text_link", url=href)
        elif tag == "code":
            entity["type"] = "code"
            language = top.attrs.get("class", "")
            if language.startswith("language-"):
                entity["language"] = language[len("language-") :]
        elif tag == "pre":
            entity["type"] = "pre"
            if self.entities:
                _, last = self.entities[-1]
                if (
                    last["type"] == "code"
                    and last["offset"] == top.offset
                    and (last["length"] == length)
                ):
                    self.entities.pop()
                    if "language" in last:
                        entity["language"] = last["language"]
        elif tag == "blockquote":
            expandable = "expandable" in top.attrs
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=top.attrs["emoji-id"])
        elif tag == "tg-time":
            unix = top.attrs.get("unix", "")
            if not unix.isdigit():
                raise self.error(
                    'Tag "tg-time" must have a numeric "unix" attribute at byte offset {at}',
                    top.begin,
                )
            entity.update(type="date_time", unix_time=int(unix))
            if top.attrs.get("format"):
                entity["date_time_format"] = top.attrs["format"]
        self.entities.append((top.order, entity))


def decode_entity(src: str, i: int) -> tuple[str | None, int]:
    """Decode `&...;` at `i`; (None, i) when it is not one Telegram understands."""
    end = src.find(";", i + 1, i + 12)
    if end < 0:
        return None, i
    body = src[i + 1 : end]
    if body in _NAMED:
        return _NAMED[body], end + 1
    code = -1
    if body[:2] in ("#x", "#X") and len(body) > 2:
        try:
            code = int(body[2:], 16)
        except ValueError:
            return None, i
    elif body[:1] == "#" and body[1:].isdigit():
        code = int(body[1:])
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code), end + 1
    return None, i


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and MessageEntity dicts (UTF-16 offsets), like Telegram produces."""
    return _Parser(source).run()


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TAG_OF = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "blockquote": "blockquote",
}


def _open_tag(entity: dict[str, Any]) -> tuple[str, str] | None:
    kind = entity["type"]
    if kind in _TAG_OF:
        tag = _TAG_OF[kind]
        return f"<{tag}>", f"</{tag}>"
    if kind == "pre":
        if entity.get("language"):
            lang = escape_html(entity["language"]).replace('"', "&quot;")
            return f'<pre><code class="language-{lang}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return f'<a href="{escape_html(entity["url"]).replace(chr(34), "&quot;")}">', "</a>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{entity["custom_emoji_id"]}">', "</tg-emoji>"
    if kind == "date_time":
        return f'<tg-time unix="{entity["unix_time"]}">', "</tg-time>"
    return None


def to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """The inverse of parse_html for properly nested entities; detected ones stay plain.

    Lets tests assert on formatting as one readable string instead of offset lists.
    """
    units = text.encode("utf-16-le")
    tagged = [(e, t) for e in entities if (t := _open_tag(e)) is not None]
    tagged.sort(key=lambda et: (et[0]["offset"], -et[0]["length"]))
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (end offset, closing tag)
    pos = 0
    total = len(units) // 2

    def flush(upto: int) -> None:
        nonlocal pos
        while stack and stack[-1][0] <= upto:
            end, closing = stack.pop()
            out.append(escape_html(units[pos * 2 : end * 2].decode("utf-16-le")))
            out.append(closing)
            pos = end
        out.append(escape_html(units[pos * 2 : upto * 2].decode("utf-16-le")))
        pos = upto

    for entity, (opening, closing) in tagged:
        start = entity["offset"]
        end = start + entity["length"]
        flush(start)
        if stack:
            end = min(end, stack[-1][0])
        out.append(opening)
        stack.append((end, closing))
    flush(total)
    while stack:
        out.append(stack.pop()[1])
    return "".join(out)
