"""HTML / MarkdownV2 parsing and text normalisation, as Telegram does them."""

from __future__ import annotations

import pytest

from sandbox import EntityParseError, parse_html, parse_markdown_v2, to_html
from sandbox.errors import ApiError
from sandbox.text_format import check_text, entity_text, format_text


def test_plain_text_has_no_entities() -> None:
    assert parse_html("halo dunia") == ("halo dunia", [])


def test_simple_tags_and_aliases() -> None:
    text, entities = parse_html(
        "<b>a</b><strong>b</strong><i>c</i><em>d</em><u>e</u><ins>f</ins>"
        "<s>g</s><strike>h</strike><del>i</del><tg-spoiler>j</tg-spoiler>"
        '<span class="tg-spoiler">k</span>'
    )
    assert text == "abcdefghijk"
    assert [e["type"] for e in entities] == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
    ]
    assert [e["offset"] for e in entities] == list(range(11))


def test_nesting_outer_entity_first() -> None:
    text, entities = parse_html("<b>tebal <i>miring</i></b> biasa")
    assert text == "tebal miring biasa"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 12},
        {"type": "italic", "offset": 6, "length": 6},
    ]


def test_same_span_keeps_outer_first() -> None:
    _, entities = parse_html("<b><i>x</i></b>")
    assert [e["type"] for e in entities] == ["bold", "italic"]


def test_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <b>Posyandu</b>")
    assert entities == [{"type": "bold", "offset": 3, "length": 8}]
    assert entity_text(text, entities[0]) == "Posyandu"


def test_named_and_numeric_entities() -> None:
    text, _ = parse_html("a &lt; b &gt; c &amp; d &quot;e&quot; &#65; &#x42; &#128512;")
    assert text == 'a < b > c & d "e" A B 😀'


def test_links_code_pre_blockquote() -> None:
    text, entities = parse_html(
        '<a href="https://example.org/?a=1&amp;b=2">tautan</a> <code>x</code> '
        '<pre><code class="language-python">print(1)</code></pre> <pre>raw</pre> '
        "<blockquote>kutipan</blockquote><blockquote expandable>panjang</blockquote>"
    )
    assert text == "tautan x print(1) raw kutipanpanjang"
    by_type = {e["type"]: e for e in entities}
    assert by_type["text_link"]["url"] == "https://example.org/?a=1&b=2"
    assert by_type["code"] == {"type": "code", "offset": 7, "length": 1}
    pres = [e for e in entities if e["type"] == "pre"]
    assert pres[0] == {"type": "pre", "offset": 9, "length": 8, "language": "python"}
    assert pres[1] == {"type": "pre", "offset": 18, "length": 3}
    assert by_type["blockquote"]["length"] == 7
    assert by_type["expandable_blockquote"]["offset"] == 29


def test_custom_emoji_and_time() -> None:
    _, entities = parse_html(
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<tg-time unix="1700000000" format="wDT">besok</tg-time>'
    )
    assert entities[0] == {
        "type": "custom_emoji",
        "offset": 0,
        "length": 2,
        "custom_emoji_id": "5368324170671202286",
    }
    assert entities[1]["unix_time"] == 1700000000
    assert entities[1]["date_time_format"] == "wDT"


def test_tag_names_are_case_insensitive() -> None:
    assert parse_html("<B>x</B>")[1] == [{"type": "bold", "offset": 0, "length": 1}]


def test_empty_entities_are_dropped() -> None:
    assert parse_html("<b></b>x") == ("x", [])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
        ("Tom & Jerry", 'Character "&" at byte offset 4 starts no valid HTML entity'),
        ("&nbsp;", 'Character "&" at byte offset 0'),
        ("&#xZZ;", 'Character "&" at byte offset 0'),
        ("é <x>", 'Unsupported start tag "x" at byte offset 3'),
    ],
)
def test_invalid_html_is_rejected(source: str, message: str) -> None:
    with pytest.raises(EntityParseError) as info:
        parse_html(source)
    assert str(info.value).startswith(message)


def test_to_html_round_trip() -> None:
    source = (
        '<b>Rapat <i>Posyandu</i></b> &amp; <a href="https://x.org/">info</a> '
        '<pre><code class="language-sql">select 1</code></pre>'
    )
    text, entities = parse_html(source)
    assert to_html(text, entities) == source


def test_markdown_v2_entities() -> None:
    text, entities = parse_markdown_v2(
        r"*tebal* _miring_ __garis__ ~coret~ ||rahasia|| `kode` "
        r"[tautan](https://x.org/a\)b) 1\.5"
    )
    assert text == "tebal miring garis coret rahasia kode tautan 1.5"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert entities[-1]["url"] == "https://x.org/a)b"


def test_markdown_v2_pre_and_quote() -> None:
    text, entities = parse_markdown_v2("```python\nprint(1)\n```\n>kutipan\n>dua\nakhir")
    assert text == "print(1)\n\nkutipan\ndua\nakhir"
    assert entities[0] == {"type": "pre", "offset": 0, "length": 9, "language": "python"}
    assert entities[1] == {"type": "blockquote", "offset": 10, "length": 11}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Rapat jam 10.00", "Character '.' is reserved"),
        ("Hadir!", "Character '!' is reserved"),
        ("*tebal", "Can't find end of Bold entity at byte offset 0"),
        ("`kode", "Can't find end of Code entity"),
    ],
)
def test_markdown_v2_rejects_unescaped(source: str, message: str) -> None:
    with pytest.raises(EntityParseError, match=message):
        parse_markdown_v2(source)


def test_format_text_trims_and_shifts_entities() -> None:
    text, entities = format_text("  \n<b>halo</b>  \n", "HTML", None)
    assert text == "halo"
    assert entities == [{"type": "bold", "offset": 0, "length": 4}]


def test_format_text_detects_commands_urls_mentions() -> None:
    text, entities = format_text(
        "Ketik /daftar atau buka https://posyandu.id/jadwal. Hubungi @kader_desa #posyandu",
        None,
        None,
    )
    found = {e["type"]: entity_text(text, e) for e in entities}
    assert found == {
        "bot_command": "/daftar",
        "url": "https://posyandu.id/jadwal",
        "mention": "@kader_desa",
        "hashtag": "#posyandu",
    }


def test_no_detection_inside_code() -> None:
    _, entities = format_text("<code>/start</code>", "HTML", None)
    assert [e["type"] for e in entities] == ["code"]


def test_parse_errors_become_bad_request() -> None:
    with pytest.raises(ApiError) as info:
        format_text("a <br> b", "HTML", None)
    assert info.value.status == 400
    assert info.value.description.startswith("Bad Request: can't parse entities: Unsupported")


def test_unknown_and_legacy_parse_modes() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "Markdown", None)
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode", None)


def test_length_is_counted_in_utf16_after_parsing() -> None:
    check_text("a" * 4096)
    check_text(format_text("<b>" + "a" * 4096 + "</b>", "HTML", None)[0])
    check_text("😀" * 2048)
    with pytest.raises(ApiError, match="message is too long"):
        check_text("😀" * 2049)
    with pytest.raises(ApiError, match="message is too long"):
        check_text("a" * 4097)
    with pytest.raises(ApiError, match="message text is empty"):
        check_text(format_text("   ", None, None)[0])
    with pytest.raises(ApiError, match="message caption is too long"):
        check_text("a" * 1025, caption=True)
