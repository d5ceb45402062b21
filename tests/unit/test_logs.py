"""Logs never carry a whole phone number, not even inside a traceback."""

from __future__ import annotations

import io
import logging

from bot.logs import PhoneMaskingFilter, mask_phones


def test_numbers_are_masked_in_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PhoneMaskingFilter())
    log = logging.getLogger("test.masking")
    log.addHandler(handler)
    try:
        log.warning("contact %s shared", "+62 853-1234-5678")
        try:
            raise ValueError("no person with 085312345678")
        except ValueError:
            log.exception("lookup failed")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "1234" not in text.replace("6285", "") and "5678" not in text
    assert "lookup failed" in text and "ValueError" in text


def test_short_numbers_are_left_alone() -> None:
    assert mask_phones("row 12, 2023-11-27") == "row 12, 2023-11-27"
