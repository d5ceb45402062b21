"""A province's roster on PostgreSQL (issue 15): a few statements a chunk of rows, not a few a
row, and every row placed where one row alone would be (PostgreSQL's lower() and Python's
agree on the names the tree is keyed by)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.database import open_database
from models import roster
from models.clock import SystemClock
from models.organizations import Organization, OrgKind, get_or_create, place_organization
from models.people import by_phone
from models.phones import normalize_phone
from models.roster import import_roster
from models.sheets import cell
from tests.domain.test_roster_import_scale import HEADERS, MESSY, MESSY_HEADERS, district, later
from tests.query_plans import captured_statements


def test_a_roster_asks_per_chunk_and_places_as_one_row_would(pg_url: str) -> None:
    engine = open_database(pg_url)
    now = SystemClock().now()
    with Session(engine, expire_on_commit=False) as session:
        get_or_create(session, name="MALILI", kind=OrgKind.KECAMATAN, parent_id=None, now=now)
        with captured_statements(engine) as first:
            report = import_roster(session, HEADERS, district(1_500), now=now)
        assert (report.created, report.errors) == (1_500, [])
        assert len(first) < 20, [c.statement[:60] for c in first]
        session.commit()
        with captured_statements(engine) as again:
            report = import_roster(session, HEADERS, later(district(1_500)), now=now)
        assert report.updated > 0 and report.unchanged > 0
        assert len(again) < 12, [c.statement[:60] for c in again]
        session.commit()

        report = import_roster(session, MESSY_HEADERS, MESSY, now=now)
        assert report.errors == []
        nodes = len(session.exec(select(Organization)).all())
        positions = roster.map_headers(MESSY_HEADERS)
        for row in MESSY:
            cells = {
                key: " ".join(cell(row, positions, key).split())
                for key in ("organization", "kecamatan", "desa", "posyandu")
            }
            alone = place_organization(session, **cells, now=now)
            person = by_phone(session, normalize_phone(cell(row, positions, "phone")))
            assert person is not None
            assert person.organization_id == (alone.id if alone else None), row
        assert len(session.exec(select(Organization)).all()) == nodes
    engine.dispose()
