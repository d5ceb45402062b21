"""A neutral message as WhatsApp messages: text under 4096, bodies under 1024, reply buttons
or lists within their limits, ids unchanged."""

from __future__ import annotations

import random

import pytest

from handlers.i18n import escape
from models.messages import Button
from tests.unit.test_whatsapp_markup import assert_formatting_is_ours, visible
from whatsapp.layout import (
    MAX_BODY,
    MAX_BUTTON_TITLE,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT,
    ButtonsOut,
    LayoutError,
    ListOut,
    Out,
    Row,
    TextOut,
    fits_buttons,
    layout,
    shorten,
    unique_titles,
)
from whatsapp.markup import to_whatsapp, utf16_len


def buttons(*labels: str) -> list[list[Button]]:
    return [[Button(label, f"rv:1:{index}:h")] for index, label in enumerate(labels)]


# --------------------------------------------------------------------------- text only
def test_a_short_text_is_one_text_message() -> None:
    assert layout("Rapat <b>Pokjanal</b> besok.", []) == [TextOut("Rapat *Pokjanal* besok.")]


def test_an_empty_text_without_buttons_sends_nothing() -> None:
    assert layout(" \n", []) == []


def test_a_long_text_is_cut_at_paragraphs_under_4096_never_inside_a_span() -> None:
    paragraph = "• <b>" + escape("Posyandu *Melati*") + "</b> — hadir " + "kata " * 60
    html = "\n\n".join(f"{index}. {paragraph}" for index in range(40))
    out = layout(html, [])
    assert len(out) > 1
    assert all(isinstance(part, TextOut) and utf16_len(part.body) <= MAX_TEXT for part in out)
    for part in out:
        assert isinstance(part, TextOut)
        assert_formatting_is_ours(part.body)
        assert part.body.startswith(("0. ", "1", "2", "3"))  # whole paragraphs
    assert _squeezed("".join(visible(p.body) for p in out if isinstance(p, TextOut))) == (
        _squeezed(visible(to_whatsapp(html)))
    )


# --------------------------------------------------------------------------- reply buttons
def test_three_buttons_are_reply_buttons_with_our_callback_data() -> None:
    rows = [[Button("Hadir", "rv:1:7:h"), Button("Diwakilkan", "rv:1:7:w")]]
    rows.append([Button("Tidak hadir", "rv:1:7:t")])
    [out] = layout("Apakah <b>Bapak/Ibu</b> hadir?", rows)
    assert out == ButtonsOut(
        "Apakah *Bapak/Ibu* hadir?",
        (("rv:1:7:h", "Hadir"), ("rv:1:7:w", "Diwakilkan"), ("rv:1:7:t", "Tidak hadir")),
    )


def test_four_buttons_are_a_list() -> None:
    [out] = layout("Pilih peran:", buttons("Kader", "OPD", "Camat", "Lurah"))
    assert isinstance(out, ListOut)
    assert out.button == "Pilih"
    assert [row.title for row in out.rows] == ["Kader", "OPD", "Camat", "Lurah"]
    assert [row.id for row in out.rows] == [f"rv:1:{i}:h" for i in range(4)]
    assert all(row.description is None for row in out.rows)


def test_a_label_too_long_for_a_button_makes_a_list_with_the_label_in_the_description() -> None:
    label = "Laporan kegiatan Posyandu Melati Baruga"
    [out] = layout("Pilih:", buttons("Ya", label))
    assert isinstance(out, ListOut)
    assert out.rows[0] == Row("rv:1:0:h", "Ya")
    row = out.rows[1]
    assert row.title == "Laporan kegiatan…"
    assert utf16_len(row.title) <= MAX_ROW_TITLE
    assert row.description == label


def test_a_label_that_fits_a_row_title_keeps_no_description() -> None:
    label = "Rapat koordinasi bulanan"  # 24: too long for a button, fits a row
    [out] = layout("Pilih:", buttons(label))
    assert isinstance(out, ListOut)
    assert out.rows == (Row("rv:1:0:h", label),)


