"""A province's roster (issue 15): the import asks the database per file, not per row, and the
row-by-row report stays what it was.

The bulk path reads the organization tree, the erased numbers and the people already on the
roster once for many rows, so what it could get wrong is what a per-row lookup got right for
free: a node named on many rows, a number erased or repeated far down the sheet, the
difference between an update and an unchanged row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.tables import read_table
from models import console, roster
from models.clock import FrozenClock
from models.console import Started
from models.db import make_engine
from models.erasures import mark_erased
from models.organizations import Organization, OrgKind, get_or_create, place_organization
from models.people import Language, Person, PersonStatus, Role, by_phone
from models.phones import normalize_phone
from models.roster import RowError, RowProblem, import_roster
from models.sheets import cell
from tests.conftest import DEMO_DATA
from tests.factories import person
from tests.query_plans import captured_statements

HEADERS = ["Nama", "No HP", "Peran", "Jabatan", "Kecamatan", "Desa", "Posyandu", "Izin WA"]


def _phone(n: int) -> str:
    return f"0812-{n // 10_000:04d}-{n % 10_000:04d}"


def _stored(n: int) -> str:
    return f"+62812{n:08d}"


def district(count: int) -> list[list[str]]:
    """``count`` cadres: five to a Posyandu, three Posyandu to a desa, four desa to a kecamatan
    (so 50 rows and 500 rows name trees of very different sizes)."""
    rows = []
    for n in range(count):
        posyandu, desa, kecamatan = n // 5, n // 15, n // 60
        rows.append(
            [
                f"Kader {n}",
                _phone(n),
                "kader",
                "Kader",
                f"Kecamatan K{kecamatan}",
                f"Desa D{desa}",
                f"Posyandu P{posyandu}",
                "ya" if n % 3 == 0 else "",
            ]
        )
    return rows


def later(rows: list[list[str]]) -> list[list[str]]:
    """A month later: every fourth row a new position, every seventh a new role."""
    changed = [list(row) for row in rows]
    for n, row in enumerate(changed):
        if n % 4 == 0:
            row[3] = "Ketua Kader"
        if n % 7 == 0:
            row[2] = "opd"
    return changed


@pytest.fixture
def fresh_engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def _statements(engines: list[Engine], count: int, clock: FrozenClock) -> tuple[int, int]:
    """Statements sent by a first import of ``count`` rows and by a second, changed one."""
    engine = make_engine("sqlite://")
    engines.append(engine)
    SQLModel.metadata.create_all(engine)
    rows = district(count)
    with Session(engine, expire_on_commit=False) as session:
        with captured_statements(engine) as first:
            report = import_roster(session, HEADERS, rows, now=clock.now())
        assert (report.created, report.errors) == (count, [])
        session.commit()
        with captured_statements(engine) as second:
            report = import_roster(session, HEADERS, later(rows), now=clock.now())
        assert report.updated > 0 and report.unchanged > 0
        session.commit()
    return len(first), len(second)


def test_the_statements_do_not_grow_with_the_rows(
    fresh_engines: list[Engine], clock: FrozenClock
) -> None:
    """Before: ~6 statements a row (erased mark, three organization names, the person, the
    insert); 50,000 rows took 146 s. Now the organization tree, the erased marks and the
    people are read once for a chunk of rows, and written in bulk."""
    small = _statements(fresh_engines, 50, clock)
    large = _statements(fresh_engines, 500, clock)
    assert large[0] <= small[0] + 2, (small, large)
    assert large[1] <= small[1] + 2, (small, large)
    assert max(large) < 25, large


def test_a_new_organization_named_on_many_rows_is_created_once(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    wotu = get_or_create(session, name="Wotu", kind=OrgKind.KECAMATAN, parent_id=None, now=now)
    spellings = ["Posyandu Melati", "posyandu MELATI", "Posyandu  Melati ", "POSYANDU melati"]
    rows = [
        [f"Kader {n}", _phone(n), "kader", "Kader", "kec. WOTU", "Desa Lampenai", spellings[n % 4]]
        for n in range(300)
    ]
    report = import_roster(session, HEADERS[:7], rows, now=now)
    assert (report.created, report.errors) == (300, [])
    kecamatan = session.exec(select(Organization).where(Organization.kind == "kecamatan")).all()
    assert [org.id for org in kecamatan] == [wotu.id]  # matched case-insensitively, kept
    desa = session.exec(select(Organization).where(Organization.kind == "desa")).one()
    assert (desa.name, desa.parent_id) == ("Lampenai", wotu.id)
    melati = session.exec(select(Organization).where(Organization.kind == "posyandu")).one()
    assert (melati.name, melati.parent_id) == ("Posyandu Melati", desa.id)  # as first typed
    placed = set(session.exec(select(Person.organization_id)))
    assert placed == {melati.id}


def test_an_erased_number_among_thousands_is_refused_with_its_row_number(
    session: Session, clock: FrozenClock
) -> None:
    """Past the first chunk of rows, and again further down (an erased number is refused,
    not reported as a copy: nothing of the first refusal was kept)."""
    rows = district(2_500)
    mark_erased(session, _stored(2_344), now=clock.now())
    rows.append(["Lagi", _phone(2_344), "kader", "", "", "", "", ""])
    report = import_roster(session, HEADERS, rows, now=clock.now())
    assert report.errors == [
        RowError(2_345, RowProblem.ERASED),
        RowError(2_501, RowProblem.ERASED),
    ]
    assert (report.total, report.created) == (2_501, 2_499)
    assert by_phone(session, _stored(2_344)) is None


def test_existing_people_updated_unchanged_and_a_role_change_ends_console_sessions(
    session: Session, clock: FrozenClock
) -> None:
    before = clock.now() - timedelta(days=30)
    admin = person(session, name="Hasrul", phone=_phone(1), role=Role.ADMIN, now=before)
    token = console.issue_link(session, admin, now=clock.now())
    assert token is not None
    started = console.redeem(session, token, now=clock.now())
    assert isinstance(started, Started)
    same = person(session, name="Sitti Aminah", phone=_phone(2), now=before)
    session.commit()
    rows = [
        ["Hasrul", _phone(1), "opd", "", "", "", "", ""],
        ["Sitti Aminah", _phone(2), "kader", "", "", "", "", ""],
        ["Nur Hayati", _phone(3), "kader", "Kader", "", "", "Posyandu Mawar", "ya"],
    ]
    report = import_roster(session, HEADERS, rows, now=clock.now())
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    session.commit()
    assert console.signed_in(session, started.session_id, now=clock.now()) is None
    session.refresh(admin)
    session.refresh(same)
    assert (admin.role, admin.updated_at) == (Role.OPD.value, clock.now())
    assert same.updated_at == before
    new = by_phone(session, _stored(3))
    assert new is not None
    assert (new.name, new.role, new.position, new.whatsapp_opt_in_at) == (
        "Nur Hayati",
        "kader",
        "Kader",
        clock.now(),
    )
    assert (new.language, new.status, new.created_at) == (
        Language.ID.value,
        PersonStatus.ACTIVE.value,
        clock.now(),
    )
    again = import_roster(session, HEADERS, rows, now=clock.now())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_duplicate_phone_far_down_the_sheet_names_the_first_row(
    session: Session, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy in a later chunk (small chunks here) is still a copy; a blank line keeps the
    numbering of the sheet."""
    monkeypatch.setattr(roster, "CHUNK", 7, raising=False)
    rows = district(40)
    rows.insert(10, ["", "", "", "", "", "", "", ""])
    rows.append(["Kader 3 lagi", "+62 812 0000 0003", "kader", "", "", "", "", ""])
    rows.append(["Kader 3 ketiga", _phone(3), "kader", "", "", "", "", ""])
    report = import_roster(session, HEADERS, rows, now=clock.now())
    assert report.errors == [
        RowError(42, RowProblem.DUPLICATE, "4"),
        RowError(43, RowProblem.DUPLICATE, "4"),
    ]
    assert (report.total, report.created) == (42, 40)
    assert len(session.exec(select(Person)).all()) == 40
    kept = by_phone(session, _stored(3))
    assert kept is not None and kept.name == "Kader 3"


