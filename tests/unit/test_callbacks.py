"""Callback data stays under Telegram's 64 bytes and garbage never raises."""

from __future__ import annotations

import pytest

from handlers import callbacks


def test_round_trip() -> None:
    data = callbacks.encode(callbacks.REGISTRATION, 123456789, "k")
    parsed = callbacks.decode(data)
    assert parsed is not None
    assert parsed.kind == callbacks.REGISTRATION
    assert parsed.int_part(0) == 123456789
    assert parsed.part(1) == "k"
    assert parsed.part(5) is None


def test_too_long_is_refused_at_encoding() -> None:
    with pytest.raises(callbacks.CallbackTooLong):
        callbacks.encode(callbacks.CONSENT, "y", "a" * 40, "b" * 30)


def test_names_are_never_put_in_callback_data() -> None:
    with pytest.raises(ValueError):
        callbacks.encode(callbacks.CONSENT, "Sitti Aminah")


@pytest.mark.parametrize(
    "garbage", [None, "", "x", "rg:2:1:k", "rg:1:<script>", "é" * 40, "cs:1:y:" + "a" * 80]
)
def test_garbage_decodes_to_none(garbage: str | None) -> None:
    assert callbacks.decode(garbage) is None
