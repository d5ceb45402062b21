"""The /rekap chart (a real PNG a phone can show) and the splitting of long recap texts."""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime

from handlers.recap import recap_text, split_message, utf16_len
from handlers.recap_chart import TOP, Bar, answers_chart, top_bars, wrap_label
from models.meetings import Meeting
from models.organizations import Organization, OrgKind
from models.recap import Funnel, OrgLine, PersonLine, Recap, Unreachable, empty_counts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_NAME = "Dinas Pengendalian Penduduk, Keluarga Berencana, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Luwu Timur"  # noqa: E501


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def counts(hadir: int = 0, wakil: int = 0, tidak: int = 0, belum: int = 0) -> dict[str, int]:
    return {"hadir": hadir, "diwakilkan": wakil, "tidak_hadir": tidak, "pending": belum}


def test_the_chart_is_a_png_sized_for_a_phone() -> None:
    bars = [
        Bar(LONG_NAME, counts(1, 1, 0, 2)),
        Bar("Posyandu Melati Baruga", counts(3, 0, 1, 4)),
        Bar("Kecamatan Malili", counts(belum=2)),
    ]
    data = answers_chart(bars, "id", title="Rakor Pokjanal Posyandu")
    width, height = png_size(data)
    assert 700 <= width <= 1280  # sharp on a phone, small enough for 2G
    assert width + height <= 10000 and height / width < 20  # what Telegram accepts as a photo
    assert data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")


def test_a_long_organization_name_is_wrapped_and_cut() -> None:
    label = wrap_label(LONG_NAME)
    lines = label.split("\n")
    assert len(lines) == 3 and all(len(line) <= 24 for line in lines)
    assert lines[-1].endswith("…") and lines[0] == "Dinas Pengendalian"
    assert wrap_label("Posyandu Mawar") == "Posyandu Mawar"
    assert wrap_label("TP PKK $5 $") == r"TP PKK \$5 \$"  # never read as mathtext


def test_fifteen_organizations_then_the_rest_summed_as_lainnya() -> None:
    bars = [Bar(f"Posyandu {i:02d}", counts(belum=i + 1)) for i in range(20)]
    shown = top_bars(bars, "id")
    assert len(shown) == TOP + 1
    assert shown[0].label == "Posyandu 19"  # the largest first
    assert shown[-1].label == "Lainnya (5 organisasi)"
    assert shown[-1].counts["pending"] == 1 + 2 + 3 + 4 + 5
    assert len(top_bars(bars[:16], "id")) == 16  # one leftover keeps its own name
    many = answers_chart(bars, "en", title="Many")
    assert png_size(many)[1] > png_size(answers_chart(bars[:3], "en"))[1]


def test_names_with_odd_characters_and_no_bars_still_draw() -> None:
    odd = [Bar("Posyandu 🌺 <b>&amp;</b> $x$", counts(1, 0, 0, 0)), Bar("Nol", counts())]
    png_size(answers_chart(odd, "id", title="Rapat $1$"))
    png_size(answers_chart([], "id"))


# --------------------------------------------------------------------------- splitting
def balanced(html: str) -> bool:
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", html):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_a_short_text_is_one_message() -> None:
    assert split_message("<b>Rekap</b>\nDiundang: 4") == ["<b>Rekap</b>\nDiundang: 4"]


def test_long_text_breaks_on_lines_never_inside_a_tag() -> None:
    lines = [f"• <b>Kader {i}</b> — Posyandu Melati" for i in range(400)]
    text = "<b>Belum menjawab\n(400)</b>\n" + "\n".join(lines)
    chunks = split_message(text, limit=1000)
    assert len(chunks) > 10
    assert all(utf16_len(chunk) <= 1000 and balanced(chunk) for chunk in chunks)
    assert chunks[0].startswith("<b>Belum menjawab\n(400)</b>")  # a tag across lines stays whole
    assert "\n".join(chunks) == text  # nothing lost, nothing added, cut only at line ends


def test_emoji_count_double_as_telegram_counts_them() -> None:
    text = "\n".join("📊" * 10 for _ in range(10))  # 100 emoji = 200 UTF-16 units + 9 newlines
    chunks = split_message(text, limit=100)
    assert all(utf16_len(chunk) <= 100 for chunk in chunks) and len(chunks) == 3


def test_a_single_huge_line_is_cut_between_words_with_tags_closed_and_reopened() -> None:
    text = "<b>" + " ".join(f"kata{i}&amp;" for i in range(300)) + "</b>"
    chunks = split_message(text, limit=500)
    assert len(chunks) > 3
    for chunk in chunks:
        assert utf16_len(chunk) <= 500 and balanced(chunk)
        assert chunk.startswith("<b>") and chunk.endswith("</b>")
        assert not re.search(r"&[#\w]*$|&[#\w]*</b>$", chunk.removesuffix("</b>") + "X")
    words = " ".join(c.removeprefix("<b>").removesuffix("</b>").strip() for c in chunks)
    assert words.split() == [f"kata{i}&amp;" for i in range(300)]


# --------------------------------------------------------------------------- the recap text
def test_a_recap_of_hundreds_of_silent_invitees_splits_under_the_limit() -> None:
    now = datetime(2023, 11, 27, 1, 0, tzinfo=UTC)
    meeting = Meeting(
        id=1,
        title="Rakor <Pokjanal> & Posyandu",
        starts_at=datetime(2023, 12, 6, 1, 0, tzinfo=UTC),
        timezone="Asia/Makassar",
        venue="Aula Hotel I Lagaligo, Malili",
        rsvp_deadline=datetime(2023, 12, 6, 1, 0, tzinfo=UTC),
        attendance_code="ACDEFG",
        created_at=now,
        updated_at=now,
    )
    org = Organization(id=1, name=LONG_NAME, kind=OrgKind.AGENCY.value, created_at=now)
    silent = [
        PersonLine(i, i, f"Kader Nomor {i} binti Fulan", org, reachable=i % 3 != 0)
        for i in range(1, 601)
    ]
    unreachable = [
        PersonLine(x.invitation_id, x.person_id, x.name, org, False, Unreachable.NOT_REGISTERED)
        for x in silent
        if not x.reachable
    ]
    answers = empty_counts() | {"pending": 600}
    data = Recap(
        meeting=meeting,
        funnel=Funnel(invited=600, delivered=400, answered=0, checked_in=0),
        answers=answers,
        organizations=(OrgLine(org, answers),),
        non_responders=tuple(silent),
        undeliverable=tuple(unreachable),
        walk_ins=0,
        open_for_answers=True,
    )
    text = recap_text("id", data, now_text="Senin, 27 November 2023 pukul 09.00 WITA")
    assert "Rakor &lt;Pokjanal&gt; &amp; Posyandu" in text  # escaped once
    assert "Undangan terkirim: 400 (67%)" in text
    assert "⬜ " + LONG_NAME + " (600 diundang): 600 belum menjawab" in text
    assert "<b>Tidak dapat dihubungi bot (200)</b>" in text
    chunks = split_message(text)
    assert len(chunks) > 5
    assert all(utf16_len(chunk) <= 4096 and balanced(chunk) for chunk in chunks)
    assert sum(chunk.count("binti Fulan") for chunk in chunks) == 800
