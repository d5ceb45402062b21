"""Button labels cut to fit are cut between words, with an ellipsis, never mid-word."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from handlers.action_views import report_button
from handlers.meeting_views import closing_item, nudge_item
from models.actions import Action
from models.meetings import Invitation, Meeting
from models.messages import short_label

LONG = "Pendataan ulang Posyandu aktif dan pembinaan kader di seluruh kecamatan"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Rapat", 30, "Rapat"),
        ("Rakor Pokjanal Posyandu", 23, "Rakor Pokjanal Posyandu"),  # exactly fits
        ("Rakor Pokjanal Posyandu Kabupaten", 25, "Rakor Pokjanal Posyandu…"),
        (LONG, 30, "Pendataan ulang Posyandu…"),
        ("Rapat, koordinasi bulanan", 12, "Rapat…"),  # no comma before the ellipsis
        ("Supercalifragilistik", 10, "Supercali…"),  # one long word: cut inside it
        ("  Rapat\nkoordinasi  ", 30, "Rapat koordinasi"),  # one line
    ],
)
def test_short_label(text: str, limit: int, expected: str) -> None:
    label = short_label(text, limit)
    assert len(label) <= limit
    assert label == expected


def test_a_cut_label_ends_at_a_word_of_the_text() -> None:
    for limit in range(12, len(LONG)):
        label = short_label(LONG, limit)
        assert len(label) <= limit and label.endswith("…")
        head = label.removesuffix("…")
        assert LONG.startswith(head) and LONG[len(head)] == " "


def test_the_labels_built_from_titles_are_cut_between_words() -> None:
    action = Action(
        id=1,
        title=LONG,
        owner_org_id=1,
        due=date(2023, 12, 1),
        created_at=datetime(2023, 11, 1, tzinfo=UTC),
        updated_at=datetime(2023, 11, 1, tzinfo=UTC),
    )
    meeting = Meeting(
        id=1,
        title=LONG,
        starts_at=datetime(2023, 12, 6, 1, tzinfo=UTC),
        timezone="Asia/Makassar",
        venue="Aula",
        rsvp_deadline=datetime(2023, 12, 6, 1, tzinfo=UTC),
        attendance_code="K7QX4P",
        created_at=datetime(2023, 11, 1, tzinfo=UTC),
        updated_at=datetime(2023, 11, 1, tzinfo=UTC),
    )
    invitation = Invitation(
        id=1,
        meeting_id=1,
        person_id=1,
        created_at=datetime(2023, 11, 1, tzinfo=UTC),
        updated_at=datetime(2023, 11, 1, tzinfo=UTC),
    )
    labels = [
        report_button("id", action).label,
        report_button("id", action, number=3).label,
        nudge_item("id", meeting, invitation)[1].label,
        closing_item("id", meeting)[1].label,
    ]
    for label in labels:
        assert label.endswith("…"), label
        head = label[label.index("Pendataan") :].removesuffix("…")
        assert LONG.startswith(head) and LONG[len(head)] == " ", label