def test_a_dry_run_leaves_nothing_behind(engine: Engine, clock: FrozenClock) -> None:
    """The caller rolls back: people and the organizations made for them go."""
    with Session(engine) as session:
        report = import_roster(session, HEADERS, district(100), now=clock.now())
        assert report.created == 100
        session.rollback()
    with Session(engine) as session:
        assert session.exec(select(Person)).all() == []
        assert session.exec(select(Organization)).all() == []


def test_progress_is_told_as_the_rows_go(
    session: Session, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roster, "CHUNK", 10, raising=False)
    told: list[int] = []
    import_roster(session, HEADERS, district(25), now=clock.now(), progress=told.append)
    assert told == sorted(told) and told[-1] == 25
    assert len(session.exec(select(Person).where(col(Person.role) == "kader")).all()) == 25


MESSY_HEADERS = ["Nama", "HP", "Peran", "Instansi", "Kecamatan", "Desa", "Posyandu"]
MESSY = [
    ["A", "081200000001", "opd", "Kecamatan Malili", "Malili", "", ""],
    ["B", "081200000002", "kader", "", "kec. MALILI", "Kelurahan Baruga", "Posyandu Melati"],
    ["C", "081200000003", "kader", "Posyandu melati", "Malili", "desa baruga", ""],
    ["D", "081200000004", "kader", "", "", "Baruga", "Posyandu Melati"],  # no kecamatan
    ["E", "081200000005", "opd", "Puskesmas Malili", "Kec Malili", "", ""],
    ["F", "081200000006", "opd", "Dinas  Kesehatan", "Wotu", "", ""],  # office in Wotu
    ["G", "081200000007", "opd", "Desa Lampenai", "Wotu", "", ""],
    ["H", "081200000008", "kader", "", "Wotu", "", "Posyandu Mawar"],  # under the kecamatan
    ["I", "081200000009", "opd", "dinas kesehatan", "", "", ""],
    ["J", "081200000010", "kader", "", "", "", ""],
    ["K", "081200000011", "kader", "", "", "Lampenai", ""],
]


