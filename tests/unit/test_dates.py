"""Dates and times as Indonesian users type them: day first, Indonesian months, WIB/WITA/WIT."""

from __future__ import annotations

from datetime import date, time

import pytest

from models.dates import (
    ZONES,
    DateParseError,
    parse_date,
    parse_time,
    parse_when,
    zone_abbreviation,
)

# A Wednesday, so "Rabu" is today and "besok" is a Thursday.
TODAY = date(2023, 11, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("6/12/2023", date(2023, 12, 6)),
        ("06-12-2023", date(2023, 12, 6)),
        ("6.12.2023", date(2023, 12, 6)),
        ("2023-12-06", date(2023, 12, 6)),
        ("2023/12/06", date(2023, 12, 6)),
        ("6/12/23", date(2023, 12, 6)),
        ("1/2/2024", date(2024, 2, 1)),
        ("6 Des 2023", date(2023, 12, 6)),
        ("6 Des. 2023", date(2023, 12, 6)),
        ("6 Desember 2023", date(2023, 12, 6)),
        ("6 DESEMBER 2023", date(2023, 12, 6)),
        ("6 december 2023", date(2023, 12, 6)),
        ("6-Dec-2023", date(2023, 12, 6)),
        ("6des2023", date(2023, 12, 6)),
        ("6 Des 23", date(2023, 12, 6)),
        ("Rabu, 6 Desember 2023", date(2023, 12, 6)),
        ("rabu 6/12/2023", date(2023, 12, 6)),
        ("Wednesday, 6 December 2023", date(2023, 12, 6)),
        ("Wed 6 Dec 2023", date(2023, 12, 6)),
        ("  6 ,  Des , 2023 ", date(2023, 12, 6)),
        ("Jum'at, 8 Des 2023", date(2023, 12, 8)),
        ("Jumat 8 Des 2023", date(2023, 12, 8)),
        ("Minggu 10 Des 2023", date(2023, 12, 10)),
        ("Ahad 10 Des 2023", date(2023, 12, 10)),
        ("29 Feb 2024", date(2024, 2, 29)),
        ("7 November 2019", date(2019, 11, 7)),
    ],
)
def test_absolute_dates_in_every_typed_format(typed: str, expected: date) -> None:
    assert parse_date(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("month_name", "month"),
    [
        *[(name, 1) for name in ("Januari", "Jan", "January")],
        *[(name, 2) for name in ("Februari", "Feb", "Peb", "Pebruari", "February")],
        *[(name, 3) for name in ("Maret", "Mar", "March")],
        *[(name, 4) for name in ("April", "Apr")],
        *[(name, 5) for name in ("Mei", "May")],
        *[(name, 6) for name in ("Juni", "Jun", "June")],
        *[(name, 7) for name in ("Juli", "Jul", "July")],
        *[(name, 8) for name in ("Agustus", "Agu", "Agt", "Ags", "August", "Aug")],
        *[(name, 9) for name in ("September", "Sep", "Sept")],
        *[(name, 10) for name in ("Oktober", "Okt", "October", "Oct")],
        *[(name, 11) for name in ("November", "Nov", "Nop", "Nopember")],
        *[(name, 12) for name in ("Desember", "Des", "December", "Dec")],
    ],
)
def test_every_month_name_and_abbreviation(month_name: str, month: int) -> None:
    assert parse_date(f"1 {month_name} 2024", today=TODAY) == date(2024, month, 1)
    assert parse_date(f"1 {month_name.lower()} 2024", today=TODAY) == date(2024, month, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hari ini", TODAY),
        ("hariini", TODAY),
        ("Hari Ini", TODAY),
        ("today", TODAY),
        ("besok", date(2023, 11, 16)),
        ("Besok", date(2023, 11, 16)),
        ("tomorrow", date(2023, 11, 16)),
        ("lusa", date(2023, 11, 17)),
        ("Kamis, besok", date(2023, 11, 16)),
    ],
)
def test_relative_words_count_from_the_given_today(typed: str, expected: date) -> None:
    assert parse_date(typed, today=TODAY) == expected


def test_relative_words_cross_month_and_year_ends() -> None:
    assert parse_date("besok", today=date(2023, 12, 31)) == date(2024, 1, 1)
    assert parse_date("lusa", today=date(2024, 2, 28)) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("6 des", date(2023, 12, 6)),  # still ahead this year
        ("15 Nov", TODAY),  # today counts as "on or after today"
        ("14 nov", date(2024, 11, 14)),  # yesterday: already passed, so next year
        ("1 Januari", date(2024, 1, 1)),
        ("Jumat 1 Des", date(2023, 12, 1)),
    ],
)
def test_a_date_without_year_is_the_next_one_on_or_after_today(typed: str, expected: date) -> None:
    assert parse_date(typed, today=TODAY) == expected


