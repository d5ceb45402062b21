"""Catalogue HTML to WhatsApp text: our tags become formatting, what people typed never does.

``whatsapp_spans`` is a small reference of how a WhatsApp client finds formatting (a pair of
markers on one line, the opening one after a boundary and before a non-space, the closing one
after a non-space and before a boundary), in three readings of the invisible WORD JOINER we put
around typed markers: as a letter, as a space, and mautrix-whatsapp's stricter regexes (an
opening marker only after whitespace, ``>``, another marker or the line's start).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from handlers.i18n import escape, t
from handlers.texts import en
from handlers.texts import id as id_texts
from whatsapp.markup import JOINER, plain, split, split_tail, to_whatsapp, utf16_len

J = JOINER
MODELS = ("letter", "space", "mautrix")
MARKERS = ("```", "*", "_", "~")


@dataclass(frozen=True)
class Span:
    marker: str
    content: str
    start: int  # the opening marker's index in the text
    end: int  # the index just after the closing marker


def _word(char: str, model: str) -> bool:
    return char.isalnum() or (model == "letter" and char == J)


def _space(char: str, model: str) -> bool:
    return char.isspace() or (model == "space" and char == J)


def _opens(line: str, at: int, marker: str, model: str) -> bool:
    before = line[at - 1] if at else ""
    after = line[at + len(marker) : at + len(marker) + 1]
    if model == "mautrix":
        return (before == "" or before.isspace() or before in ">*_~") and after != ""
    return not _word(before, model) and after != "" and not _space(after, model)


def _closes(line: str, at: int, marker: str, model: str) -> bool:
    before = line[at - 1]
    after = line[at + len(marker) : at + len(marker) + 1]
    if model == "mautrix":
        return not (after.isascii() and after.isalnum())
    return not _space(before, model) and not _word(after, model)


def whatsapp_spans(text: str, model: str) -> list[Span]:
    """The formatted spans a WhatsApp client would show in ``text`` (reference, per line)."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        for marker in MARKERS:
            at = line.find(marker)
            while at != -1:
                close = line.find(marker, at + len(marker) + 1)
                while close != -1 and not _closes(line, close, marker, model):
                    close = line.find(marker, close + 1)
                if close != -1 and _opens(line, at, marker, model):
                    content = line[at + len(marker) : close]
                    spans.append(Span(marker, content, offset + at, offset + close + len(marker)))
                    at = line.find(marker, close + len(marker))
                else:
                    at = line.find(marker, at + 1)
        offset += len(line) + 1
    return sorted(spans, key=lambda span: span.start)


def raw_markers(text: str) -> set[int]:
    """Indexes of the marker characters we wrote (a typed one has a joiner on each side)."""
    found: set[int] = set()
    at = 0
    while at < len(text):
        if text.startswith("```", at):
            found |= {at, at + 1, at + 2}
            at += 3
            continue
        touches_joiner = (at and text[at - 1] == J) or text[at + 1 : at + 2] == J
        if text[at] in "*_~" and not touches_joiner:
            found.add(at)
        at += 1
    return found


def span_markers(spans: list[Span]) -> set[int]:
    found: set[int] = set()
    for span in spans:
        width = len(span.marker)
        found |= set(range(span.start, span.start + width)) | set(range(span.end - width, span.end))
    return found


def visible(text: str) -> str:
    """What the reader sees: our markers gone, joiners invisible."""
    markers = raw_markers(text)
    return "".join(c for i, c in enumerate(text) if i not in markers).replace(J, "")


def assert_formatting_is_ours(text: str) -> None:
    """Every marker we wrote is part of a shown span, and nothing else is (typed markers).

    mautrix-whatsapp's regexes do not take punctuation before an opening marker, so they can
    miss one of our spans and then read its closing marker as an opening one; all we ask of
    that reading is that no span starts at a typed marker."""
    for model in ("letter", "space"):
        assert span_markers(whatsapp_spans(text, model)) == raw_markers(text), (model, text)
    assert {span.start for span in whatsapp_spans(text, "mautrix")} <= raw_markers(text), text


