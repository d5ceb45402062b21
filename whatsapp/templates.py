"""The message templates the bot sends outside WhatsApp's 24-hour window.

Meta lets a business start a conversation (or write after 24 hours of silence) only with a
template it approved beforehand. The bot needs two, in each approved language: the invitation
(its details as parameters, and the three answers as quick-reply buttons carrying the same
callback data as the interactive buttons), and a general message that carries any other
notification (reminder, nudge, escalation, broadcast) as one parameter. ``definitions`` gives
them in Meta's template-creation format (``pokjanal whatsapp templates --json``), and
``call_for`` builds the send that must match them: the same names, languages and parameter
counts (a test holds the two together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.i18n import t_plain
from models.messages import Rendered
from whatsapp.markup import plain

INVITATION, MESSAGE = "invitation", "message"
CATEGORY = "UTILITY"  # meeting invitations and reminders: transactional, not marketing
# Meta refuses a parameter with a newline, a tab or more than four spaces in a row (132018),
# and a body over 1024 characters: a longer message goes as several templates, in parts.
PARAM_MAX = 800
NAME_MAX = 60

BODIES = {
    INVITATION: {
        "id": (
            "Undangan dari {{1}}: {{2}}, {{3}}, di {{4}}. Mohon dijawab sebelum {{5}} dengan "
            "tombol di bawah ini."
        ),
        "en": (
            "Invitation from {{1}}: {{2}}, {{3}}, at {{4}}. Please answer before {{5}} with the "
            "buttons below."
        ),
    },
    MESSAGE: {
        "id": "Pesan dari {{1}}:\n\n{{2}}\n\nBalas pesan ini untuk melanjutkan.",
        "en": "Message from {{1}}:\n\n{{2}}\n\nReply to this message to continue.",
    },
}
EXAMPLES = {
    INVITATION: (
        "Pokjanal Posyandu Kabupaten Luwu Timur",
        "Rakor Pokjanal Posyandu",
        "Rabu, 6 Desember 2023 pukul 09.00 WITA",
        "Aula Hotel I Lagaligo, Malili",
        "Senin, 4 Desember 2023 pukul 09.00 WITA",
    ),
    MESSAGE: (
        "Pokjanal Posyandu Kabupaten Luwu Timur",
        "Pengingat: Rakor Pokjanal Posyandu besok pukul 09.00 WITA di Aula Hotel I Lagaligo.",
    ),
}
ANSWER_KEYS = ("rsvp.hadir", "rsvp.diwakilkan", "rsvp.tidak_hadir")


@dataclass(frozen=True)
class TemplateBook:
    """The names and languages the operator submitted (settings)."""

    invitation_name: str = "pokjanal_undangan"
    message_name: str = "pokjanal_pesan"
    languages: tuple[str, ...] = ("id", "en")

    def name(self, which: str) -> str:
        return self.invitation_name if which == INVITATION else self.message_name

    def language(self, wanted: str) -> str:
        return wanted if wanted in self.languages else self.languages[0]


def flatten(text: str, limit: int = PARAM_MAX) -> str:
    """Text fit to be a template parameter: one line, no tabs, no long runs of spaces."""
    joined = _one_line(text)
    if len(joined) > limit:
        joined = joined[: limit - 1].rstrip() + "…"
    return joined or "-"


def _one_line(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return " · ".join(line for line in lines if line)


def parts(text: str, limit: int = PARAM_MAX) -> list[str]:
    """The whole text as parameters of at most ``limit`` characters, cut between words, each
    numbered when there are several: nothing of a long broadcast is lost."""
    room = limit - len(" (99/99)")
    pieces: list[str] = []
    current = ""
    for word in _one_line(text).split(" "):
        while len(word) > room:  # a word longer than a part (a long link): cut it
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:room])
            word = word[room:]
        if current and len(current) + 1 + len(word) > room:
            pieces.append(current)
            current = ""
        current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    if len(pieces) <= 1:
        return pieces or ["-"]
    return [f"{piece} ({n}/{len(pieces)})" for n, piece in enumerate(pieces, 1)]


def parameter_count(which: str) -> int:
    return len(set(re.findall(r"\{\{(\d+)\}\}", BODIES[which]["id"])))


def definitions(book: TemplateBook) -> list[dict[str, Any]]:
    """Every template in every language, as ``POST /<waba_id>/message_templates`` takes it."""
    found = []
    for which in (INVITATION, MESSAGE):
        for lang in book.languages:
            components: list[dict[str, Any]] = [
                {
                    "type": "BODY",
                    "text": BODIES[which][lang],
                    "example": {"body_text": [list(EXAMPLES[which])]},
                }
            ]
            if which == INVITATION:
                components.append(
                    {
                        "type": "BUTTONS",
                        "buttons": [
                            {"type": "QUICK_REPLY", "text": t_plain(lang, key)}
                            for key in ANSWER_KEYS
                        ],
                    }
                )
            found.append(
                {
                    "name": book.name(which),
                    "language": lang,
                    "category": CATEGORY,
                    "components": components,
                }
            )
    return found


@dataclass(frozen=True)
class TemplateCall:
    name: str
    language: str
    components: list[dict[str, Any]]


def calls_for(
    book: TemplateBook, rendered: Rendered, *, language: str, body_name: str
) -> list[TemplateCall]:
    """The template sends for a message: the invitation's own template when the renderer gave
    its parameters, else the general one carrying the whole text (in parts if long)."""
    lang = book.language(language)
    if rendered.template == INVITATION and len(rendered.params) == parameter_count(INVITATION):
        params = [flatten(p) for p in rendered.params]
        buttons = [b for row in rendered.buttons for b in row][: len(ANSWER_KEYS)]
        components: list[dict[str, Any]] = [_body(params)]
        components += [
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": button.callback_data}],
            }
            for index, button in enumerate(buttons)
        ]
        return [TemplateCall(book.name(INVITATION), lang, components)]
    name = flatten(body_name, NAME_MAX)
    return [
        TemplateCall(book.name(MESSAGE), lang, [_body([name, part])])
        for part in parts(plain(rendered.text))
    ]


def _body(params: list[str]) -> dict[str, Any]:
    return {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
