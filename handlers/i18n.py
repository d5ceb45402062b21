"""The message catalogue: every user-visible text, per language, looked up by key.

Values passed in are HTML-escaped here, once, because every message is sent with
``parse_mode=HTML``: a name typed as ``<b>Iseng</b> & Co`` must arrive as typed, not as markup
(and not as a Telegram 400 for a broken entity). Pre-rendered markup is wrapped in ``Markup``.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from handlers.texts import en
from handlers.texts import id as id_texts

CATALOGUES: Mapping[str, Mapping[str, str]] = {"id": id_texts.TEXTS, "en": en.TEXTS}
CLI_CATALOGUES: Mapping[str, Mapping[str, str]] = {"id": id_texts.CLI_TEXTS, "en": en.CLI_TEXTS}
DEFAULT_LANGUAGE = "id"
LANGUAGES = tuple(CATALOGUES)


class Markup(str):
    """Text that is already safe HTML (rendered by us), so ``t`` does not escape it again."""


def escape(value: object) -> str:
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


def language_of(code: str | None) -> str:
    """Map a Telegram ``language_code`` or a stored preference to one of our catalogues."""
    if code and code.split("-")[0].lower() in CATALOGUES:
        return code.split("-")[0].lower()
    return DEFAULT_LANGUAGE


def t(lang: str | None, key: str, **values: object) -> Markup:
    """The text for ``key`` in ``lang`` (Indonesian when missing), with values escaped."""
    catalogue = CATALOGUES.get(language_of(lang), CATALOGUES[DEFAULT_LANGUAGE])
    template = catalogue.get(key) or CATALOGUES[DEFAULT_LANGUAGE][key]
    return Markup(template.format(**{name: escape(v) for name, v in values.items()}))


def t_plain(lang: str | None, key: str, **values: object) -> str:
    """For plain-text places (callback answers, alerts): Telegram shows them unparsed, so
    escaping would print "&amp;" to the user."""
    catalogue = CATALOGUES.get(language_of(lang), CATALOGUES[DEFAULT_LANGUAGE])
    template = catalogue.get(key) or CATALOGUES[DEFAULT_LANGUAGE][key]
    return template.format(**{name: str(v) for name, v in values.items()})


def placeholders(template: str) -> set[str]:
    """Names used in a template; the catalogue test checks both languages agree."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plain(lang: str | None, key: str, **values: object) -> str:
    """A command-line text: same languages, no HTML escaping (a terminal is not a chat)."""
    catalogue = CLI_CATALOGUES.get(language_of(lang), CLI_CATALOGUES[DEFAULT_LANGUAGE])
    template = catalogue.get(key) or CLI_CATALOGUES[DEFAULT_LANGUAGE][key]
    return template.format(**values)