# --------------------------------------------------------------------------- the reference
def test_the_reference_checker_reads_whatsapp_formatting() -> None:
    for model in MODELS:
        assert [s.content for s in whatsapp_spans("a *b c* d", model)] == ["b c"]
        assert whatsapp_spans("a*b*c", model) == []
        assert [s.content for s in whatsapp_spans("*a*\n_b_", model)] == ["a", "b"]
        assert whatsapp_spans("*a\nb*", model) == []
    for model in ("letter", "space"):
        assert whatsapp_spans("* Hadir*", model) == []
        assert whatsapp_spans("*Hadir *", model) == []


# --------------------------------------------------------------------------- tags
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b>Hadir</b>", "*Hadir*"),
        ("<strong>Hadir</strong>", "*Hadir*"),
        ("<i>Hadir</i>", "_Hadir_"),
        ("<em>Hadir</em>", "_Hadir_"),
        ("<s>Hadir</s>", "~Hadir~"),
        ("<del>Hadir</del>", "~Hadir~"),
        ("<strike>Hadir</strike>", "~Hadir~"),
        ("<code>/batal</code>", "```/batal```"),
        ("<pre>kode</pre>", "```kode```"),
        ('<a href="https://x.id/f">Formulir</a>', "Formulir (https://x.id/f)"),
        ('<a href="https://x.id/f">https://x.id/f</a>', "https://x.id/f"),
        ('<a href="tg://user?id=5">Sitti</a>', "Sitti"),
        ("Satu<br>Dua<br/>Tiga", "Satu\nDua\nTiga"),
        (
            "<u>garis</u> <span class='x'>bawah</span> <tg-spoiler>rahasia</tg-spoiler>",
            "garis bawah rahasia",
        ),
        ("<b>Rapat <i>penting</i></b>", "*Rapat _penting_*"),
        ("<b>a <b>b</b> c</b>", "*a b c*"),
        ("<code><b>x</b> y</code>", "```x y```"),
        ("<b>Sitti</b><b> Aminah</b>", "*Sitti* *Aminah*"),
        ("<b>Sitti</b><b>Aminah</b>", "*SittiAminah*"),
        ("<b>tidak ditutup", "*tidak ditutup*"),
        ("tanpa tag</b> lebih", "tanpa tag lebih"),
    ],
)
def test_tags(html: str, expected: str) -> None:
    assert to_whatsapp(html) == expected
    assert_formatting_is_ours(to_whatsapp(html))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("&amp; &lt; &gt; &quot; &#39; &#65; &#x42;", "& < > \" ' A B"),
        ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # decoded once
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_entities_are_decoded_once(html: str, expected: str) -> None:
    assert to_whatsapp(html) == expected
    assert plain(html) == expected


# --------------------------------------------------------------------------- typed text
TYPED = [
    "*penting*",
    "_a_b_",
    "~batal~",
    "`kode`",
    "```blok```",
    "* a *",
    "*a*b*c*",
    "2*3*4 = 24",
    "nama_file_ku",
    "**",
    "_",
    "*_~`",
    "_*tebal miring*_",
    "a *b\nc* d",
    "\u2060*\u2060x*",
]


@pytest.mark.parametrize("typed", TYPED)
def test_typed_markers_show_as_typed(typed: str) -> None:
    text = to_whatsapp(t("id", "register.linked", name=typed, role=typed, organization=typed))
    for model in MODELS:
        bold = [span for span in whatsapp_spans(text, model) if span.content.replace(J, "")]
        assert all(span.content.replace(J, "") == typed for span in bold), (model, bold)
    assert_formatting_is_ours(text)
    assert visible(to_whatsapp(escape(typed))) == typed.replace(J, "")
    for model in MODELS:
        assert whatsapp_spans(to_whatsapp(escape(typed)), model) == []


def test_a_typed_marker_gets_a_joiner_on_each_side() -> None:
    assert to_whatsapp(escape("*a_")) == f"{J}*{J}a{J}_{J}"
    assert to_whatsapp("<i>" + escape("x*y") + "</i>") == f"_x{J}*{J}y_"


def test_a_typed_name_inside_our_bold_stays_one_bold_span() -> None:
    text = to_whatsapp(f"Terima kasih, <b>{escape('Budi _Kece_ S')}</b>. Alasan: {escape('*')}")
    for model in MODELS:
        [span] = whatsapp_spans(text, model)
        assert span.marker == "*"
        assert span.content.replace(J, "") == "Budi _Kece_ S"


