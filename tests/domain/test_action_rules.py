"""The rules of follow-up actions, without the bot: owners, reports, checks, nudges, files."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.outbox_views import OutboxRenderer
from models import action_drafts, actions, organizations
from models.action_drafts import ReportDraft
from models.action_owners import find_owner
from models.actions import Action, ActionError, Evidence
from models.clock import FrozenClock
from models.file_store import FileRefused, FileStore, evidence_type
from models.organizations import OrgKind
from models.outbox import Kind, OutboxMessage
from models.people import Person, Role
from models.privacy import erase_person
from models.subjects import skip_reason
from scheduler.action_planners import nudge_slot, plan_escalations
from tests.factories import person, report_with_a_photo

DUE = date(2023, 12, 1)


@pytest.fixture
def posyandu(session: Session, clock: FrozenClock) -> Person:
    """Sitti of Posyandu Melati Baruga (registered), and an admin."""
    org = organizations.get_or_create(
        session,
        name="Posyandu Melati Baruga",
        kind=OrgKind.POSYANDU,
        parent_id=None,
        now=clock.now(),
    )
    organizations.get_or_create(
        session, name="Malili", kind=OrgKind.KECAMATAN, parent_id=None, now=clock.now()
    )
    organizations.get_or_create(
        session, name="Wotu", kind=OrgKind.KECAMATAN, parent_id=None, now=clock.now()
    )
    sitti = person(session, name="Sitti", phone="085312345678", now=clock.now(), telegram_user_id=1)
    sitti.organization_id = org.id
    session.add(sitti)
    person(
        session,
        name="Hasrul",
        phone="081141000001",
        role=Role.ADMIN,
        now=clock.now(),
        telegram_user_id=2,
    )
    session.commit()
    return sitti


def one_action(session: Session, clock: FrozenClock) -> Action:
    owner = find_owner(session, "posyandu melati baruga")
    assert owner is not None
    created = actions.create(session, title="Laporan SKDN", owner=owner, due=DUE, now=clock.now())
    return created.created[0]


def test_owners_are_found_by_exact_name_or_as_a_group(session: Session, posyandu: Person) -> None:
    kecamatan = find_owner(session, "Kecamatan Malili")
    assert kecamatan is not None and [o.name for o in kecamatan.organizations] == ["Malili"]
    group = find_owner(session, "Camat se-Kabupaten")
    assert group is not None and group.group_key == "kecamatan"
    assert sorted(o.name for o in group.organizations) == ["Malili", "Wotu"]
    assert find_owner(session, "Melati") is None  # a sheet's owner is not a search
    assert find_owner(session, "Puskesmas se-Kabupaten") is None  # a group of nobody


def test_the_same_action_twice_is_created_once(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    first = one_action(session, clock)
    owner = find_owner(session, "Posyandu Melati Baruga")
    assert owner is not None
    again = actions.create(
        session, title="  laporan   skdn ", owner=owner, due=DUE, now=clock.now()
    )
    assert again.created == [] and again.existing == [first]
    notices = session.exec(select(OutboxMessage).where(OutboxMessage.slot == "assigned")).all()
    assert [n.person_id for n in notices] == [posyandu.id]


def test_due_dates_before_the_meeting_or_today_are_refused(session: Session) -> None:
    with pytest.raises(ActionError) as error:
        actions.check_due(session, date(2023, 11, 1), meeting_id=None, today=date(2023, 11, 27))
    assert error.value.code == "due_in_past"
    with pytest.raises(ActionError) as error:
        actions.check_due(session, DUE, meeting_id=999, today=date(2023, 11, 27))
    assert error.value.code == "unknown_meeting"


def test_a_report_needs_a_note_for_selesai_and_terkendala(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    for status in ("selesai", "terkendala"):
        with pytest.raises(ActionError) as error:
            actions.submit_report(
                session, action, posyandu, status=status, note="", now=clock.now()
            )
        assert error.value.code == "note_required"
    report = actions.submit_report(
        session, action, posyandu, status="sedang_berjalan", note="", now=clock.now()
    )
    assert report.note == "" and action.status == "sedang_berjalan"


def test_reports_are_history_and_the_admins_check_selesai(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    admin = session.exec(select(Person).where(Person.role == "admin")).one()
    actions.submit_report(
        session, action, posyandu, status="terkendala", note="Alat belum ada", now=clock.now()
    )
    done = actions.submit_report(
        session, action, posyandu, status="selesai", note="Sudah dikirim", now=clock.now()
    )
    assert [r.status for r in actions.reports_of(session, action.id or 0)] == [
        "terkendala",
        "selesai",
    ]
    with pytest.raises(ActionError) as error:
        actions.submit_report(
            session, action, posyandu, status="selesai", note="lagi lagi", now=clock.now()
        )
    assert error.value.code == "done"
    with pytest.raises(ActionError) as error:
        actions.review(session, done.id, posyandu, accept=True, now=clock.now())
    assert error.value.code == "not_admin"
    with pytest.raises(ActionError) as error:
        actions.review(session, done.id, admin, accept=False, now=clock.now(), comment="")
    assert error.value.code == "comment"
    actions.review(session, done.id, admin, accept=False, now=clock.now(), comment="Foto kurang")
    assert action.is_open and action.status == "sedang_berjalan"
    with pytest.raises(ActionError) as error:
        actions.review(session, done.id, admin, accept=True, now=clock.now())
    assert error.value.code == "already_checked"


def test_another_organization_cannot_report(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    stranger = person(session, name="Dewi", phone="085399990003", now=clock.now())
    with pytest.raises(ActionError) as error:
        action_drafts.start_report(session, stranger, action.id, now=clock.now())
    assert error.value.code == "not_yours"
    with pytest.raises(ActionError) as error:
        actions.submit_report(
            session, action, stranger, status="selesai", note="Sudah", now=clock.now()
        )
    assert error.value.code == "not_yours"
    with pytest.raises(ActionError) as error:
        action_drafts.start_report(session, posyandu, 10**12, now=clock.now())
    assert error.value.code == "gone"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 11, 27), None),
        (date(2023, 11, 28), ("before", date(2023, 11, 28))),
        (date(2023, 11, 30), ("before", date(2023, 11, 28))),
        (date(2023, 12, 1), ("due", DUE)),
        (date(2023, 12, 3), ("due", DUE)),
        (date(2023, 12, 4), ("overdue-1", date(2023, 12, 4))),
        (date(2023, 12, 9), ("overdue-2", date(2023, 12, 7))),
        (date(2023, 12, 10), ("overdue-3", date(2023, 12, 10))),
    ],
)
def test_the_nudge_moments(today: date, expected: tuple[str, date] | None) -> None:
    assert nudge_slot(DUE, today) == expected


def test_a_nudge_queued_before_selesai_is_skipped_when_it_comes_due(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    nudge = actions.action_message(
        action, person_id=posyandu.id or 0, kind=Kind.NUDGE, slot="due", now=clock.now()
    )
    from models import outbox

    outbox.plan(session, [nudge], now=clock.now())
    row = session.exec(select(OutboxMessage).where(OutboxMessage.slot == "due")).one()
    assert skip_reason(session, row) is None
    actions.submit_report(
        session, action, posyandu, status="selesai", note="Sudah dikirim", now=clock.now()
    )
    assert skip_reason(session, row) == "done"


def test_an_owner_nobody_can_reach_is_escalated_after_the_second_overdue_moment(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    posyandu.telegram_chat_id = None  # Sitti never registered: nobody can be nudged
    session.add(posyandu)
    session.flush()
    at = datetime(2023, 12, 6, 2, 0, tzinfo=UTC)
    assert plan_escalations(session, now=at, zone="Asia/Jakarta") == []
    later = at + timedelta(days=1)
    planned = plan_escalations(session, now=later, zone="Asia/Jakarta")
    assert [p.kind for p in planned] == ["escalation"]
    assert plan_escalations(session, now=later + timedelta(days=3), zone="Asia/Jakarta") == []
    assert action.escalated_at == later


def test_erasing_a_person_drops_their_draft_and_hands_back_its_files(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    path = report_with_a_photo(session, posyandu, action.id, clock.now())
    assert erase_person(session, posyandu, now=clock.now()) == [path]
    assert session.exec(select(ReportDraft)).all() == []
    assert session.exec(select(Evidence)).all() == []


def test_the_file_store_refuses_big_and_foreign_files_and_sweeps_orphans(tmp_path: Path) -> None:
    store = FileStore(tmp_path, max_bytes=1000)
    with pytest.raises(FileRefused) as refused:
        store.save("actions/1", b"x" * 1001, mime_type="image/jpeg")
    assert refused.value.code == "size"
    assert evidence_type("application/pdf", "a.pdf") == "application/pdf"
    assert evidence_type(None, "laporan.XLSX").endswith("spreadsheetml.sheet")
    for mime, name in (("application/zip", "a.zip"), ("audio/ogg", "voice.ogg"), (None, "x.exe")):
        with pytest.raises(FileRefused):
            evidence_type(mime, name)
    kept = store.save("actions/1", b"photo", mime_type="image/jpeg", hint="photo")
    orphan = store.save("actions/../../1", b"left", mime_type="image/png")
    assert not orphan.startswith("..") and (tmp_path / orphan).exists()
    assert list(tmp_path.rglob("*.part")) == []
    now = (tmp_path / orphan).stat().st_mtime
    assert store.sweep({kept}, now=now) == 0  # too fresh: it may be being recorded
    old = now - 2 * 86400
    for name in (kept, orphan):
        os.utime(tmp_path / name, (old, old))
    assert store.sweep({kept}, now=now) == 1
    assert (tmp_path / kept).exists() and not (tmp_path / orphan).exists()


def test_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(tmp_path)

    def no_space(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        store.save("actions/1", b"photo", mime_type="image/jpeg")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_expired_report_drafts_are_dropped(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    action_drafts.start_report(session, posyandu, action.id, now=clock.now())
    assert action_drafts.expire_report_drafts(session, now=clock.now() + timedelta(hours=1)) == 0
    assert action_drafts.expire_report_drafts(session, now=clock.now() + timedelta(days=2)) == 1
    assert session.exec(select(ReportDraft)).all() == []


def test_the_demo_holds_last_quarter_rakor_with_its_twelve_follow_ups(tmp_path: Path) -> None:
    from bot.demo import seed
    from models.db import make_engine
    from models.meetings import Meeting

    seed(f"sqlite:///{tmp_path / 'demo.db'}")
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    with Session(engine) as session:
        previous, upcoming = session.exec(select(Meeting).order_by(col(Meeting.starts_at))).all()
        assert previous.status == "done" and upcoming.status == "scheduled"
        seeded = session.exec(select(Action)).all()
        assert len(seeded) == 12 and {a.meeting_id for a in seeded} == {previous.id}
        carried = actions.carried_over(session, upcoming)
        assert len(carried) == 11  # one was reported Selesai and accepted
        assert {a.status for a in seeded} == {
            "belum_mulai",
            "sedang_berjalan",
            "terkendala",
            "selesai",
        }
    engine.dispose()


def test_an_expired_report_draft_tells_its_writer(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from handlers.outbox_views import OutboxRenderer

    action = one_action(session, clock)
    action_drafts.start_report(session, posyandu, action.id, now=clock.now())
    later = clock.now() + timedelta(days=2)
    assert action_drafts.report_draft_of(session, posyandu.id or 0, now=later) is None
    row = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.subject).startswith("reportdraft:"))
    ).one()
    rendered = OutboxRenderer("Pokjanal Posyandu").render(session, posyandu, [row])
    assert rendered is not None and "Laporan SKDN" in rendered.text
    assert "kedaluwarsa" in rendered.text


def test_a_standalone_action_comes_back_with_a_new_due_date(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    owner = find_owner(session, "Posyandu Melati Baruga")
    assert owner is not None
    january = actions.create(session, title="Laporan SPM", owner=owner, due=DUE, now=clock.now())
    again = actions.create(session, title="Laporan SPM", owner=owner, due=DUE, now=clock.now())
    april = actions.create(
        session, title="Laporan SPM", owner=owner, due=date(2024, 4, 30), now=clock.now()
    )
    assert len(january.created) == 1 and again.existing == january.created
    assert len(april.created) == 1 and april.created[0].id != january.created[0].id


def test_no_admin_to_tell_leaves_the_escalation_waiting(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    action = one_action(session, clock)
    posyandu.telegram_chat_id = None
    for admin in session.exec(select(Person).where(Person.role == "admin")):
        admin.telegram_chat_id = None
        session.add(admin)
    session.add(posyandu)
    session.flush()
    late = datetime(2023, 12, 8, 2, 0, tzinfo=UTC)
    assert plan_escalations(session, now=late, zone="Asia/Jakarta") == []
    assert action.escalated_at is None  # an admin who registers later still hears of it


def test_the_sweep_leaves_what_the_store_did_not_write(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    database = tmp_path / "pokjanal.db"
    database.write_bytes(b"SQLite format 3")
    (tmp_path / "actions").mkdir()
    notes = tmp_path / "actions" / "catatan.txt"
    notes.write_text("x")
    ours = store.save("actions/3", b"photo", mime_type="image/jpeg", hint="photo")
    old = 1_000_000.0
    for path in (database, notes, tmp_path / ours):
        os.utime(path, (old, old))
    assert store.sweep(set(), now=old + 3 * 86400) == 1
    assert database.exists() and notes.exists() and not (tmp_path / ours).exists()


def test_a_bundle_lists_at_most_eight_items_and_one_line_per_action(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from handlers.outbox_views import BUNDLE_MAX, OutboxRenderer
    from models import outbox

    owner = find_owner(session, "Posyandu Melati Baruga")
    assert owner is not None
    planned = []
    for number in range(25):
        created = actions.create(
            session,
            title=f"Tindak lanjut nomor {number} & seterusnya " + "x" * 200,
            owner=owner,
            due=DUE,
            now=clock.now(),
            notify=False,
        )
        action = created.created[0]
        for slot in ("overdue-1", "overdue-2"):  # two moments of one action: one line
            planned.append(
                actions.action_message(
                    action, person_id=posyandu.id or 0, kind=Kind.NUDGE, slot=slot, now=clock.now()
                )
            )
    outbox.plan(session, planned, now=clock.now())
    rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")))
    rendered = OutboxRenderer("Pokjanal Posyandu", clock=clock.now).render(session, posyandu, rows)
    assert rendered is not None
    assert len(rendered.text) < 4096 and len(rendered.buttons) == BUNDLE_MAX
    assert "25 hal menunggu" in rendered.text and "dan 17 lainnya" in rendered.text
    label = rendered.buttons[0][0].label
    assert "&" in label and "&amp;" not in label  # button labels are not parsed as HTML


def test_a_report_decided_meanwhile_cannot_be_decided_again(
    engine: Engine, posyandu: Person, clock: FrozenClock
) -> None:
    with Session(engine, expire_on_commit=False) as first:
        action = one_action(first, clock)
        sitti = first.get(Person, posyandu.id)
        assert sitti is not None
        report = actions.submit_report(
            first, action, sitti, status="selesai", note="Sudah dikirim", now=clock.now()
        )
        first.commit()
        admin = first.exec(select(Person).where(Person.role == "admin")).one()
        assert report.verdict == "pending"  # this session still holds the old state
        with Session(engine) as second:
            other = second.get(Person, admin.id)
            assert other is not None
            actions.review(second, report.id, other, accept=True, now=clock.now())
            second.commit()
        with pytest.raises(ActionError) as error:
            actions.review(first, report.id, admin, accept=False, now=clock.now(), comment="Kurang")
        assert error.value.code == "already_checked"


def test_an_import_refuses_a_due_date_before_its_meeting(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from models import meetings
    from models.action_import import import_actions

    meeting = meetings.create(
        session,
        title="Rakor",
        starts_at=datetime(2023, 12, 6, 1, 0, tzinfo=UTC),
        timezone="Asia/Makassar",
        venue="Aula",
        specs=[],
        now=clock.now(),
    )
    headers = ["Tindak lanjut", "Penanggung jawab", "Tenggat"]
    rows = [
        ["Laporan SKDN", "Posyandu Melati Baruga", "2022-12-31"],
        ["Laporan SKDN bulanan", "Posyandu Melati Baruga", "2023-12-31"],
    ]
    report = import_actions(
        session, headers, rows, now=clock.now(), today=date(2023, 11, 27), meeting_id=meeting.id
    )
    assert [(e.row, e.problem.value) for e in report.errors] == [(1, "due_before_meeting")]
    assert report.created == 1


def test_the_digest_of_a_district_far_behind_stays_one_message(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from handlers.action_status import DIGEST_ORGS, render_digest
    from models.action_owners import Owner

    for number in range(30):
        org = organizations.get_or_create(
            session,
            name=f"Posyandu Nomor {number}",
            kind=OrgKind.POSYANDU,
            parent_id=None,
            now=clock.now(),
        )
        for item in range(6):
            actions.create(
                session,
                title=f"Tindak lanjut {item} yang cukup panjang judulnya " + "y" * 150,
                owner=Owner((org,)),
                due=date(2023, 10, 1),
                now=clock.now(),
                notify=False,
            )
    rendered = render_digest(session, "id", now=clock.now(), zone="Asia/Jakarta")
    assert rendered is not None and len(rendered.text) < 4096
    assert f"dan {30 - DIGEST_ORGS} organisasi lainnya" in rendered.text
    assert "RTL terlambat</b> (180)" in rendered.text or "RTL terlambat (180)" in rendered.text


def test_an_idle_rtlbaru_draft_expires_with_a_message(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    admin = session.exec(select(Person).where(Person.role == "admin")).one()
    draft = action_drafts.start_action(session, author_id=admin.id or 0, now=clock.now())
    action_drafts.choose_meeting(session, draft, None, now=clock.now())
    action_drafts.give_title(session, draft, "Pendataan ulang Posyandu", now=clock.now())
    action_drafts.expire_report_drafts(session, now=clock.now() + timedelta(days=2))
    assert session.exec(select(action_drafts.ActionDraft)).all() == []
    row = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.subject).startswith("actiondraft:"))
    ).one()
    assert row.person_id == admin.id and row.payload["key"] == "rtl.action_draft_expired"


def test_the_weekly_digest_is_planned_on_monday_from_0730_local_once(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from models import outbox
    from scheduler.action_planners import plan_weekly_digest

    wib = ZoneInfo("Asia/Jakarta")
    before = datetime(2023, 11, 27, 7, 29, tzinfo=wib)  # Monday 07.29 WIB
    assert plan_weekly_digest(session, now=before, zone="Asia/Jakarta") == []
    at = datetime(2023, 11, 27, 7, 30, tzinfo=wib)
    planned = plan_weekly_digest(session, now=at, zone="Asia/Jakarta")
    assert [(p.kind, p.subject) for p in planned] == [("digest", "digest:2023-11-27")]
    assert outbox.plan(session, planned, now=at) == 1
    again = plan_weekly_digest(session, now=at + timedelta(hours=3), zone="Asia/Jakarta")
    assert outbox.plan(session, again, now=at) == 0  # the same Monday: one digest
    tuesday = datetime(2023, 11, 28, 9, 0, tzinfo=wib)
    assert plan_weekly_digest(session, now=tuesday, zone="Asia/Jakarta") == []


def test_today_for_a_typed_due_date_is_the_owners(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    papua = organizations.get_or_create(
        session, name="Posyandu Jayapura", kind=OrgKind.POSYANDU, parent_id=None, now=clock.now()
    )
    papua.timezone = "Asia/Jayapura"
    session.add(papua)
    admin = session.exec(select(Person).where(Person.role == "admin")).one()
    late_evening = datetime(2023, 11, 27, 16, 30, tzinfo=UTC)  # 23.30 WIB, 01.30 WIT the 28th
    draft = action_drafts.start_action(session, author_id=admin.id or 0, now=late_evening)
    action_drafts.choose_meeting(session, draft, None, now=late_evening)
    action_drafts.give_title(session, draft, "Pendataan sasaran", now=late_evening)
    action_drafts.choose_owner(session, draft, org_id=papua.id, now=late_evening)
    with pytest.raises(ActionError) as error:
        action_drafts.give_due(session, draft, "27/11/2023", now=late_evening, zone="Asia/Jakarta")
    assert error.value.code == "due_in_past"
    action_drafts.give_due(session, draft, "besok", now=late_evening, zone="Asia/Jakarta")
    assert draft.due == date(2023, 11, 29)  # tomorrow in Jayapura


def test_a_bundle_of_long_titles_and_a_long_owner_stays_under_the_limit(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from handlers.outbox_views import OutboxRenderer
    from models import outbox
    from models.action_owners import Owner

    org = organizations.get_or_create(
        session,
        name="Dinas " + "Pemberdayaan " * 14,
        kind=OrgKind.AGENCY,
        parent_id=None,
        now=clock.now(),
    )
    posyandu.organization_id = org.id
    session.add(posyandu)
    planned = []
    for number in range(8):
        created = actions.create(
            session,
            title=f"{number} " + "judul panjang " * 21,
            owner=Owner((org,)),
            due=DUE,
            now=clock.now(),
            notify=False,
        )
        planned.append(
            actions.action_message(
                created.created[0],
                person_id=posyandu.id or 0,
                kind=Kind.NUDGE,
                slot="due",
                now=clock.now(),
            )
        )
    outbox.plan(session, planned, now=clock.now())
    rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")))
    rendered = OutboxRenderer("Pokjanal Posyandu", clock=clock.now).render(session, posyandu, rows)
    assert rendered is not None and len(rendered.text) < 4096


def test_the_digest_lists_a_few_meetings_and_still_shows_the_overdue(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    from handlers.action_status import DIGEST_MEETINGS, render_digest
    from models import meetings

    one_action(session, clock)
    for number in range(16):
        meetings.create(
            session,
            title=f"Rapat koordinasi nomor {number} " + "dengan judul yang panjang " * 4,
            starts_at=datetime(2023, 12, 6 + number % 20, 1, 0, tzinfo=UTC),
            timezone="Asia/Makassar",
            venue="Aula",
            specs=[],
            now=clock.now(),
        )
    later = datetime(2023, 12, 4, 2, 0, tzinfo=UTC)
    rendered = render_digest(session, "id", now=later, zone="Asia/Jakarta")
    assert rendered is not None and len(rendered.text) < 4096
    assert f"dan {16 - DIGEST_MEETINGS} rapat lainnya" in rendered.text
    assert "RTL terlambat" in rendered.text and "Laporan SKDN" in rendered.text


def test_a_long_list_of_escalations_stays_one_readable_message(
    session: Session, posyandu: Person, clock: FrozenClock
) -> None:
    """Forty late actions at once (a district's first admin): whole lines within Telegram's
    4096 characters, and where to see the rest."""
    owner = find_owner(session, "posyandu melati baruga")
    assert owner is not None
    admin = session.exec(select(Person).where(Person.role == Role.ADMIN.value)).one()
    rows = []
    for i in range(40):
        title = f"Tindak lanjut nomor {i:02d} " + "dengan uraian yang cukup panjang " * 3
        action = actions.create(session, title=title, owner=owner, due=DUE, now=clock.now())
        planned = actions.action_message(
            action.created[0],
            person_id=admin.id or 0,
            kind=Kind.ESCALATION,
            slot="escalation",
            now=clock.now(),
        )
        rows.append(
            OutboxMessage(
                id=i + 1,
                **planned.__dict__,
                dedupe_key=str(i),
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    rendered = OutboxRenderer("Pokjanal Posyandu").render(session, admin, rows)
    assert rendered is not None and len(rendered.text) < 4096
    assert rendered.text.startswith("⚠️ <b>40 tindak lanjut lewat tenggat")
    shown = rendered.text.count("\n• ")
    assert 0 < shown < 40 and f"… dan {40 - shown} lainnya: /statusrtl" in rendered.text
    assert (
        "Tindak lanjut nomor 00" in rendered.text and "Tindak lanjut nomor 39" not in rendered.text
    )


def test_the_carry_over_of_an_invitation_reads_the_open_actions_by_index(tmp_path: Path) -> None:
    """Each invitation renders the carry-over line: over years of closed actions it must search
    the open ones, not walk every action (issue 15: 1.4 s an invitation at a million)."""
    from bot.demo import seed
    from models.db import make_engine
    from models.meetings import Meeting
    from tests.query_plans import assert_no_full_scan, plans_of

    seed(f"sqlite:///{tmp_path / 'demo.db'}")
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    with Session(engine) as session:
        upcoming = session.exec(select(Meeting).order_by(col(Meeting.starts_at))).all()[-1]
        cadre = session.exec(select(Person).where(col(Person.organization_id).is_not(None))).first()
        assert cadre is not None

        def render_both() -> None:
            actions.carried_over(session, upcoming)
            actions.carry_over_counts(session, upcoming, cadre, today=upcoming.starts_at.date())

        explained = plans_of(engine, render_both)
        assert_no_full_scan(explained, ("action",))
        # Searched by meeting AND status: the closed actions of past meetings are not read.
        action_lines = [line for e in explained for line in e.plan if " action " in f"{line} "]
        assert action_lines and all("status=?" in line for line in action_lines), action_lines
    engine.dispose()
