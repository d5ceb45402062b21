"""One neutral message (our HTML and rows of buttons) as the WhatsApp messages that can show it.

Telegram takes 4096 characters and any number of inline buttons under one message; the Cloud API
does not (see /work/shared/whatsapp/README.md):

- a text message holds at most 4096 characters, so longer text goes out in several, cut at
  paragraph, then line boundaries (``markup.split``), never inside a bold or italic span;
- an interactive message's body holds at most 1024, so the head of a longer text goes out first
  as text and the body keeps the last paragraphs, the question the buttons answer;
- 1 to 3 reply buttons with titles of at most 20 characters; anything else becomes a list (one
  button that opens up to 10 rows, titles of 24, descriptions of 72), and more than 10 choices
  become several lists.

Button and row ids are our callback data unchanged: the answer comes back with the id and the
bot decodes it as it does a Telegram callback. Button labels are plain text, as on Telegram
(labels are shown raw there, never as HTML), so they are not run through the HTML converter.

The results are plain frozen dataclasses, not pywa types, and check the limits when built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from models.messages import Button
from whatsapp.markup import split, split_tail, to_whatsapp, utf16_len

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
ELLIPSIS = "…"
CONTINUED = "(lanjutan {index}/{total})"
"""The body of the second and later lists when there are more than 10 choices."""


class LayoutError(ValueError):
    """A message WhatsApp would refuse: a bug in the caller (ids) or here (limits)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise LayoutError(message)


def _check_text(text: str, limit: int, what: str) -> None:
    _require(bool(text.strip()), f"{what} is empty")
    _require(utf16_len(text) <= limit, f"{what} is longer than {limit}: {text[:40]!r}…")


def _check_ids(ids: Sequence[str], limit: int) -> None:
    for id_ in ids:
        _require(0 < len(id_) <= limit, f"id {id_!r} is empty or longer than {limit}")
    _require(len(set(ids)) == len(ids), f"ids are not unique: {list(ids)}")


def _check_titles(titles: Sequence[str], limit: int) -> None:
    for title in titles:
        _check_text(title, limit, "title")
    _require(len(set(titles)) == len(titles), f"titles are not unique: {list(titles)}")


@dataclass(frozen=True)
class TextOut:
    """A text message."""

    body: str

    def __post_init__(self) -> None:
        _check_text(self.body, MAX_TEXT, "text")


@dataclass(frozen=True)
class ButtonsOut:
    """An interactive message with 1-3 reply buttons, as ``(id, title)`` pairs."""

    body: str
    buttons: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        _check_text(self.body, MAX_BODY, "body")
        _require(0 < len(self.buttons) <= MAX_BUTTONS, f"{len(self.buttons)} reply buttons")
        _check_ids([id_ for id_, _ in self.buttons], MAX_BUTTON_ID)
        _check_titles([title for _, title in self.buttons], MAX_BUTTON_TITLE)


@dataclass(frozen=True)
class Row:
    """One choice of a list; ``description`` holds a label too long for the title."""

    id: str
    title: str
    description: str | None = None

    def __post_init__(self) -> None:
        _check_text(self.title, MAX_ROW_TITLE, "row title")
        if self.description is not None:
            _check_text(self.description, MAX_ROW_DESCRIPTION, "row description")


@dataclass(frozen=True)
class ListOut:
    """An interactive list: ``button`` opens the rows (at most 10)."""

    body: str
    button: str
    rows: tuple[Row, ...]

    def __post_init__(self) -> None:
        _check_text(self.body, MAX_BODY, "body")
        _check_text(self.button, MAX_LIST_BUTTON, "list button")
        _require(0 < len(self.rows) <= MAX_ROWS, f"{len(self.rows)} rows")
        _check_ids([row.id for row in self.rows], MAX_ROW_ID)
        _check_titles([row.title for row in self.rows], MAX_ROW_TITLE)


Out = TextOut | ButtonsOut | ListOut


