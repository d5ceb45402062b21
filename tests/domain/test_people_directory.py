"""Peserta's list: where the bot reaches each person, and the search and filters."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models import organizations
from models.clock import FrozenClock
from models.people import Role
from models.people_directory import (
    REACHABLE,
    PeopleFilters,
    Registration,
    directory,
    filtered,
    of_organization,
)
from models.privacy import erase_person
from tests.factories import person


def test_registration_status_and_filters(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    melati = organizations.place_organization(
        session,
        organization="",
        kecamatan="Malili",
        desa="Baruga",
        posyandu="Posyandu Melati Baruga",
        now=now,
    )
    dinkes = organizations.place_organization(
        session, organization="Dinas Kesehatan", kecamatan="", desa="", posyandu="", now=now
    )
    assert melati is not None and dinkes is not None
    sitti = person(
        session, name="Sitti Aminah", phone="085312345678", now=now, telegram_user_id=7_000_000_001
    )
    sitti.telegram_chat_id = 7_000_000_001
    nur = person(session, name="Nur Hayati", phone="085312340002", now=now)
    nur.whatsapp_opt_in_at = now  # on paper
    ani = person(session, name="Ani", phone="085312340003", now=now)
    ani.whatsapp_id, ani.whatsapp_opt_in_at = "6285312340003", now
    rina = person(
        session,
        name="dr. Rina",
        phone="081234500001",
        role=Role.OPD,
        now=now,
        telegram_user_id=7_000_000_004,
    )
    rina.telegram_chat_id, rina.unreachable_at = 7_000_000_004, now  # blocked the bot
    gone = person(session, name="Dewi", phone="085312340005", now=now)
    for someone in (sitti, nur, ani, gone):
        someone.organization_id = melati.id
    rina.organization_id = dinkes.id
    session.commit()
    erase_person(session, gone, now=now + timedelta(minutes=1))
    session.commit()

    rows = directory(session)
    status = {row.person.name or "(erased)": row.registration for row in rows}
    assert status == {
        "Sitti Aminah": Registration.TELEGRAM,
        "Nur Hayati": Registration.PAPER,
        "Ani": Registration.WHATSAPP,
        "dr. Rina": Registration.BLOCKED,
        "(erased)": Registration.ERASED,
    }

    def names(filters: PeopleFilters) -> list[str]:
        return [row.person.name for row in filtered(rows, filters)]

    assert names(PeopleFilters(registration=REACHABLE)) == ["Ani", "Nur Hayati", "Sitti Aminah"]
    assert names(PeopleFilters(registration="not_registered")) == []
    assert names(PeopleFilters(role="opd")) == ["dr. Rina"]
    assert names(PeopleFilters(text="melati sitti")) == ["Sitti Aminah"]
    assert names(PeopleFilters(text="0853-1234-0002")) == ["Nur Hayati"]  # by number, any form
    assert names(PeopleFilters(kind="agency")) == ["dr. Rina"]
    kecamatan = next(row.kecamatan for row in rows if row.kecamatan is not None)
    assert kecamatan.name == "Malili"
    assert "dr. Rina" not in names(PeopleFilters(kecamatan_id=kecamatan.id))
    # The Posyandu's sheet: its people, the erased one left out.
    assert melati.id is not None
    sheet = [row.person.name for row in of_organization(rows, melati.id)]
    assert sorted(sheet) == ["Ani", "Nur Hayati", "Sitti Aminah"]
