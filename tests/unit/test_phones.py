"""Phone numbers arrive in every format people type; one person, one E.164 number."""

from __future__ import annotations

import pytest

from models.errors import InvalidPhone
from models.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "081234567890", "6281234567890", "+62 812-3456-7890", " +62812 3456 7890 "],
)
def test_the_usual_indonesian_spellings_are_one_number(typed: str) -> None:
    assert normalize_phone(typed) == "+6281234567890"


def test_a_telegram_contact_without_plus_from_a_malaysian_sim_is_accepted() -> None:
    # Telegram sends international digits without '+'; a border kecamatan has Malaysian SIMs.
    assert normalize_phone("60123456789") == "+60123456789"
    assert normalize_phone("+60 12-345 6789") == "+60123456789"


@pytest.mark.parametrize("bad", ["12345", "", "   ", "abc", "0812"])
def test_nonsense_is_refused(bad: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(bad)


def test_masking_keeps_only_the_ends() -> None:
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert "3456" not in mask_phone("+6281234567890")
