"""Registration rules without the bot: consent first, own contact only, first admin wins."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models import meetings, organizations, registration
from models.accounts import Account
from models.clock import FrozenClock
from models.meetings import Invitation
from models.outbox import OutboxMessage
from models.people import Person, PersonStatus, Role, ensure_invite_token
from models.privacy import erase_person
from models.registration import ConsentRecord, Decision, Outcome, RequestStatus
from tests.factories import person

SRI = 1001


def _contact(
    session: Session,
    clock: FrozenClock,
    *,
    user: int = SRI,
    contact_user: int | None = SRI,
    phone: str = "6285312345678",
):  # type: ignore[no-untyped-def]
    return registration.link_by_contact(
        session,
        account=Account.telegram(user),
        contact_user_id=contact_user,
        phone_raw=phone,
        contact_name="Sitti",
        language="id",
        now=clock.now(),
    )


def test_nothing_is_linked_before_consent(session: Session, clock: FrozenClock) -> None:
    person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    assert _contact(session, clock).outcome == Outcome.NEEDS_CONSENT
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    result = _contact(session, clock)
    assert result.outcome == Outcome.LINKED
    assert result.person is not None
    assert result.person.telegram_user_id == SRI
    assert result.person.consent_version == registration.NOTICE_VERSION
    assert result.person.consent_at == clock.now()


def test_consent_is_recorded_once_per_notice_version(session: Session, clock: FrozenClock) -> None:
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    assert len(session.exec(select(ConsentRecord)).all()) == 1


def test_a_forwarded_contact_of_someone_else_proves_nothing(
    session: Session, clock: FrozenClock
) -> None:
    person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    assert _contact(session, clock, contact_user=2002).outcome == Outcome.NOT_OWN_CONTACT
    assert _contact(session, clock, contact_user=None).outcome == Outcome.NOT_OWN_CONTACT
    assert session.exec(select(Person)).one().telegram_user_id is None


def test_an_unknown_number_opens_a_request_that_waits_for_details_then_an_admin(
    session: Session, clock: FrozenClock
) -> None:
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    result = _contact(session, clock, phone="6281299998888")
    assert result.outcome == Outcome.ASK_DETAILS and result.request is not None
    request = result.request
    try:
        registration.submit_details(session, request=request, text="ab")
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("two letters are not a name and an organization")
    registration.submit_details(session, request=request, text="Budi  Santoso, Posyandu Mawar")
    assert request.status == RequestStatus.PENDING
    assert _contact(session, clock, phone="6281299998888").outcome == Outcome.PENDING


def test_the_first_admin_decides_and_a_second_learns_who(
    session: Session, clock: FrozenClock
) -> None:
    admin1 = person(session, name="Hasrul", phone="081141000001", role=Role.ADMIN, now=clock.now())
    admin2 = person(session, name="Andi", phone="081267659951", role=Role.ADMIN, now=clock.now())
    kader = person(session, name="Dewi", phone="085399990003", now=clock.now())
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    request = _contact(session, clock, phone="6281299998888").request
    assert request is not None and request.id is not None
    registration.submit_details(session, request=request, text="Budi Santoso, Posyandu Mawar")

    refused = registration.decide(
        session, request_id=request.id, admin=kader, approve=True, now=clock.now()
    )
    assert refused.decision == Decision.NOT_ADMIN
    first = registration.decide(
        session, request_id=request.id, admin=admin1, approve=True, role=Role.OPD, now=clock.now()
    )
    assert first.decision == Decision.APPROVED and first.person is not None
    assert (first.person.name, first.person.role, first.person.telegram_user_id) == (
        "Budi Santoso",
        "opd",
        SRI,
    )
    second = registration.decide(
        session, request_id=request.id, admin=admin2, approve=False, now=clock.now()
    )
    assert second.decision == Decision.ALREADY_DECIDED
    assert second.decided_by is not None and second.decided_by.name == "Hasrul"
    gone = registration.decide(
        session, request_id=999, admin=admin2, approve=False, now=clock.now()
    )
    assert gone.decision == Decision.NOT_FOUND


def test_a_deep_link_token_links_in_one_tap_after_consent(
    session: Session, clock: FrozenClock
) -> None:
    sitti = person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    token = ensure_invite_token(session, sitti)
    assert len(token) >= 20
    result = registration.link_by_token(
        session, token=token, account=Account.telegram(SRI), now=clock.now()
    )
    assert result.outcome == Outcome.NEEDS_CONSENT
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    result = registration.link_by_token(
        session, token=token, account=Account.telegram(SRI), now=clock.now()
    )
    assert result.outcome == Outcome.LINKED
    registration.record_consent(session, account=Account.telegram(3003), now=clock.now())
    taken = registration.link_by_token(
        session, token=token, account=Account.telegram(3003), now=clock.now()
    )
    assert taken.outcome == Outcome.TOKEN_TAKEN
    bad = registration.link_by_token(
        session, token="nope", account=Account.telegram(SRI), now=clock.now()
    )
    assert bad.outcome == Outcome.INVALID_TOKEN


def test_a_new_sim_moves_the_account_to_the_new_roster_entry(
    session: Session, clock: FrozenClock
) -> None:
    old = person(
        session, name="Sitti (old)", phone="0853 1234 5678", now=clock.now(), telegram_user_id=SRI
    )
    new = person(session, name="Sitti (new)", phone="0853 1234 9999", now=clock.now())
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    result = _contact(session, clock, phone="6285312349999")
    assert result.outcome == Outcome.LINKED
    session.refresh(old)
    assert old.telegram_user_id is None and new.telegram_user_id == SRI


def test_erasure_keeps_the_row_for_counts_but_nothing_that_identifies(
    session: Session, clock: FrozenClock
) -> None:
    sitti = person(
        session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now(), telegram_user_id=SRI
    )
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    erase_person(session, sitti, now=clock.now())
    session.commit()
    row = session.exec(select(Person)).one()
    assert (row.name, row.phone, row.telegram_user_id, row.status) == (
        "",
        None,
        None,
        PersonStatus.ERASED,
    )
    assert session.exec(select(ConsentRecord)).all() == []


WA = Account.whatsapp("6285312345678", "ID.77")


def _by_number(
    session: Session, clock: FrozenClock, account: Account = WA
) -> registration.LinkResult:
    return registration.link_by_number(
        session,
        account=account,
        phone_raw="+" + account.key,
        contact_name="",
        language="id",
        now=clock.now(),
    )


def test_a_whatsapp_number_on_the_roster_links_after_consent_and_opts_in(
    session: Session, clock: FrozenClock
) -> None:
    person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    assert _by_number(session, clock).outcome == Outcome.NEEDS_CONSENT
    registration.record_consent(session, account=WA, now=clock.now())
    linked = _by_number(session, clock)
    assert linked.outcome == Outcome.LINKED and linked.person is not None
    sitti = linked.person
    assert (sitti.whatsapp_id, sitti.whatsapp_user_id) == ("6285312345678", "ID.77")
    assert sitti.whatsapp_opt_in_at == clock.now() and sitti.preferred_channel == "whatsapp"
    assert sitti.telegram_user_id is None and sitti.is_registered and sitti.reachable
    assert registration.stage_of(session, WA, now=clock.now()) == registration.Stage.REGISTERED
    # The same person on Telegram too: both channels, the one written on last preferred.
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    _contact(session, clock)
    assert sitti.telegram_user_id == SRI and sitti.whatsapp_id == "6285312345678"
    assert [c.value for c in sitti.channels()] == ["telegram", "whatsapp"]


def test_an_unknown_whatsapp_number_asks_an_admin(session: Session, clock: FrozenClock) -> None:
    registration.record_consent(session, account=WA, now=clock.now())
    asked = _by_number(session, clock)
    assert asked.outcome == Outcome.ASK_DETAILS and asked.request is not None
    assert (asked.request.whatsapp_id, asked.request.telegram_user_id) == ("6285312345678", None)
    registration.submit_details(session, request=asked.request, text="Sitti, Posyandu Melati")
    admin = person(session, name="Hasrul", phone="0811 4100 0001", role=Role.ADMIN, now=clock.now())
    admin.telegram_user_id = 5
    decided = registration.decide(
        session, request_id=asked.request.id or 0, admin=admin, approve=True, now=clock.now()
    )
    assert decided.decision == Decision.APPROVED and decided.person is not None
    assert decided.person.whatsapp_id == "6285312345678"
    assert registration.account_of(asked.request) == WA


def test_erasure_removes_both_channels_and_their_consents(
    session: Session, clock: FrozenClock
) -> None:
    person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    registration.record_consent(session, account=WA, now=clock.now())
    sitti = _by_number(session, clock).person
    registration.record_consent(session, account=Account.telegram(SRI), now=clock.now())
    _contact(session, clock)
    assert sitti is not None and sitti.telegram_user_id and sitti.whatsapp_id
    erase_person(session, sitti, now=clock.now())
    assert (sitti.telegram_user_id, sitti.whatsapp_id, sitti.whatsapp_user_id) == (None, None, None)
    assert sitti.whatsapp_opt_in_at is None and sitti.preferred_channel is None
    assert not sitti.reachable
    assert session.exec(select(ConsentRecord)).all() == []


def test_the_organization_a_newcomer_names_is_found_only_when_sure(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    place = organizations.place_organization
    melati = place(
        session,
        organization="",
        kecamatan="Malili",
        desa="Baruga",
        posyandu="Posyandu Melati",
        now=now,
    )
    mawar = place(
        session,
        organization="",
        kecamatan="Wotu",
        desa="Lampenai",
        posyandu="Posyandu Mawar",
        now=now,
    )
    dinkes = place(
        session, organization="Dinas Kesehatan", kecamatan="", desa="", posyandu="", now=now
    )
    named = organizations.named_in
    assert named(session, "posyandu melati") == melati
    assert named(session, "Posyandu Melati, Desa Baruga, Malili") == melati  # longest held
    assert named(session, "Dinas Kesehatan Kab. Luwu Timur") == dinkes
    assert named(session, "Mawar") == mawar  # the only name that holds it
    assert named(session, "Posyandu") is None  # two Posyandu: no guess
    assert named(session, "Posyandu Anggrek") is None
    assert named(session, "Malilian") is None  # not a whole word of any name


def test_an_approved_newcomer_is_invited_to_the_meetings_open_to_them(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    melati = organizations.place_organization(
        session,
        organization="",
        kecamatan="Malili",
        desa="Baruga",
        posyandu="Posyandu Melati",
        now=now,
    )
    admin = person(session, name="Hasrul", phone="081141000001", role=Role.ADMIN, now=now)
    person(session, name="Sitti", phone="085312345678", now=now)
    start = now + timedelta(days=9)

    def meeting(title: str, specs: list[str], deadline: timedelta | None = None) -> int:
        made = meetings.create(
            session,
            title=title,
            starts_at=start,
            timezone="Asia/Makassar",
            venue="Aula",
            specs=specs,
            now=now,
            rsvp_deadline=now + deadline if deadline else None,
        )
        assert made.id is not None
        return made.id

    for_all = meeting("Rakor", ["all"])
    for_malili = meeting("Lokmin Malili", ["kecamatan:Malili"])
    for_opd = meeting("Rapat OPD", ["opd"])
    closed = meeting("Rakor lama", ["all"], deadline=timedelta(hours=1))
    account = Account.telegram(SRI)
    registration.record_consent(session, account=account, now=now)
    asked = _contact(session, clock, phone="6281299998888").request
    assert asked is not None and asked.id is not None
    registration.submit_details(session, request=asked, text="Budi Santoso, Posyandu Melati")
    later = now + timedelta(hours=2)  # the old Rakor's answers have closed meanwhile
    result = registration.decide(
        session, request_id=asked.id, admin=admin, approve=True, role=Role.KADER, now=later
    )
    budi = result.person
    assert budi is not None and budi.organization_id == melati.id
    invited = session.exec(select(Invitation).where(Invitation.person_id == budi.id)).all()
    assert sorted(i.meeting_id for i in invited) == [for_all, for_malili]
    assert closed not in [i.meeting_id for i in invited] and for_opd not in [
        i.meeting_id for i in invited
    ]
    queued = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.person_id == budi.id, OutboxMessage.kind == "invitation"
        )
    ).all()
    assert len(queued) == 2
    assert meetings.invite_to_upcoming(session, budi, now=later) == 0  # never twice
