"""Logs never carry a whole phone number, not even inside a traceback."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import PhoneMaskingFilter, mask_phones, setup_logging


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


@pytest.mark.parametrize(
    "text",
    [
        "0812.3456.7890",
        "(0812) 3456 7890",
        "+62 (812) 3456-7890",
        "+62 (812) 3456 7890",
        "0812\u00a03456\u00a07890",
        "+62\u00a0812\u202f3456\u202f7890",
        "+62 812-3456-7890",
        "081234567890",
        "6281234567890",
        "62 812 3456 7890",
        "(021) 555-1234",
    ],
)
def test_every_written_form_of_a_number_is_masked(text: str) -> None:
    masked = mask_phones(f"kontak {text} ditambahkan")
    assert masked.startswith("kontak ") and masked.endswith(" ditambahkan"), masked
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits[4:-3] not in masked.replace("*", ""), masked
    assert "*" in masked


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-06 05:05:15",
        "2026-12-06 05:05:15,123 INFO bot.delivery: ok",
        "2026-12-06T07:40:12+00:00",
        "06-12-2026 05:05",
        "listening on 127.0.0.1:8443",
        "update telegram:9003 failed",
        "outbox row 123456 sent",
        "version 1.22.3",
        "tick at 2023-11-27 01:00:00+00:00 took 834 ms",
    ],
)
def test_timestamps_ids_and_ports_are_left_alone(text: str) -> None:
    assert mask_phones(text) == text


def test_the_scheduler_info_line_is_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging()
    logging.getLogger("apscheduler.executors.default").info(
        'Running job "tick" (scheduled at 2026-12-06 05:05:15+00:00)'
    )
    logging.getLogger("apscheduler.scheduler").warning("Run time of job was missed by 0:01:00")
    logging.getLogger("bot.delivery").info("resending 2 message(s)")
    err = capsys.readouterr().err
    assert "Running job" not in err
    assert "was missed" in err and "resending 2" in err


def test_a_number_before_a_colon_or_after_a_chat_key_is_masked() -> None:
    assert mask_phones("081234567890: not found") == "0812*****890: not found"
    assert mask_phones("chat telegram:5012345678") == "chat telegram:5012***678"


def test_a_mobile_number_in_a_link_or_glued_to_a_word_is_masked_too() -> None:
    for text, masked in (
        ("https://wa.me/6281234567890", "https://wa.me/6281******890"),
        ("No.081234567890", "No.0812*****890"),
        ("Siti-081234567890", "Siti-0812*****890"),
    ):
        assert mask_phones(text) == masked
    assert mask_phones("2026-12-06 05:05:15 v1.22.3") == "2026-12-06 05:05:15 v1.22.3"