def test_a_very_long_label_is_cut_in_the_description_too() -> None:
    label = "Tindak lanjut " + "sangat panjang " * 10
    [out] = layout("Pilih:", buttons(label))
    assert isinstance(out, ListOut)
    description = out.rows[0].description
    assert description is not None
    assert utf16_len(description) <= MAX_ROW_DESCRIPTION
    assert description.endswith("…")
    assert label.startswith(description[:-1])


def test_more_than_ten_choices_make_several_lists_evenly_filled() -> None:
    out = layout("Pilih rapat:", buttons(*(f"Rapat {n}" for n in range(23))))
    assert [type(part) for part in out] == [ListOut, ListOut, ListOut]
    lists = [part for part in out if isinstance(part, ListOut)]
    assert [len(part.rows) for part in lists] == [8, 8, 7]
    assert [part.body for part in lists] == ["Pilih rapat:", "(lanjutan 2/3)", "(lanjutan 3/3)"]
    ids = [row.id for part in lists for row in part.rows]
    assert ids == [f"rv:1:{n}:h" for n in range(23)]


def test_eleven_choices_are_six_and_five_with_my_own_wording() -> None:
    out = layout(
        "Pick:", buttons(*map(str, range(11))), list_button="Choose", continued="({index})"
    )
    assert [(p.body, p.button, len(p.rows)) for p in out if isinstance(p, ListOut)] == [
        ("Pick:", "Choose", 6),
        ("(2)", "Choose", 5),
    ]


def test_duplicate_titles_are_numbered_within_the_limit() -> None:
    [out] = layout("Pilih:", buttons("Hadir", "Hadir", "Tidak"))
    assert isinstance(out, ButtonsOut)
    assert [title for _, title in out.buttons] == ["Hadir", "Hadir (2)", "Tidak"]
    long = "Laporan kegiatan Posyandu"
    [listed] = layout("Pilih:", buttons(long + " Melati", long + " Mawar", "X", "Y"))
    assert isinstance(listed, ListOut)
    titles = [row.title for row in listed.rows]
    assert titles[:2] == ["Laporan kegiatan…", "Laporan kegiatan… (2)"]
    assert [row.description for row in listed.rows[:2]] == [long + " Melati", long + " Mawar"]


def test_unique_titles_cut_the_base_to_make_room() -> None:
    titles = unique_titles(["Sekretariat Pokjanal", "Sekretariat Pokjanal"], MAX_BUTTON_TITLE)
    assert titles == ["Sekretariat Pokjanal", "Sekretariat… (2)"]
    assert unique_titles(["A", "A (2)", "A"], 20) == ["A", "A (2)", "A (3)"]


def test_fits_buttons() -> None:
    assert fits_buttons(["Ya", "Tidak", "Nanti"])
    assert not fits_buttons([])
    assert not fits_buttons(["a", "b", "c", "d"])
    assert not fits_buttons(["x" * 21])
    assert fits_buttons(["  Ya\nsetuju  "])  # one line: "Ya setuju"


def test_shorten_cuts_at_a_word_or_inside_one_long_word() -> None:
    assert shorten("Rapat", 10) == "Rapat"
    assert shorten("Rapat koordinasi bulanan", 20) == "Rapat koordinasi…"
    assert shorten("Supercalifragilistik", 10) == "Supercali…"
    assert shorten("😀" * 10, 5) == "😀😀…"


# --------------------------------------------------------------------------- long text + buttons
def test_a_long_text_with_buttons_sends_the_head_as_text_and_the_question_as_body() -> None:
    notice = "\n\n".join(f"<b>Bagian {n}</b>: " + "isi " * 80 for n in range(5))
    html = notice + "\n\nApakah Bapak/Ibu <b>setuju</b>?"
    out = layout(html, buttons("Setuju", "Tidak setuju"))
    *head, last = out
    assert head and all(isinstance(part, TextOut) for part in head)
    assert isinstance(last, ButtonsOut)
    assert utf16_len(last.body) <= MAX_BODY
    assert last.body.endswith("Apakah Bapak/Ibu *setuju*?")
    assert last.body.startswith("*Bagian")  # whole paragraphs
    for part in out:
        assert_formatting_is_ours(part.body)