def test_29_february_without_year_waits_for_the_next_leap_year() -> None:
    assert parse_date("29 Feb", today=date(2023, 3, 1)) == date(2024, 2, 29)
    assert parse_date("29 Feb", today=date(2024, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    "typed", ["Kamis, 6 Desember 2023", "Senin 6/12/2023", "Monday 6 Dec 2023", "Rabu besok"]
)
def test_a_contradicting_day_name_is_an_invalid_date(typed: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(typed, today=TODAY)
    assert caught.value.code == "invalid_date"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (" , ", "empty"),
        ("kemarin dulu", "unknown_format"),
        ("Rabu", "unknown_format"),
        ("6 Dse 2023", "unknown_format"),
        ("6.12", "unknown_format"),  # dots without a year read as a time, never a date
        ("6/12/2023 09.00", "unknown_format"),
        ("6/12-2023", "unknown_format"),
        ("6/12/202", "unknown_format"),
        ("30/2/2024", "invalid_date"),
        ("29 Feb 2023", "invalid_date"),
        ("31 April 2024", "invalid_date"),
        ("30 Feb", "invalid_date"),
        ("0/12/2023", "invalid_date"),
        ("12/13/2023", "invalid_date"),  # day first always: there is no 13th month
        ("2023-13-01", "invalid_date"),
    ],
)
def test_bad_dates_carry_a_stable_code(typed: str, code: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(typed, today=TODAY)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("09.00", (time(9, 0), None)),
        ("09:00", (time(9, 0), None)),
        ("9.00", (time(9, 0), None)),
        ("9", (time(9, 0), None)),
        ("jam 9", (time(9, 0), None)),
        ("Jam 9", (time(9, 0), None)),
        ("pukul 09.00", (time(9, 0), None)),
        ("pkl 09.00", (time(9, 0), None)),
        ("pkl. 9", (time(9, 0), None)),
        ("Pkl.9", (time(9, 0), None)),
        ("9.30", (time(9, 30), None)),
        ("13.00", (time(13, 0), None)),
        ("0.00", (time(0, 0), None)),
        ("23.59", (time(23, 59), None)),
        ("09.00 WIB", (time(9, 0), "Asia/Jakarta")),
        ("09.00 Wita", (time(9, 0), "Asia/Makassar")),
        ("09.00 wit", (time(9, 0), "Asia/Jayapura")),
        ("09.00WITA", (time(9, 0), "Asia/Makassar")),
        ("jam 9 wib", (time(9, 0), "Asia/Jakarta")),
        ("pukul 13:30 WIT", (time(13, 30), "Asia/Jayapura")),
    ],
)
def test_times_in_every_typed_format(typed: str, expected: tuple[time, str | None]) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("jam", "unknown_format"),
        ("WIB", "unknown_format"),
        ("9.5", "unknown_format"),
        ("123", "unknown_format"),
        ("09.00 CET", "unknown_format"),
        ("9 nanti", "unknown_format"),
        ("24.00", "invalid_time"),
        ("25", "invalid_time"),
        ("9.60", "invalid_time"),
        ("jam 24", "invalid_time"),
    ],
)
def test_bad_times_carry_a_stable_code(typed: str, code: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_time(typed)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("6/12/2023", (date(2023, 12, 6), None, None)),
        ("6/12/2023 09.00 WITA", (date(2023, 12, 6), time(9, 0), "Asia/Makassar")),
        ("6/12/2023, 09.00", (date(2023, 12, 6), time(9, 0), None)),
        ("besok jam 9", (date(2023, 11, 16), time(9, 0), None)),
        ("lusa pkl 13.30 WIB", (date(2023, 11, 17), time(13, 30), "Asia/Jakarta")),
        ("hari ini jam 9", (TODAY, time(9, 0), None)),
        (
            "Rabu 6 Des 2023 pkl 09.00 Wita",
            (date(2023, 12, 6), time(9, 0), "Asia/Makassar"),
        ),
        (
            "7 November 2019 pukul 09.00 WIB",
            (date(2019, 11, 7), time(9, 0), "Asia/Jakarta"),
        ),
        ("6 des 9", (date(2023, 12, 6), time(9, 0), None)),
        ("6 des 23", (date(2023, 12, 6), None, None)),  # a two-digit year, not 23.00
        ("6 des 23.00", (date(2023, 12, 6), time(23, 0), None)),
        ("6 des 09 wib", (date(2023, 12, 6), time(9, 0), "Asia/Jakarta")),
        ("2023-12-06 09:00", (date(2023, 12, 6), time(9, 0), None)),
        ("6/12/2023 09.00WITA", (date(2023, 12, 6), time(9, 0), "Asia/Makassar")),
    ],
)
def test_date_with_optional_time_and_zone(
    typed: str, expected: tuple[date, time | None, str | None]
) -> None:
    assert parse_when(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("jam 9", "unknown_format"),
        ("nanti sore", "unknown_format"),
        ("6/12/2023 nanti", "unknown_format"),
        ("30/2/2024 09.00", "invalid_date"),
        ("29 feb 23 9", "invalid_date"),
        ("Kamis 6 Des 2023 jam 9", "invalid_date"),
        ("6/12/2023 24.00", "invalid_time"),
        ("besok jam 9.75 WIB", "invalid_time"),
    ],
)
def test_bad_date_times_carry_a_stable_code(typed: str, code: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(typed, today=TODAY)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("zone", "abbreviation"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
    ],
)
def test_indonesian_zones_have_their_local_names(zone: str, abbreviation: str) -> None:
    assert zone_abbreviation(zone) == abbreviation


