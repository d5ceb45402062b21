"""Both languages say the same things, with the same placeholders, and escape what users type."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers.i18n import CATALOGUES, CLI_CATALOGUES, placeholders, t
from handlers.texts import en
from handlers.texts import id as id_texts


def test_every_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    for pair in ((id_texts.TEXTS, en.TEXTS), (id_texts.CLI_TEXTS, en.CLI_TEXTS)):
        indonesian, english = pair
        assert set(indonesian) == set(english)
        for key in indonesian:
            assert placeholders(indonesian[key]) == placeholders(english[key]), key
    assert set(CATALOGUES) == set(CLI_CATALOGUES) == {"id", "en"}


def test_values_are_html_escaped() -> None:
    text = t("id", "register.linked", name="<b>Iseng</b> & Co", role="OPD", organization="x")
    assert "&lt;b&gt;Iseng&lt;/b&gt; &amp; Co" in text


def test_unknown_language_falls_back_to_indonesian() -> None:
    assert t("fr", "cancel.done") == "Dibatalkan."


def test_no_handler_writes_a_user_visible_string_inline() -> None:
    """Handlers send only catalogue texts: no string literal is passed to a send or answer call."""
    sends = {"send_message", "reply_text", "answer", "edit_text", "edit_message_text"}
    offenders = []
    files = sorted((Path(__file__).parents[2] / "handlers").glob("*.py"))
    assert len(files) >= 8  # the rule is checked on the real handlers, wherever pytest runs
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in sends
            ):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    literal = isinstance(arg, ast.JoinedStr) or (
                        isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value
                    )
                    if literal:
                        offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


def test_no_key_is_written_twice_in_a_catalogue() -> None:
    """A dict literal keeps the last of two equal keys silently: the first text would be lost."""
    for path in sorted((Path(__file__).parents[2] / "handlers" / "texts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert len(keys) == len(set(keys)), (
                    path.name,
                    sorted(k for k in keys if keys.count(k) > 1),
                )


def test_the_sanggau_and_luwu_timur_times_read_the_indonesian_way() -> None:
    from datetime import UTC, datetime

    from handlers.people_view import format_when

    sanggau = datetime(2019, 11, 7, 2, 0, tzinfo=UTC)
    assert format_when("id", sanggau, "Asia/Pontianak") == "Kamis, 7 November 2019 pukul 09.00 WIB"
    luwu = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)
    assert format_when("id", luwu, "Asia/Makassar") == "Rabu, 6 Desember 2023 pukul 09.00 WITA"
    assert format_when("en", luwu, "Asia/Makassar") == "Wednesday, 6 December 2023, 09:00 WITA"