def test_a_last_paragraph_longer_than_a_body_is_cut_at_a_line() -> None:
    html = "Awal.\n\n" + "\n".join(f"baris {n} " + "isi " * 20 for n in range(30))
    *head, last = layout(html, buttons("Ya"))
    assert isinstance(last, ButtonsOut)
    assert utf16_len(last.body) <= MAX_BODY
    assert last.body.startswith("baris ") and last.body.endswith("isi")
    assert head[0] == TextOut(head[0].body) and head[0].body.startswith("Awal.")


def test_buttons_without_text_get_a_body() -> None:
    assert layout("", [[Button("Ya", "y")]]) == [ButtonsOut("Pilih", (("y", "Ya"),))]


# --------------------------------------------------------------------------- refused
def test_ids_too_long_or_repeated_are_refused() -> None:
    with pytest.raises(LayoutError):
        layout("x", [[Button("Ya", "y"), Button("Tidak", "y")]])
    with pytest.raises(LayoutError):
        layout("x", [[Button(f"B{n}", "x" * 201)] for n in range(4)])
    with pytest.raises(LayoutError):
        TextOut("x" * (MAX_TEXT + 1))
    with pytest.raises(LayoutError):
        Row("id", "x" * (MAX_ROW_TITLE + 1))


# --------------------------------------------------------------------------- every limit, always
WORDS = ["Rapat", "Posyandu", "*penting*", "_a_b_", "~", "😀", "Sekretariat", "Bapak/Ibu", ">"]


def random_message(rng: random.Random) -> tuple[str, list[list[Button]]]:
    paragraphs = []
    for _ in range(rng.randint(0, 8)):
        lines = []
        for _ in range(rng.randint(1, 5)):
            words = [escape(rng.choice(WORDS)) for _ in range(rng.randint(1, 60))]
            if rng.random() < 0.5:
                start = rng.randrange(len(words))
                words[start] = f"<b>{words[start]}"
                words[-1] += "</b>"
            lines.append(" ".join(words))
        paragraphs.append("\n".join(lines))
    labels = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.choice([0, 1, 2, 3, 4, 9, 10, 11, 25]))
    ]
    labels += labels[: rng.randint(0, 2)]  # some duplicates
    return "\n\n".join(paragraphs), [[Button(label, f"ac:1:{n}")] for n, label in enumerate(labels)]


def assert_within_limits(part: Out) -> None:
    if isinstance(part, TextOut):
        assert 0 < utf16_len(part.body) <= MAX_TEXT
        return
    assert 0 < utf16_len(part.body) <= MAX_BODY
    if isinstance(part, ButtonsOut):
        assert 0 < len(part.buttons) <= 3
        titles = [title for _, title in part.buttons]
        assert all(0 < utf16_len(title) <= MAX_BUTTON_TITLE for title in titles)
        assert len(set(titles)) == len(titles)
        assert len({id_ for id_, _ in part.buttons}) == len(part.buttons)
        return
    assert 0 < len(part.rows) <= 10
    assert 0 < utf16_len(part.button) <= 20
    titles = [row.title for row in part.rows]
    assert all(0 < utf16_len(title) <= MAX_ROW_TITLE for title in titles)
    assert len(set(titles)) == len(titles)
    assert all(utf16_len(row.description or "") <= MAX_ROW_DESCRIPTION for row in part.rows)
    assert all(0 < len(row.id) <= 200 for row in part.rows)
    assert len({row.id for row in part.rows}) == len(part.rows)


def test_random_messages_respect_every_limit_and_keep_text_and_ids() -> None:
    rng = random.Random(1945)
    for _ in range(300):
        html, rows = random_message(rng)
        out = layout(html, rows)
        for part in out:
            assert_within_limits(part)
            assert_formatting_is_ours(part.body)
        ids: list[str] = []
        for part in out:
            if isinstance(part, ButtonsOut):
                ids += [id_ for id_, _ in part.buttons]
            elif isinstance(part, ListOut):
                ids += [row.id for row in part.rows]
        assert ids == [button.callback_data for row in rows for button in row]
        if html.strip():
            texts = [p.body for p in out if isinstance(p, TextOut)]
            texts += [p.body for p in out if not isinstance(p, TextOut)][:1]
            assert _squeezed("".join(map(visible, texts))) == _squeezed(visible(to_whatsapp(html)))


def _squeezed(text: str) -> str:
    return "".join(text.split())
