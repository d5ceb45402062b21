"""How a person is described in messages (role words, organization names, dates)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlmodel import Session

from handlers.i18n import t
from models.organizations import Organization, OrgKind, organization_of
from models.people import Person


def role_label(lang: str, role: str) -> str:
    return t(lang, f"role.{role}")


def organization_name(lang: str, org: Organization | None) -> str:
    """Kecamatan and desa are stored by their bare place name; people read them with the word."""
    if org is None:
        return t(lang, "org.none")
    if org.kind == OrgKind.KECAMATAN:
        return t(lang, "org.kecamatan", name=org.name)
    if org.kind == OrgKind.DESA:
        return t(lang, "org.desa", name=org.name)
    return t(lang, "org.named", name=org.name)


def organization_label(session: Session, lang: str, person: Person) -> str:
    return organization_name(lang, organization_of(session, person.organization_id))


def format_when(lang: str, when: datetime | None, zone: str) -> str:
    """``Rabu, 6 Desember 2023 pukul 09.00 WITA`` (Babel's id locale knows WIB/WITA/WIT)."""
    if when is None:
        return t(lang, "value.empty")
    tz = ZoneInfo(zone)
    if lang == "id":
        return format_datetime(when, "EEEE, d MMMM yyyy 'pukul' HH.mm z", tzinfo=tz, locale="id")
    # English readers in Indonesia know the zones as WIB/WITA/WIT too, not as +0800.
    abbreviation = format_datetime(when, "z", tzinfo=tz, locale="id")
    return (
        format_datetime(when, "EEEE, d MMMM yyyy, HH:mm", tzinfo=tz, locale="en")
        + " "
        + abbreviation
    )


def format_day(lang: str, day: date) -> str:
    """A due date: ``Rabu, 31 Januari 2024`` (no time: a tenggat is a whole day)."""
    return format_date(day, "EEEE, d MMMM yyyy", locale="id" if lang == "id" else "en")


# How far ahead a question's example date lies: a week on is a plausible meeting day.
EXAMPLE_AHEAD = timedelta(days=7)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def date_examples(lang: str, day: date) -> dict[str, str]:
    """``day`` as a question's examples: ``example`` (``17/3/2026``) and ``example_named``
    (``17 Mar 2026``), both forms the parser reads.

    Callers pick a day ahead of today: a fixed date in the catalogue reads, a year on, as a
    day in the past, and typing it as shown would be refused.
    """
    return {
        "example": f"{day.day}/{day.month}/{day.year}",
        "example_named": format_date(day, "d MMM yyyy", locale="id" if lang == "id" else "en"),
    }