def _demo(name: str) -> tuple[list[str], list[list[str]]]:
    return read_table(DEMO_DATA / name)


@pytest.mark.parametrize(
    "sheet",
    [_demo("roster-luwu-timur.csv"), _demo("roster-sanggau.csv"), (MESSY_HEADERS, MESSY)],
    ids=["luwu-timur", "sanggau", "messy"],
)
def test_the_file_places_every_row_where_one_row_alone_would(
    session: Session, clock: FrozenClock, sheet: tuple[list[str], list[list[str]]]
) -> None:
    """The tree read once must match as the per-row lookups matched (case, prefixes such as
    "Kec." and "Kelurahan", a Posyandu in the "Instansi" column, an agency's office)."""
    headers, rows = sheet
    get_or_create(session, name="MALILI", kind=OrgKind.KECAMATAN, parent_id=None, now=clock.now())
    report = import_roster(session, headers, rows, now=clock.now())
    assert report.errors == []
    nodes = len(session.exec(select(Organization)).all())
    positions = roster.map_headers(headers)
    for row in rows:
        cells = {
            key: " ".join(cell(row, positions, key).split())
            for key in ("organization", "kecamatan", "desa", "posyandu")
        }
        alone = place_organization(session, **cells, now=clock.now())
        person = by_phone(session, normalize_phone(cell(row, positions, "phone")))
        assert person is not None
        assert person.organization_id == (alone.id if alone else None), row
    assert len(session.exec(select(Organization)).all()) == nodes  # nothing left to create