def test_a_typed_marker_of_the_same_kind_inside_a_span_drops_the_span() -> None:
    """The joiner after it reads as punctuation to some parsers, which would end the span."""
    text = to_whatsapp(f"<b>{escape('2*3')}</b> <i>{escape('a_b')}</i> <b>{escape('a_b')}</b>")
    assert text == f"2{J}*{J}3 a{J}_{J}b *a{J}_{J}b*"
    assert_formatting_is_ours(text)


def test_a_typed_web_address_keeps_working_and_cannot_format() -> None:
    text = to_whatsapp(escape("lihat https://forms.id/a_b_c dan *ini*"))
    assert "https://forms.id/a%5Fb%5Fc" in text
    assert_formatting_is_ours(text)
    href = to_whatsapp('<a href="https://x.id/~budi/*_">Berkas</a>')
    assert href == "Berkas (https://x.id/%7Ebudi/%2A%5F)"


def test_a_typed_line_starting_with_gt_is_not_a_quote() -> None:
    assert to_whatsapp(escape("> kutipan\nbaris\n>x")) == f"{J}> kutipan\nbaris\n{J}>x"


def test_private_use_stand_ins_in_typed_text_are_neutralised() -> None:
    assert to_whatsapp(escape("a\ue000b\ue004c")) == "a\ufffdb\ufffdc"


# --------------------------------------------------------------------------- where markers go
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b> Hadir</b>", " *Hadir*"),
        ("<b>Hadir </b>x", "*Hadir* x"),
        ("<i>\n Hadir \n</i>", "\n _Hadir_ \n"),
        ("<b>Satu\nDua</b>", "*Satu*\n*Dua*"),
        ("<b>Satu\n\n  Dua</b>", "*Satu*\n\n  *Dua*"),
        ("<b>Satu<br>Dua</b>", "*Satu*\n*Dua*"),
        ("<b></b>", ""),
        ("a<b> </b>b", "a b"),
        ("<i><b></b></i>x", "x"),
    ],
)
def test_whitespace_moves_outside_and_spans_stay_on_one_line(html: str, expected: str) -> None:
    assert to_whatsapp(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("Rp<b>10.000</b>", "Rp10.000"),
        ("<b>Rp</b>10.000", "Rp10.000"),
        ("x<b><i>y</i></b>", "xy"),  # the bold goes, then the italic touches "x"
        ("<b>" + escape("*Budi*") + "</b>", f"{J}*{J}Budi{J}*{J}"),
        ("<b>x</b>" + escape("_"), f"x{J}_{J}"),
    ],
)
def test_a_span_whatsapp_would_not_format_shows_no_markers(html: str, expected: str) -> None:
    assert to_whatsapp(html) == expected
    assert_formatting_is_ours(to_whatsapp(html))


@pytest.mark.parametrize("html", ["(<b>x</b>)", "🗓 <b>Rapat</b> — {x}", "• <b>a</b>: <i>b</i>."])
def test_punctuation_beside_a_span_keeps_it(html: str) -> None:
    assert len(whatsapp_spans(to_whatsapp(html), "letter")) == html.count("</")


# --------------------------------------------------------------------------- plain
def test_plain_drops_tags_decodes_entities_and_escapes_nothing() -> None:
    html = "<b>" + escape("*Budi* & <Co>") + '</b><br><a href="https://x.id/a_b">Berkas</a>'
    assert plain(html) == "*Budi* & <Co>\nBerkas (https://x.id/a_b)"


# --------------------------------------------------------------------------- the catalogue
TYPED_SAMPLE = "Sitti *Aminah* _Baruga_ ~x~ `y` & <b>"
PLAIN_SAMPLE = "Sitti Aminah & <Co>"


@pytest.mark.parametrize("catalogue", [id_texts.TEXTS, en.TEXTS], ids=["id", "en"])
def test_every_catalogue_text_converts_with_only_our_formatting(catalogue: dict[str, str]) -> None:
    for key, template in catalogue.items():
        for sample in (TYPED_SAMPLE, PLAIN_SAMPLE):
            html = template.format(**{name: escape(sample) for name in _placeholders(template)})
            text = to_whatsapp(html)
            assert_formatting_is_ours(text)
            assert visible(text) == plain(html), key
        tags = template.count("<b>") + template.count("<i>")
        assert len(whatsapp_spans(text, "letter")) == tags, key  # with PLAIN_SAMPLE: every tag