def test_zone_names_round_trip() -> None:
    for abbreviation, zone in ZONES.items():
        assert zone_abbreviation(zone) == abbreviation
        assert parse_time(f"9 {abbreviation}")[1] == zone


@pytest.mark.parametrize("zone", ["Asia/Singapore", "UTC", "", "asia/jakarta"])
def test_zones_outside_indonesia_are_refused(zone: str) -> None:
    with pytest.raises(DateParseError) as caught:
        zone_abbreviation(zone)
    assert caught.value.code == "unknown_zone"


# -- what a newcomer typed and the bot did not understand ---------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kemarin", date(2023, 11, 14)),
        ("Kemarin", date(2023, 11, 14)),
        ("yesterday", date(2023, 11, 14)),
        ("hari ini", TODAY),
        ("besok", date(2023, 11, 16)),
        ("lusa", date(2023, 11, 17)),
    ],
)
def test_kemarin_and_the_other_relative_words(typed: str, expected: date) -> None:
    assert parse_date(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/12", date(2023, 12, 31)),  # still ahead this year
        ("6/12", date(2023, 12, 6)),
        ("06-12", date(2023, 12, 6)),
        ("15/11", TODAY),  # today counts as "on or after today"
        ("14/11", date(2024, 11, 14)),  # yesterday's date: the next one, a year on
        ("1/1", date(2024, 1, 1)),
        ("Jumat 1/12", date(2023, 12, 1)),
    ],
)
def test_a_numeric_date_without_year_is_the_next_one_on_or_after_today(
    typed: str, expected: date
) -> None:
    assert parse_date(typed, today=TODAY) == expected


@pytest.mark.parametrize(("typed", "code"), [("31/2", "invalid_date"), ("12/13", "invalid_date")])
def test_a_numeric_date_without_year_is_still_checked(typed: str, code: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(typed, today=TODAY)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jam 3 sore", time(15, 0)),
        ("3 sore", time(15, 0)),
        ("jam 5.30 sore", time(17, 30)),
        ("6 sore", time(18, 0)),
        ("9 pagi", time(9, 0)),
        ("jam 7 pagi", time(7, 0)),
        ("pukul 10.30 pagi", time(10, 30)),
        ("12 siang", time(12, 0)),
        ("jam 1 siang", time(13, 0)),
        ("11 siang", time(11, 0)),
        ("9 malam", time(21, 0)),
        ("jam 7 malam", time(19, 0)),
        ("12 malam", time(0, 0)),
        ("jam 14.30", time(14, 30)),
        ("14.30 siang", time(14, 30)),
        ("19:00", time(19, 0)),
        ("19:00 malam", time(19, 0)),
        ("3 pm", time(15, 0)),
        ("9 am", time(9, 0)),
        ("12 pm", time(12, 0)),
        ("12 am", time(0, 0)),
    ],
)
def test_times_with_the_time_of_day_word(typed: str, expected: time) -> None:
    assert parse_time(typed) == (expected, None)


def test_a_time_of_day_word_before_the_zone() -> None:
    assert parse_time("jam 3 sore WITA") == (time(15, 0), "Asia/Makassar")


@pytest.mark.parametrize("typed", ["15.00 pagi", "9 sore", "3 malam sekali", "8 siang", "0 pm"])
def test_a_time_that_contradicts_its_word_is_not_guessed(typed: str) -> None:
    with pytest.raises(DateParseError):
        parse_time(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("besok jam 3 sore", (date(2023, 11, 16), time(15, 0), None)),
        ("31/12 9 pagi", (date(2023, 12, 31), time(9, 0), None)),
        ("lusa 19:00 WIT", (date(2023, 11, 17), time(19, 0), "Asia/Jayapura")),
        ("hari ini jam 9 malam", (TODAY, time(21, 0), None)),
    ],
)
def test_dates_and_times_with_the_new_forms_together(
    typed: str, expected: tuple[date, time | None, str | None]
) -> None:
    assert parse_when(typed, today=TODAY) == expected
