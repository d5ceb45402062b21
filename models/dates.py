"""Dates and times the way Indonesian users type them in a chat.

Kader and coordinators answer "kapan?" with ``6/12/2023``, ``Rabu, 6 Des 2023 pkl 09.00 Wita``
or just ``besok jam 9``. Asking them for ISO dates would lose them, so the bot reads what they
write. Everything here is pure: "today" is passed in because a user's today depends on their
zone and on the injectable clock, neither of which the parser should know about.

Numeric dates are always day first: Indonesian never writes month first, so ``6/12/2023`` is the
sixth of December and ``6/13/2023`` is an invalid date rather than a guess.

A date typed without a year (``31/12``, ``6 Des``) is the next such day on or after today: every
date the bot asks for (a meeting's day, its new day when moved, the answer deadline, a
follow-up's due date) lies ahead, so a secretariat typing ``31/12`` in November means this
December, and in January the coming one. ``kemarin`` is read too, so that a past day is refused
as past ("sudah lewat") rather than as unreadable. A year-less numeric date takes ``/`` or ``-``
only: ``14.30`` is a time.

Times take the Indonesian time-of-day words: ``jam 3 sore`` is 15.00, ``9 malam`` 21.00,
``12 siang`` noon, ``12 malam`` midnight; an hour that does not fit its word (``9 sore``) is
refused rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time, timedelta

ZONES: dict[str, str] = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

# Pontianak (West Kalimantan) keeps its own IANA zone but is WIB; Ujung_Pandang is the old
# name of Makassar that tzdata still links, so stored settings may carry either.
_ABBREVIATIONS: dict[str, str] = {
    **{zone: abbr for abbr, zone in ZONES.items()},
    "Asia/Pontianak": "WIB",
    "Asia/Ujung_Pandang": "WITA",
}

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan"),
    2: ("februari", "pebruari", "february", "feb", "peb"),
    3: ("maret", "march", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "ags", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "december", "des", "dec"),
}
_MONTH_BY_NAME = {name: number for number, names in _MONTHS.items() for name in names}

# Apostrophes are stripped before matching, so "Jum'at" arrives here as "jumat".
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("senin", "monday", "mon"),
    1: ("selasa", "tuesday", "tues", "tue"),
    2: ("rabu", "wednesday", "wed"),
    3: ("kamis", "thursday", "thurs", "thur", "thu"),
    4: ("jumat", "friday", "fri"),
    5: ("sabtu", "saturday", "sat"),
    6: ("minggu", "ahad", "sunday", "sun"),
}
_WEEKDAY_BY_NAME = {name: number for number, names in _WEEKDAYS.items() for name in names}

_RELATIVE: dict[str, int] = {
    "kemarin": -1,
    "yesterday": -1,
    "hari ini": 0,
    "hariini": 0,
    "today": 0,
    "besok": 1,
    "tomorrow": 1,
    "lusa": 2,
}


def _alternation(names: Iterable[str]) -> str:
    """Longest names first, so ``des`` never wins over ``desember`` inside one alternation."""
    return "|".join(sorted((re.escape(name) for name in names), key=len, reverse=True))


_DATE = re.compile(
    rf"""
    (?:(?P<weekday>{_alternation(_WEEKDAY_BY_NAME)})\.?\ )?
    (?:
        (?P<relative>kemarin|yesterday|hari\ ?ini|today|besok|tomorrow|lusa)
      | (?P<iso_y>\d{{4}})(?P<iso_sep>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_sep)(?P<iso_d>\d{{1,2}})
      | (?P<num_d>\d{{1,2}})(?P<num_sep>[-/.])(?P<num_m>\d{{1,2}})(?P=num_sep)
        (?P<num_y>\d{{4}}|\d{{2}})
      | (?P<short_d>\d{{1,2}})(?P<short_sep>[-/])(?P<short_m>\d{{1,2}})
      | (?P<name_d>\d{{1,2}})[\ -]?(?P<name_m>{_alternation(_MONTH_BY_NAME)})\.?
        (?:[\ -]?(?P<name_y>\d{{4}}|\d{{2}}))?
    )
    """,
    re.VERBOSE,
)

_TIME = re.compile(
    r"(?:(?:jam|pukul|pkl)\.? ?)?(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?"
    r" ?(?P<period>pagi|siang|sore|malam|am|pm)? ?(?P<zone>wita|wib|wit)?"
)

# The hours (24-hour clock) each time-of-day word covers, as people use them: "jam 11 siang"
# and "jam 1 siang" are both lunchtime, "jam 12 malam" is midnight, "jam 1 malam" past it.
_PERIODS: dict[str, frozenset[int]] = {
    "pagi": frozenset(range(0, 12)),
    "siang": frozenset(range(10, 16)),
    "sore": frozenset(range(14, 19)),
    "malam": frozenset((*range(18, 24), *range(0, 4))),
    "am": frozenset(range(0, 12)),
    "pm": frozenset(range(12, 24)),
}


class DateParseError(ValueError):
    """The text is not a date or time we understand; ``code`` lets the UI pick the message.

    The code rather than the exception text is the contract, because the reply to the user is
    written in their language by the presentation layer.
    """

    code: str

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(f"{code}: {text!r}" if text else code)
        self.code = code
        self.text = text


def _normalize(text: str) -> str:
    """Chat text has stray commas, double spaces and ``Jum'at``; none of it carries meaning."""
    cleaned = text.replace(",", " ").replace("'", "").replace("’", "").lower()
    normalized = " ".join(cleaned.split())
    if not normalized:
        raise DateParseError("empty", text)
    return normalized