def _placeholders(template: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --------------------------------------------------------------------------- random documents
ALPHABET = "ab *_~`>\n.,é😀"


def random_html(rng: random.Random, depth: int = 0) -> str:
    """Our tags around typed text (escaped, from a marker-heavy alphabet)."""
    parts: list[str] = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.5 or depth > 2:
            parts.append(escape("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))))
        elif roll < 0.9:
            tag = rng.choice(["b", "i", "s", "code", "strong", "em"])
            parts.append(f"<{tag}>{random_html(rng, depth + 1)}</{tag}>")
        else:
            parts.append(rng.choice(["<br>", "\n\n", " ", "&amp;"]))
    return "".join(parts)


def test_random_documents_show_only_our_formatting_and_every_character() -> None:
    rng = random.Random(20240607)
    for _ in range(3000):
        html = random_html(rng)
        text = to_whatsapp(html)
        assert_formatting_is_ours(text)
        assert visible(text) == plain(html), html


# --------------------------------------------------------------------------- cutting
def test_split_keeps_short_text_whole_and_drops_empty_text() -> None:
    assert split("  *Halo*  \n", 10) == ["*Halo*"]
    assert split(" \n ", 10) == []


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    text = "aaaa bbbb\ncccc\n\ndddd eeee"
    assert split(text, 15) == ["aaaa bbbb\ncccc", "dddd eeee"]
    assert split(text, 10) == ["aaaa bbbb", "cccc", "dddd eeee"]
    assert split(text, 5) == ["aaaa", "bbbb", "cccc", "dddd", "eeee"]
    assert split("abcdefgh", 3) == ["abc", "def", "gh"]


def test_split_closes_and_reopens_a_span_cut_inside_a_long_line() -> None:
    text = to_whatsapp("<b>" + " ".join(["kata"] * 30) + "</b> selesai")
    pieces = split(text, 40)
    assert all(utf16_len(piece) <= 40 for piece in pieces)
    for piece in pieces:
        assert_formatting_is_ours(piece)
    assert pieces[0].startswith("*kata") and pieces[0].endswith("kata*")


def test_split_never_cuts_a_typed_marker_or_an_emoji() -> None:
    text = to_whatsapp(escape("*" * 10 + "😀" * 10))
    for limit in (3, 4, 5, 7):
        pieces = split(text, limit)
        assert all(utf16_len(piece) <= limit for piece in pieces)
        assert "".join(pieces) == text


def test_a_cut_inside_a_line_does_not_start_a_quote() -> None:
    pieces = split("x" * 10 + " > y", 11)
    assert pieces == ["x" * 10, f"{J}> y"]


def test_split_tail_keeps_the_last_paragraphs_that_fit() -> None:
    text = "satu satu\n\ndua dua\n\ntiga tiga"
    assert split_tail(text, 100) == ("", text)
    assert split_tail(text, 20) == ("satu satu", "dua dua\n\ntiga tiga")
    assert split_tail(text, 10) == ("satu satu\n\ndua dua", "tiga tiga")
    assert split_tail(text, 5) == ("satu satu\n\ndua dua\n\ntiga", "tiga")


def test_random_cuts_respect_the_limit_and_lose_nothing() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        text = to_whatsapp(random_html(rng) * rng.randint(1, 6))
        limit = rng.randint(12, 80)
        pieces = split(text, limit)
        assert all(0 < utf16_len(piece) <= limit for piece in pieces)
        for piece in pieces:
            assert_formatting_is_ours(piece)
        seen = "".join(visible(piece) for piece in pieces)
        assert _squeezed(seen) == _squeezed(visible(text))
        head, tail = split_tail(text, limit)
        assert 0 < utf16_len(tail) <= limit or not text.strip()
        assert _squeezed(visible(head) + visible(tail)) == _squeezed(visible(text))


def _squeezed(text: str) -> str:
    return "".join(text.split())
