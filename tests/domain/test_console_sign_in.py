"""Signing in to the console: a one-time link for admins only, a session that ends with the
role it began with."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models import console
from models.clock import FrozenClock
from models.console import ConsoleLink, ConsoleSession, Refused, Started
from models.people import Role
from models.roster import import_roster
from tests.factories import person


def test_a_link_signs_an_admin_in_once(session: Session, clock: FrozenClock) -> None:
    admin = person(session, name="Hasrul", phone="0811 4100 0001", role=Role.ADMIN, now=clock.now())
    token = console.issue_link(session, admin, now=clock.now())
    assert token and len(token) >= 40
    # Only hashes are stored: a copy of the database signs nobody in.
    assert session.exec(select(ConsoleLink)).one().token_hash != token
    assert console.link_state(session, token, now=clock.now()) is None
    started = console.redeem(session, token, now=clock.now())
    assert isinstance(started, Started)
    assert session.exec(select(ConsoleSession)).one().session_hash != started.session_id
    assert console.redeem(session, token, now=clock.now()) == Refused.USED
    signed = console.signed_in(session, started.session_id, now=clock.now())
    assert signed is not None and signed.person.id == admin.id and signed.csrf == started.csrf
    assert console.signed_in(session, started.session_id + "x", now=clock.now()) is None
    later = clock.now() + console.SESSION_TTL
    assert console.signed_in(session, started.session_id, now=later) is None
    console.sign_out(session, started.session_id, now=clock.now())
    assert console.signed_in(session, started.session_id, now=clock.now()) is None


def test_links_expire_and_are_for_admins_only(session: Session, clock: FrozenClock) -> None:
    cadre = person(session, name="Sitti", phone="0853 1234 5678", now=clock.now())
    assert console.issue_link(session, cadre, now=clock.now()) is None
    admin = person(session, name="Hasrul", phone="0811 4100 0001", role=Role.ADMIN, now=clock.now())
    token = console.issue_link(session, admin, now=clock.now())
    assert token is not None
    late = clock.now() + console.LINK_TTL + timedelta(seconds=1)
    assert console.redeem(session, token, now=late) == Refused.EXPIRED
    assert console.redeem(session, "made-up", now=clock.now()) == Refused.UNKNOWN


def test_a_role_change_ends_the_session(session: Session, clock: FrozenClock) -> None:
    admin = person(session, name="Hasrul", phone="0811 4100 0001", role=Role.ADMIN, now=clock.now())
    token = console.issue_link(session, admin, now=clock.now())
    assert token is not None
    started = console.redeem(session, token, now=clock.now())
    assert isinstance(started, Started)
    headers = ["Nama", "No HP", "Peran"]
    import_roster(session, headers, [["Hasrul", "0811 4100 0001", "opd"]], now=clock.now())
    assert console.signed_in(session, started.session_id, now=clock.now()) is None
    import_roster(session, headers, [["Hasrul", "0811 4100 0001", "admin"]], now=clock.now())
    assert console.signed_in(session, started.session_id, now=clock.now()) is None  # not revived
    second = console.issue_link(session, admin, now=clock.now())
    assert second is not None and console.link_state(session, second, now=clock.now()) is None