def _year(digits: str) -> int:
    """Two-digit years are this century: the bot plans meetings, not history."""
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError("invalid_date", text) from None


def _next_occurrence(day: int, month: int, today: date, text: str) -> date:
    """``6 des`` means the coming one; 29 Feb may be up to eight years away (2096 -> 2104)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateParseError("invalid_date", text)


def _date_from_match(match: re.Match[str], today: date, text: str) -> date:
    """Turn a syntactic match into a date, so validity errors are told apart from gibberish."""
    groups = match.groupdict()
    if groups["relative"]:
        result = today + timedelta(days=_RELATIVE[groups["relative"]])
    elif groups["iso_y"]:
        result = _make_date(int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]), text)
    elif groups["short_d"]:
        day, month = int(groups["short_d"]), int(groups["short_m"])
        if not 1 <= month <= 12:
            raise DateParseError("invalid_date", text)
        result = _next_occurrence(day, month, today, text)
    elif groups["num_d"]:
        result = _make_date(
            _year(groups["num_y"]), int(groups["num_m"]), int(groups["num_d"]), text
        )
    else:
        day, month = int(groups["name_d"]), _MONTH_BY_NAME[groups["name_m"]]
        if groups["name_y"]:
            result = _make_date(_year(groups["name_y"]), month, day, text)
        else:
            result = _next_occurrence(day, month, today, text)
    weekday = groups["weekday"]
    # The day name is redundant, so when it disagrees the user mistyped one of the two and
    # guessing which would schedule a meeting on the wrong day.
    if weekday and _WEEKDAY_BY_NAME[weekday] != result.weekday():
        raise DateParseError("invalid_date", text)
    return result


def parse_date(text: str, *, today: date) -> date:
    """Read a date as typed in Indonesian or English chat, relative words against ``today``.

    Raises:
        DateParseError: ``empty``, ``unknown_format``, or ``invalid_date`` (no such day, or a
            day name that contradicts the date).
    """
    normalized = _normalize(text)
    match = _DATE.fullmatch(normalized)
    if match is None:
        raise DateParseError("unknown_format", text)
    return _date_from_match(match, today, text)


def parse_time(text: str) -> tuple[time, str | None]:
    """Read ``jam 9``, ``pkl. 09.00``, ``13:30 Wita``, ``jam 3 sore``; the zone is returned as
    an IANA name.

    The zone is ``None`` when not typed, so the caller can fall back to the user's own zone
    rather than this module assuming Jakarta.

    Raises:
        DateParseError: ``empty``, ``unknown_format``, or ``invalid_time`` (24.00 and later,
            minutes of 60 and more).
    """
    normalized = _normalize(text)
    match = _TIME.fullmatch(normalized)
    if match is None:
        raise DateParseError("unknown_format", text)
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if hour > 23 or minute > 59:
        raise DateParseError("invalid_time", text)
    if match["period"]:
        hour = _in_period(hour, match["period"], text)
    zone = ZONES[match["zone"].upper()] if match["zone"] else None
    return time(hour, minute), zone


def _in_period(hour: int, period: str, text: str) -> int:
    """The 24-hour reading of ``hour`` that falls in the word's part of the day: 3 sore is 15,
    12 siang 12, 12 malam 0; a 24-hour hour must already fit (14 siang, not 15 pagi)."""
    if hour == 0 and period in ("am", "pm"):
        raise DateParseError("invalid_time", text)  # "0 pm" is no clock anyone reads
    readings = [hour] if hour > 12 else [hour % 12, hour % 12 + 12]
    for reading in readings:
        if reading in _PERIODS[period]:
            return reading
    raise DateParseError("invalid_time", text)


def parse_when(text: str, *, today: date) -> tuple[date, time | None, str | None]:
    """Read a date optionally followed by a time and zone, as one chat message.

    Where the date ends is ambiguous (``6 des 09 wib``: is ``09`` a year or the hour?), so
    every split at a space is tried, longest date first, and the first reading where both
    halves parse wins. When none does, the error of the longest date reading is raised, as
    that is the one the user most likely meant.

    Raises:
        DateParseError: ``empty``, ``unknown_format``, ``invalid_date`` or ``invalid_time``.
    """
    tokens = _normalize(text).split(" ")
    first_error: DateParseError | None = None
    for cut in range(len(tokens), 0, -1):
        match = _DATE.fullmatch(" ".join(tokens[:cut]))
        if match is None:
            continue
        try:
            when = _date_from_match(match, today, text)
            if cut == len(tokens):
                return when, None, None
            at, zone = parse_time(" ".join(tokens[cut:]))
        except DateParseError as error:
            first_error = first_error or error
            continue
        return when, at, zone
    raise first_error or DateParseError("unknown_format", text)


def zone_abbreviation(zone: str) -> str:
    """Name an IANA zone the way Indonesians do, for messages like ``09.00 WITA``.

    Raises:
        DateParseError: ``unknown_zone`` for a zone outside Indonesia, since printing a bare
            offset there would look like one of ours.
    """
    try:
        return _ABBREVIATIONS[zone]
    except KeyError:
        raise DateParseError("unknown_zone", zone) from None
