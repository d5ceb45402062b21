"""The /rekap chart (a real PNG a phone can show), its caption within one photo, the list of
those who have not answered, and the splitting of long texts."""

from __future__ import annotations

import re
import struct
from dataclasses import replace
from datetime import UTC, datetime

from handlers.message_split import split_message, utf16_len, visible_len
from handlers.recap import pending_page, recap_caption
from handlers.recap_chart import kinds_chart, wrap_label
from models.meetings import Meeting
from models.organizations import Organization, OrgKind
from models.recap import Funnel, KindLine, OrgLine, PersonLine, Recap, empty_counts, kind_lines

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_NAME = "Dinas Pengendalian Penduduk, Keluarga Berencana, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Luwu Timur"  # noqa: E501


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def counts(hadir: int = 0, wakil: int = 0, tidak: int = 0, belum: int = 0) -> dict[str, int]:
    return {"hadir": hadir, "diwakilkan": wakil, "tidak_hadir": tidak, "pending": belum}


def kind(name: str, **numbers: int) -> KindLine:
    values = counts(**numbers)
    return KindLine(name, 1, 0, values, (), 0)


def test_the_kinds_chart_is_a_png_sized_for_a_phone() -> None:
    lines = [kind("agency", hadir=6, wakil=3, tidak=2, belum=9), kind("posyandu", belum=400)]
    data = kinds_chart(lines, "id")
    width, height = png_size(data)
    # About 600 px: a phone shows it at 330 px with its type still the chat's size.
    assert 500 <= width <= 700 and height <= width * 1.3
    assert data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")
    six = [kind(k, belum=1) for k in ("agency", "puskesmas", "kecamatan", "desa", "posyandu")]
    assert png_size(kinds_chart([*six, kind("none", belum=2)], "en"))[1] > height
    png_size(kinds_chart([], "id"))  # nobody yet: the empty chart still draws


def test_a_long_organization_name_is_wrapped_and_cut() -> None:
    label = wrap_label(LONG_NAME)
    lines = label.split("\n")
    assert len(lines) == 3 and all(len(line) <= 24 for line in lines)
    assert lines[-1].endswith("…") and lines[0] == "Dinas Pengendalian"
    assert wrap_label("Posyandu Mawar") == "Posyandu Mawar"
    assert wrap_label("TP PKK $5 $") == r"TP PKK \$5 \$"  # never read as mathtext


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


# --------------------------------------------------------------------------- the recap caption
def big_recap(name_length: int = 1) -> Recap:
    """600 silent invitees in 60 Posyandu and 40 agencies, with names as long as asked."""
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
    orgs = [
        Organization(
            id=i,
            name=(LONG_NAME if i <= 40 else "Posyandu Melati Baruga") * name_length + f" {i}",
            kind=(OrgKind.AGENCY if i <= 40 else OrgKind.POSYANDU).value,
            created_at=now,
        )
        for i in range(1, 101)
    ]
    silent = [
        PersonLine(i, i, f"Kader Nomor {i} binti Fulan", orgs[i % 100], reachable=i % 3 != 0)
        for i in range(1, 601)
    ]
    by_org = [OrgLine(org, empty_counts() | {"pending": 6}) for org in orgs]
    answers = empty_counts() | {"pending": 600}
    return Recap(
        meeting=meeting,
        funnel=Funnel(invited=600, delivered=400, answered=0, checked_in=0),
        answers=answers,
        organizations=tuple(by_org),
        non_responders=tuple(silent),
        undeliverable=(),
        walk_ins=0,
        open_for_answers=True,
        kinds=kind_lines(by_org),
    )


def test_the_caption_of_hundreds_of_silent_invitees_fits_one_photo() -> None:
    now_text = "Senin, 27 November 2023 pukul 09.00 WITA"
    for length in (1, 3):
        text = recap_caption("id", big_recap(length), now_text=now_text, carried=4, overdue=1)
        assert visible_len(text) <= 1024 and balanced(text)
        assert "Rakor &lt;Pokjanal&gt; &amp; Posyandu" in text  # escaped once
        assert "📨 600 diundang · 📬 400 (67%) terkirim" in text
        assert "<b>OPD</b> 0/240 · terwakili 0 dari 40" in text
        assert "<b>Posyandu</b> 0/360 · terwakili 0 dari 60" in text
        assert "4 tindak lanjut rapat sebelumnya masih terbuka (1 lewat tenggat)" in text
        assert "binti Fulan" not in text  # the names are the list's, a button away
    short = recap_caption("id", big_recap(1), now_text=now_text)
    assert "+37 lainnya" in short  # three agencies named, the other 37 counted
    assert "Dinas Pengendalian Penduduk…" in short  # cut at a word, never mid-word


def test_the_list_of_who_has_not_answered_turns_by_pages_of_fifteen() -> None:
    data = big_recap()
    first, keyboard = pending_page("id", data, 1)
    assert "halaman 1/40" in first and first.count("\n• ") == 15
    assert keyboard is not None
    assert [b.text for b in keyboard.inline_keyboard[0]] == ["Berikutnya ▶"]
    last, keyboard = pending_page("id", data, 99)  # a page gone since: the last one
    assert "halaman 40/40" in last and keyboard is not None
    assert [b.text for b in keyboard.inline_keyboard[0]] == ["◀ Sebelumnya"]


def test_a_page_of_long_names_stays_one_message() -> None:
    data = big_recap(name_length=3)
    long_names = tuple(
        PersonLine(
            line.invitation_id, line.person_id, "Nama Sangat Panjang " * 10, line.organization, True
        )
        for line in data.non_responders
    )
    text, _ = pending_page("id", replace(data, non_responders=long_names), 1)
    assert utf16_len(text) <= 4096 and text.count("…") >= 30
