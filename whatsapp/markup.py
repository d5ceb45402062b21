"""Our catalogue's Telegram HTML as WhatsApp text, and that text cut to the Cloud API's limits.

WhatsApp has no HTML and no escape character. It shows ``*bold*``, ``_italic_``, ``~strike~``
and ```` ```mono``` ```` when a pair of markers sits on word boundaries, on one line: the opening
marker after the line's start, a space or punctuation and before a non-space, the closing one
after a non-space and before a space, punctuation or the line's end. mautrix-whatsapp reads
WhatsApp text the same way (``pkg/msgconv/wa-text.go``, bold:
``([\\s>_~]|^)\\*(.+?)\\*([^a-zA-Z\\d]|$)``). So "* Hadir*" and "*Rp*10" keep their asterisks.

What people typed (names, reasons) sits inside our HTML, HTML-escaped by ``handlers.i18n``, and
must not turn into formatting: a reason "*penting*" shows its asterisks. Every ``*``, ``_``,
``~`` and backtick that is not one of our tags' markers is wrapped in WORD JOINERs (U+2060,
invisible, and unlike U+200B not a place to break a line). A client that takes the joiner for a
letter sees a marker with no boundary outside; one that takes it for a space sees a marker
touching a space inside: either way it can neither open nor close a span. Inside a link the
same characters are percent-encoded instead, so the link still works.

Our own markers are written only where WhatsApp will honour them: whitespace moves outside the
span ("<b> Hadir</b>" gives " *Hadir*"), a span over several lines becomes one span per line,
empty spans vanish, and a span whose marker would touch a letter, a digit or a joiner, or that
holds a typed marker of its own kind, is left unformatted rather than show stray asterisks.

``split`` and ``split_tail`` cut such text for the API's limits at paragraph, then line, then
word boundaries; a span cut in the middle (only a line longer than the limit) is closed at the
cut and reopened after it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import accumulate

JOINER = "\u2060"
"""WORD JOINER, put on both sides of a marker character that must show as typed."""

BOLD, ITALIC, STRIKE, MONO = "*", "_", "~", "```"
_MARKERS = (BOLD, ITALIC, STRIKE, MONO)
_LINK = "a"
_TAGS = {
    "b": BOLD,
    "strong": BOLD,
    "i": ITALIC,
    "em": ITALIC,
    "s": STRIKE,
    "strike": STRIKE,
    "del": STRIKE,
    "code": MONO,
    "pre": MONO,
    "a": _LINK,
}
# While the text is assembled our markers are private-use stand-ins (removed from the input),
# so the last pass can tell them from what people typed and drop those WhatsApp would ignore.
_OPEN = {BOLD: "\ue000", ITALIC: "\ue001", STRIKE: "\ue002", MONO: "\ue003"}
_CLOSE = {BOLD: "\ue004", ITALIC: "\ue005", STRIKE: "\ue006", MONO: "\ue007"}
_STAND_IN = re.compile("([\ue000-\ue007])")
_KIND_OF = {char: kind for kind, char in (*_OPEN.items(), *_CLOSE.items())}
_NO_STAND_INS = {ord(char): "\ufffd" for char in _KIND_OF}
_TEXT_ESCAPES = {ord(c): f"{JOINER}{c}{JOINER}" for c in "*_~`"} | _NO_STAND_INS
_URL_ESCAPES = {ord("*"): "%2A", ord("_"): "%5F", ord("~"): "%7E", ord("`"): "%60"}
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_QUOTE_START = re.compile(r"^>", re.MULTILINE)


# --------------------------------------------------------------------------- HTML to a tree
@dataclass
class _Element:
    kind: str  # one of _MARKERS, _LINK, or "" for the root
    href: str = ""
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Our tags as a tree; entities decoded; <br> as a newline; other tags dropped, their text
    kept; an unclosed tag ends with its parent (tolerant, as the catalogue is not validated)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("")
        self._open: list[tuple[str, _Element]] = [("", self.root)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._open[-1][1].children.append("\n")
            return
        kind = _TAGS.get(tag)
        if kind is None:
            return
        href = (dict(attrs).get("href") or "") if kind == _LINK else ""
        element = _Element(kind, href)
        self._open[-1][1].children.append(element)
        self._open.append((tag, element))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1][1].children.append(data)


def _parse(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------- public conversions
def to_whatsapp(html: str) -> str:
    """Our HTML as WhatsApp text: tags as markers, entities decoded, typed markers kept literal."""
    return _QUOTE_START.sub(JOINER + ">", _resolve(_render(_parse(html), frozenset())))


def plain(html: str) -> str:
    """Our HTML as bare text (tags dropped, entities decoded, nothing escaped), for the places
    WhatsApp does not format: list rows, template parameters."""
    return _plain(_parse(html))


def _plain(element: _Element) -> str:
    text = "".join(c if isinstance(c, str) else _plain(c) for c in element.children)
    if element.kind == _LINK:
        return _link(text, text, element.href, lambda url: url)
    return text


def _link(label: str, label_text: str, href: str, show_url: Callable[[str], str]) -> str:
    """``label (url)``, or the url alone when it is its own label. WhatsApp makes it clickable;
    a Telegram-only link (``tg://user?id=…``) keeps just its label."""
    href = href.strip()
    if not href or href.lower().startswith("tg:"):
        return label
    if label_text.strip() in ("", href):
        return show_url(href)
    return f"{label} ({show_url(href)})"


# --------------------------------------------------------------------------- rendering
def _escape_text(text: str) -> str:
    """Typed text: markers wrapped in joiners, except in web addresses (percent-encoded)."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out.append(text[last : match.start()].translate(_TEXT_ESCAPES))
        out.append(_escape_url(match.group()))
        last = match.end()
    out.append(text[last:].translate(_TEXT_ESCAPES))
    return "".join(out)


def _escape_url(url: str) -> str:
    return url.translate(_URL_ESCAPES).translate(_NO_STAND_INS)


def _render(element: _Element, active: frozenset[str]) -> str:
    """The element with stand-ins for our markers. A span inside one of its own kind, or any
    span inside mono (WhatsApp formats nothing there), adds no markers."""
    kind = element.kind
    inner_active = active
    if kind == MONO:
        inner_active = frozenset(_MARKERS)
    elif kind in _MARKERS:
        inner_active = active | {kind}
    inner = "".join(
        _escape_text(c) if isinstance(c, str) else _render(c, inner_active)
        for c in element.children
    )
    if kind == _LINK:
        return _link(inner, _plain(element), element.href, _escape_url)
    if kind not in _MARKERS or kind in active:
        return inner
    return "\n".join(_wrap_line(kind, line) for line in inner.split("\n"))


def _wrap_line(kind: str, line: str) -> str:
    """One line of a span: whitespace outside the markers ("* Hadir*" would not be bold), and
    no markers around nothing."""
    core = line.strip()
    if not core:
        return line
    lead = line[: len(line) - len(line.lstrip())]
    trail = line[len(line.rstrip()) :]
    return f"{lead}{_OPEN[kind]}{core}{_CLOSE[kind]}{trail}"


def _resolve(text: str) -> str:
    """Stand-ins to markers, keeping only the spans WhatsApp will honour. Dropping one span can
    change the neighbours of another ("x<b><i>y</i></b>"), so this repeats until none drops."""
    for marker in _MARKERS:  # "<b>a</b><b>b</b>" is one span "*ab*", not "*a**b*"
        text = text.replace(_CLOSE[marker] + _OPEN[marker], "")
    parts: list[str | tuple[int, bool]] = []
    kinds: list[str] = []
    stack: list[int] = []
    kept: set[int] = set()  # the pairs that close
    for part in _STAND_IN.split(text):
        kind = _KIND_OF.get(part)
        if kind is None:
            if part:
                parts.append(part)
        elif part == _OPEN[kind]:
            stack.append(len(kinds))
            kinds.append(kind)
            parts.append((stack[-1], True))
        elif stack and kinds[stack[-1]] == kind:
            kept.add(stack[-1])
            parts.append((stack.pop(), False))
    while True:
        out, where = _assemble(parts, kinds, kept)
        dropped = {pair for pair in kept if not _honoured(out, *where[pair], kinds[pair])}
        if not dropped:
            return out
        kept -= dropped


def _assemble(
    parts: list[str | tuple[int, bool]], kinds: list[str], kept: set[int]
) -> tuple[str, dict[int, tuple[int, int]]]:
    """The text with the kept pairs' markers, and where each pair's markers start."""
    out: list[str] = []
    size = 0
    opened: dict[int, int] = {}
    where: dict[int, tuple[int, int]] = {}
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            size += len(part)
            continue
        pair, opening = part
        if pair not in kept:
            continue
        if opening:
            opened[pair] = size
        else:
            where[pair] = (opened[pair], size)
        out.append(kinds[pair])
        size += len(kinds[pair])
    return "".join(out), where


def _honoured(text: str, start: int, end: int, marker: str) -> bool:
    """Would WhatsApp format the span whose markers start at ``start`` and ``end``? Also false
    when a typed marker of the same kind is inside: a reader that takes the joiner for
    punctuation (mautrix-whatsapp's regexes do) would end the span there."""
    width = len(marker)
    before = text[start - 1] if start else ""
    after = text[end + width] if end + width < len(text) else ""
    return (
        end > start + width
        and not _wordlike(before)
        and not _blank(text[start + width])
        and not _blank(text[end - 1])
        and not _wordlike(after)
        and f"{JOINER}{marker}{JOINER}" not in text[start + width : end]
    )


def _wordlike(char: str) -> bool:
    return char.isalnum() or char == JOINER


def _blank(char: str) -> bool:
    return char.isspace() or char == JOINER


# --------------------------------------------------------------------------- cutting to limits
def utf16_len(text: str) -> int:
    """Length as the API's limits count it, or more: UTF-16 units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


_PARAGRAPH, _LINE, _WORD, _ANYWHERE, _LAST_RESORT = 3, 2, 1, 0, -1
_EDGE = 9
_OVERHEAD = 2 * len("```*_~") + 1  # every kind of span closed and reopened, and a quote guard
# One of our markers, a typed marker with its joiners, a run of whitespace, or one character.
_TOKEN = re.compile(rf"```|{JOINER}[*_~`]{JOINER}|[*_~]|\s+|.", re.DOTALL)
_NO_CUT_BEFORE = {"Mn", "Mc", "Me", "Sk", "Cf"}  # combining marks, emoji modifiers, joiners


@dataclass(frozen=True)
class _Cut:
    """A place the text may be cut: ``text[start:end]`` (whitespace, or nothing) is dropped; the
    spans open there are closed before it and reopened after it; higher ranks are better."""

    start: int
    end: int
    rank: int
    open: tuple[str, ...]


def split(text: str, limit: int) -> list[str]:
    """WhatsApp text (from ``to_whatsapp``) in pieces of at most ``limit`` UTF-16 units: cut at
    the last paragraph break that fits, else line break, else space, else anywhere (one huge
    word); a line break that fills half a message beats a paragraph break that does not (a
    title alone is not worth a message). Never inside a typed marker or a character sequence.
    """
    text = text.strip()
    if not text:
        return []
    if utf16_len(text) <= limit:
        return [text]
    cuts, units = _cuts(text, limit), _units(text)
    starts = [cut.start for cut in cuts]
    current, last = _Cut(0, 0, _EDGE, ()), _Cut(len(text), len(text), _EDGE, ())
    pieces: list[str] = []
    while _size(text, units, current, last) > limit:
        best: _Cut | None = None
        best_score = 0
        for cut in cuts[bisect_right(starts, current.end) :]:
            if units[cut.start] - units[current.end] > limit:
                break
            size = _size(text, units, current, cut)
            # a line break that fills half a message beats a paragraph break that does not
            score = cut.rank + (_EDGE if cut.rank >= _LINE and 2 * size >= limit else 0)
            if size <= limit and (best is None or score >= best_score):
                best, best_score = cut, score
        if best is None:
            raise ValueError(f"{limit} is too small to cut {text[current.end :][:20]!r}")
        pieces.append(_piece(text, current, best))
        current = best
    pieces.append(_piece(text, current, last))
    return pieces


def split_tail(text: str, limit: int) -> tuple[str, str]:
    """``(head, tail)``: the longest tail of at most ``limit`` UTF-16 units cut at the best kind
    of boundary (whole paragraphs if the last one fits), and what comes before it (maybe "")."""
    text = text.strip()
    if utf16_len(text) <= limit:
        return "", text
    cuts, units = _cuts(text, limit), _units(text)
    first, last = _Cut(0, 0, _EDGE, ()), _Cut(len(text), len(text), _EDGE, ())
    best: _Cut | None = None
    for cut in reversed(cuts):
        if units[last.start] - units[cut.end] > limit:
            break
        if _size(text, units, cut, last) <= limit and (best is None or cut.rank >= best.rank):
            best = cut
    if best is None:
        raise ValueError(f"{limit} is too small to cut the end of {text[-20:]!r}")
    return _piece(text, first, best), _piece(text, best, last)


def _units(text: str) -> list[int]:
    """``units[i]``: the UTF-16 length of ``text[:i]``."""
    return [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]


def _cuts(text: str, limit: int) -> list[_Cut]:
    """The places between tokens, ranked, with the spans open there. Inside a word only when
    the word could not fit a piece whole (a piece's markers take at most ``_OVERHEAD``)."""
    tokens = _TOKEN.findall(text)
    long_word = _in_long_word(tokens, limit - _OVERHEAD)
    cuts: list[_Cut] = []
    stack: list[str] = []
    position = 0
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        if token.isspace():
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            rank = _space_rank(token, previous, following, bool(stack))
            cuts.append(_Cut(position, position + len(token), rank, tuple(stack)))
        elif long_word[index] and previous and not previous.isspace():
            rank = _ANYWHERE if _plain_pair(previous, token) else _LAST_RESORT
            cuts.append(_Cut(position, position, rank, tuple(stack)))
        if token in _MARKERS:
            if stack and stack[-1] == token:
                stack.pop()
            else:
                stack.append(token)
        position += len(token)
    return cuts


def _in_long_word(tokens: list[str], room: int) -> list[bool]:
    """For each token: is it part of a run without whitespace longer than ``room``?"""
    flags: list[bool] = []
    run: list[str] = []
    for token in [*tokens, " "]:
        if token.isspace():
            flags += [utf16_len("".join(run)) > room] * len(run) + [False]
            run = []
        else:
            run.append(token)
    return flags[: len(tokens)]


def _space_rank(space: str, previous: str, following: str, in_span: bool) -> int:
    """Paragraph, line or word break; inside a span, a word break next to a typed marker would
    leave our reopened marker touching a joiner, so that is a last resort."""
    if space.count("\n") >= 2:
        return _PARAGRAPH
    if "\n" in space:
        return _LINE
    if in_span and (_typed_marker(previous) or _typed_marker(following)):
        return _LAST_RESORT
    return _WORD


def _plain_pair(left: str, right: str) -> bool:
    """May a huge word be cut between these two tokens without breaking a marker, a combining
    sequence or an emoji?"""
    plain_tokens = all(t not in _MARKERS and not _typed_marker(t) for t in (left, right))
    return (
        plain_tokens
        and left[-1] != "\u200d"
        and unicodedata.category(right[0]) not in _NO_CUT_BEFORE
    )


def _typed_marker(token: str) -> bool:
    return len(token) == 3 and token[0] == JOINER


def _lead(text: str, cut: _Cut) -> str:
    """A piece that would start with ">" after a cut inside a line would be a WhatsApp quote."""
    if cut.open or cut.rank > _WORD or cut.end >= len(text) or text[cut.end] != ">":
        return ""
    return JOINER


def _piece(text: str, start: _Cut, end: _Cut) -> str:
    opening = _lead(text, start) + "".join(start.open)
    return _repair(opening + text[start.end : end.start] + "".join(reversed(end.open)))


def _repair(piece: str) -> str:
    """A last-resort cut inside a span (a line longer than a message, full of typed markers)
    can leave a reopened marker touching a joiner: such a span loses its markers, as in
    ``to_whatsapp``. Never makes the piece longer: a dropped pair frees two characters or more
    for the joiner that keeps a line from becoming a quote."""
    marked: list[str] = []
    stack: list[str] = []
    for token in _TOKEN.findall(piece):
        if token not in _MARKERS:
            marked.append(token)
        elif stack and stack[-1] == token:
            marked.append(_CLOSE[stack.pop()])
        else:
            stack.append(token)
            marked.append(_OPEN[token])
    repaired = _resolve("".join(marked))
    return piece if repaired == piece else _QUOTE_START.sub(JOINER + ">", repaired)


def _size(text: str, units: list[int], start: _Cut, end: _Cut) -> int:
    extra = len(_lead(text, start)) + len("".join(start.open)) + len("".join(end.open))
    return units[end.start] - units[start.end] + extra