def layout(
    text_html: str,
    buttons: Sequence[Sequence[Button]],
    *,
    list_button: str = "Pilih",
    continued: str = CONTINUED,
) -> list[Out]:
    """The WhatsApp messages for one neutral message, in sending order.

    ``list_button`` labels the button that opens a list (and is the body when there is no
    text); ``continued`` is the body of the later lists, formatted with ``index`` and ``total``.
    """
    text = to_whatsapp(text_html)
    choices = [button for row in buttons for button in row]
    if not choices:
        return [TextOut(piece) for piece in split(text, MAX_TEXT)]
    head, body = split_tail(text, MAX_BODY)
    out: list[Out] = [TextOut(piece) for piece in split(head, MAX_TEXT)]
    body = body or button_title(list_button)
    if fits_buttons([button.label for button in choices]):
        titles = unique_titles([button_title(b.label) for b in choices], MAX_BUTTON_TITLE)
        pairs = tuple((b.callback_data, title) for b, title in zip(choices, titles, strict=True))
        return [*out, ButtonsOut(body, pairs)]
    return [*out, *lists(body, choices, list_button=list_button, continued=continued)]


def fits_buttons(labels: Sequence[str]) -> bool:
    """Reply buttons (one tap, always visible) when there are 1-3 labels that fit a title
    whole; otherwise a list, whose rows have room for longer labels."""
    return 0 < len(labels) <= MAX_BUTTONS and all(
        utf16_len(button_title(label)) <= MAX_BUTTON_TITLE for label in labels
    )


def button_title(label: str) -> str:
    """A label on one line (a title has no room for line breaks), never empty."""
    return _one_line(label) or "-"


def lists(
    body: str,
    choices: Sequence[Button],
    *,
    list_button: str = "Pilih",
    continued: str = CONTINUED,
) -> list[ListOut]:
    """Lists of at most 10 rows, as evenly filled as possible (11 choices: 6 and 5, not 10 and
    1); the first carries ``body``, the others say they continue it."""
    button = shorten(_one_line(list_button), MAX_LIST_BUTTON) or "-"
    groups = _even_groups(list(choices), MAX_ROWS)
    out: list[ListOut] = []
    for index, group in enumerate(groups, start=1):
        text = body if index == 1 else continued.format(index=index, total=len(groups))
        out.append(ListOut(shorten(text, MAX_BODY), button, rows(group)))
    return out


def rows(choices: Sequence[Button]) -> tuple[Row, ...]:
    """A row per choice: the label as the title when it fits; else the title is the label cut
    at a word with "…" and the description holds the label (cut at 72 if it must be)."""
    labels = [button_title(button.label) for button in choices]
    titles = unique_titles([shorten(label, MAX_ROW_TITLE) for label in labels], MAX_ROW_TITLE)
    out: list[Row] = []
    for button, label, title in zip(choices, labels, titles, strict=True):
        cut = utf16_len(label) > MAX_ROW_TITLE
        description = shorten(label, MAX_ROW_DESCRIPTION) if cut else None
        out.append(Row(button.callback_data, title, description))
    return tuple(out)


def unique_titles(titles: Sequence[str], limit: int) -> list[str]:
    """WhatsApp refuses two reply buttons with one title, and two rows alike would puzzle the
    reader: the second "Hadir" becomes "Hadir (2)", its base cut shorter if it must be."""
    out: list[str] = []
    for title in titles:
        candidate, number = title, 1
        while candidate in out:
            number += 1
            suffix = f" ({number})"
            candidate = shorten(title, limit - utf16_len(suffix)) + suffix
        out.append(candidate)
    return out


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits, else cut after a word (or anywhere, for one long word) with "…"."""
    if utf16_len(text) <= limit:
        return text
    room = limit - utf16_len(ELLIPSIS)
    head = _prefix(text, room)
    if not text[len(head)].isspace() and " " in head:
        words = head[: head.rfind(" ")]
        if utf16_len(words) >= room // 2:  # unless a word boundary wastes half the room
            head = words
    return head.rstrip(" ,.;:-–—…") + ELLIPSIS


def _prefix(text: str, units: int) -> str:
    """The longest prefix of at most ``units`` UTF-16 units, not ending inside a character."""
    total = 0
    for index, char in enumerate(text):
        total += utf16_len(char)
        if total > units:
            return text[:index]
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _even_groups(items: list[Button], size: int) -> list[list[Button]]:
    if not items:
        return []
    count = math.ceil(len(items) / size)
    base, extra = divmod(len(items), count)
    groups: list[list[Button]] = []
    start = 0
    for index in range(count):
        end = start + base + (1 if index < extra else 0)
        groups.append(items[start:end])
        start = end
    return groups
