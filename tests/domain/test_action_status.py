"""Where the follow-up actions stand (/statusrtl), the weekly digest, and the status chart."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.image import imread
from sqlmodel import Session

from handlers.action_status import overview_text, own_text, render_digest, status_label
from handlers.action_status_chart import TOP, status_bars, status_chart
from models import actions, meetings, organizations
from models.action_owners import find_owner
from models.action_status import OrgSummary, digest, group_summaries, org_summaries
from models.actions import Action, ReportStatus
from models.clock import FrozenClock
from models.meetings import Answer, Invitation, Meeting, MeetingStatus
from models.organizations import Organization, OrgKind
from models.people import Person, Role
from tests.factories import person

TODAY = date(2023, 11, 27)  # the clock fixture: Monday 27 November 2023, 09.00 WITA
ZONE = "Asia/Makassar"
RAKOR = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)  # Rabu, 6 Desember 2023 pukul 09.00 WITA
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class District:
    orgs: dict[str, Organization]
    members: dict[str, Person]
    actions: dict[str, Action]


ORGS = [
    ("Dinas Kesehatan", OrgKind.AGENCY),
    ("Posyandu Melati Baruga", OrgKind.POSYANDU),
    ("Posyandu Anggrek Lakawali", OrgKind.POSYANDU),
    ("Malili", OrgKind.KECAMATAN),
    ("Wotu", OrgKind.KECAMATAN),
]


@pytest.fixture
def district(session: Session, clock: FrozenClock) -> District:
    now = clock.now()
    orgs = {
        name: organizations.get_or_create(session, name=name, kind=kind, parent_id=None, now=now)
        for name, kind in ORGS
    }
    members: dict[str, Person] = {}
    for index, name in enumerate(orgs):
        member = person(
            session,
            name=f"Anggota {name}",
            phone=f"0812350000{index:02d}",
            role=Role.OPD if orgs[name].kind == OrgKind.AGENCY else Role.KADER,
            now=now,
            telegram_user_id=7_100_000_000 + index,
        )
        member.organization_id = orgs[name].id
        session.add(member)
        members[name] = member
    admin = person(
        session,
        name="Hasrul Nawir",
        phone="081141000001",
        role=Role.ADMIN,
        now=now,
        telegram_user_id=7_100_000_100,
    )
    members["admin"] = admin
    session.commit()

    def make(owner: str, title: str, due: date) -> Action:
        found = find_owner(session, owner)
        assert found is not None, owner
        result = actions.create(session, title=title, owner=found, due=due, now=now, notify=False)
        (made,) = result.created
        return made

    def report(action: Action, org: str, status: ReportStatus, note: str = "") -> None:
        actions.submit_report(
            session, action, members[org], status=status.value, note=note, now=now
        )

    made = {
        "dinkes_late": make("Dinas Kesehatan", "Distribusi PMT balita", date(2023, 11, 20)),
        "dinkes_later": make("Dinas Kesehatan", "Pelatihan kader gizi", date(2023, 12, 10)),
        "dinkes_done": make("Dinas Kesehatan", "Rekap data stunting", date(2023, 11, 1)),
        "melati_late": make(
            "Posyandu Melati Baruga", "Timbang balita November", date(2023, 11, 10)
        ),
        "melati_blocked": make(
            "Posyandu Melati Baruga", "Kunjungan rumah ibu hamil", date(2023, 11, 15)
        ),
        "melati_today": make("Posyandu Melati Baruga", "Laporan bulanan SIP", TODAY),
        "anggrek": make("Posyandu Anggrek Lakawali", "Pendataan sasaran baru", date(2023, 12, 20)),
    }
    report(
        made["dinkes_done"], "Dinas Kesehatan", ReportStatus.SELESAI, "Rekap terkirim ke Bappeda"
    )
    report(made["melati_blocked"], "Posyandu Melati Baruga", ReportStatus.TERKENDALA, "Bidan cuti")
    report(made["dinkes_later"], "Dinas Kesehatan", ReportStatus.SEDANG_BERJALAN)
    # A fan-out: one action per kecamatan, Malili has done its part, Wotu is late.
    camat = find_owner(session, "Camat se-Kabupaten")
    assert camat is not None and len(camat.organizations) == 2
    fanned = actions.create(
        session,
        title="Data Posyandu aktif",
        owner=camat,
        due=date(2023, 11, 25),
        now=now,
        notify=False,
    ).created
    by_org: dict[int | None, Action] = {action.owner_org_id: action for action in fanned}
    made["camat_malili"] = by_org[orgs["Malili"].id]
    made["camat_wotu"] = by_org[orgs["Wotu"].id]
    report(made["camat_malili"], "Malili", ReportStatus.SELESAI, "Data 25 Posyandu dikirim")
    session.commit()
    return District(orgs, members, made)


def test_org_summaries_count_statuses_and_put_the_most_overdue_first(
    session: Session, district: District
) -> None:
    summaries = org_summaries(session, today=TODAY)

    assert [line.name for line in summaries] == [
        "Posyandu Melati Baruga",  # 2 overdue
        "Dinas Kesehatan",  # 1 overdue, and before "Kecamatan Wotu" by name
        "Kecamatan Wotu",  # 1 overdue
        "Kecamatan Malili",  # none overdue, by name
        "Posyandu Anggrek Lakawali",
    ]
    melati, dinkes, wotu, malili, anggrek = summaries
    # Due today is not overdue yet; a Terkendala past its due date is.
    assert melati.counts == {
        "belum_mulai": 2,
        "sedang_berjalan": 0,
        "selesai": 0,
        "terkendala": 1,
    }
    assert (melati.overdue, melati.total) == (2, 3)
    # A Selesai waiting for a check is done, never overdue, and counted as awaiting.
    assert dinkes.counts == {"belum_mulai": 1, "sedang_berjalan": 1, "selesai": 1, "terkendala": 0}
    assert (dinkes.overdue, dinkes.awaiting_check, dinkes.total) == (1, 1, 3)
    assert (wotu.overdue, wotu.counts["belum_mulai"]) == (1, 1)
    assert (malili.overdue, malili.counts["selesai"]) == (0, 1)
    assert (anggrek.overdue, anggrek.total) == (0, 1)


def test_org_summaries_can_be_limited_to_some_organizations(
    session: Session, district: District
) -> None:
    melati = district.orgs["Posyandu Melati Baruga"].id
    assert melati is not None
    (only,) = org_summaries(session, today=TODAY, org_ids=[melati])
    assert only.name == "Posyandu Melati Baruga"
    # A week earlier nothing of Melati's was overdue yet.
    (earlier,) = org_summaries(session, today=date(2023, 11, 8), org_ids=[melati])
    assert earlier.overdue == 0


def test_an_accepted_selesai_is_no_longer_awaiting_a_check(
    session: Session, clock: FrozenClock, district: District
) -> None:
    action = district.actions["dinkes_done"]
    report = actions.latest_report(session, action.id or 0)
    assert report is not None
    actions.review(session, report.id, district.members["admin"], accept=True, now=clock.now())
    dinkes = next(s for s in org_summaries(session, today=TODAY) if s.name == "Dinas Kesehatan")
    assert (dinkes.counts["selesai"], dinkes.awaiting_check) == (1, 0)
    assert status_label("id", action) == "Selesai (diterima)"
    assert status_label("id", district.actions["melati_blocked"]) == "Terkendala"


def test_group_summaries_follow_a_fanned_out_action(session: Session, district: District) -> None:
    (group,) = group_summaries(session, today=TODAY)
    assert group.label == "Camat se-Kabupaten"
    assert group.title == "Data Posyandu aktif"
    assert (group.organizations, group.done, group.overdue) == (2, 1, 1)
    # Nothing overdue two days before the due date.
    (before,) = group_summaries(session, today=date(2023, 11, 23))
    assert before.overdue == 0


def test_the_admin_overview_text(session: Session, district: District) -> None:
    text = overview_text(
        "id",
        org_summaries(session, today=TODAY),
        group_summaries(session, today=TODAY),
        today=TODAY,
    )
    assert "Keadaan per Senin, 27 November 2023" in text
    assert "Jumlah RTL: 9" in text
    assert "Terlambat: 4" in text
    assert (
        "⚠️ <b>Posyandu Melati Baruga</b> (3 RTL, 2 terlambat): 2 belum mulai, 1 terkendala" in text
    )
    assert (
        "(3 RTL, 1 terlambat): 1 belum mulai, 1 sedang berjalan, "
        "1 selesai (1 menunggu pemeriksaan)" in text
    )
    assert "• Posyandu Anggrek Lakawali (1 RTL): 1 belum mulai" in text
    assert text.index("Posyandu Melati Baruga") < text.index("Dinas Kesehatan")
    assert text.index("Kecamatan Malili") < text.index("Posyandu Anggrek Lakawali")
    assert (
        "• Camat se-Kabupaten — Data Posyandu aktif (tenggat Sabtu, 25 November 2023): "
        "1 dari 2 organisasi selesai, 1 terlambat" in text
    )
    english = overview_text("en", org_summaries(session, today=TODAY), [], today=TODAY)
    assert "1 done (1 awaiting review)" in english and "Shared actions" not in english


def test_a_members_own_list_marks_the_overdue(session: Session, district: District) -> None:
    member = district.members["Posyandu Melati Baruga"]
    own = actions.actions_of(session, member, only_open=False)
    text = own_text("id", "Posyandu Melati Baruga", own, today=TODAY)
    assert (
        "Timbang balita November</b>\n  Tenggat Jumat, 10 November 2023 · Belum mulai · ⚠️ terlambat"
        in (text)
    )
    assert (
        "Kunjungan rumah ibu hamil</b>\n  Tenggat Rabu, 15 November 2023 · Terkendala · ⚠️" in text
    )
    assert "Laporan bulanan SIP</b>\n  Tenggat Senin, 27 November 2023 · Belum mulai" in text
    assert (
        "Laporan bulanan SIP</b>\n  Tenggat Senin, 27 November 2023 · Belum mulai · ⚠️" not in text
    )
    assert "Pendataan sasaran baru" not in text
    dinkes = district.members["Dinas Kesehatan"]
    text = own_text(
        "id", "Dinas Kesehatan", actions.actions_of(session, dinkes, only_open=False), today=TODAY
    )
    assert (
        "Rekap data stunting</b>\n  Tenggat Rabu, 1 November 2023 · Selesai (menunggu pemeriksaan)"
        in (text)
    )


def _meeting(session: Session, clock: FrozenClock, title: str, starts_at: datetime) -> Meeting:
    meeting = meetings.create(
        session,
        title=title,
        starts_at=starts_at,
        timezone=ZONE,
        venue="Aula Hotel I Lagaligo, Malili",
        specs=["all"],
        now=clock.now(),
    )
    session.commit()
    return meeting


def _answer(session: Session, meeting: Meeting, someone: Person, answer: Answer) -> None:
    for invitation in meetings.invitations_of(session, meeting):
        if invitation.person_id == someone.id:
            invitation.answer = answer.value
            session.add(invitation)
    session.commit()


def test_the_digest_counts_answers_of_upcoming_meetings_and_lists_overdue_actions(
    session: Session, clock: FrozenClock, district: District
) -> None:
    rakor = _meeting(session, clock, "Rakor Pokjanal Posyandu", RAKOR)
    cancelled = _meeting(session, clock, "Rapat yang batal", RAKOR + timedelta(days=1))
    cancelled.status = MeetingStatus.CANCELLED.value
    session.add(cancelled)
    members = district.members
    _answer(session, rakor, members["admin"], Answer.HADIR)
    _answer(session, rakor, members["Dinas Kesehatan"], Answer.HADIR)
    _answer(session, rakor, members["Malili"], Answer.DIWAKILKAN)
    _answer(session, rakor, members["Wotu"], Answer.TIDAK_HADIR)
    assert rakor.id is not None
    walk_in = person(session, name="Tamu", phone="081235009999", now=clock.now())
    assert walk_in.id is not None
    session.add(
        Invitation(
            meeting_id=rakor.id,
            person_id=walk_in.id,
            answer=Answer.HADIR.value,
            walk_in=True,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    session.commit()

    data = digest(session, now=clock.now(), today=TODAY)

    (line,) = data.meetings  # the cancelled one is not upcoming
    assert line.meeting.id == rakor.id
    assert line.answers == {"pending": 2, "hadir": 2, "diwakilkan": 1, "tidak_hadir": 1}
    assert [(g.name, [a.title for a in g.actions]) for g in data.overdue] == [
        ("Posyandu Melati Baruga", ["Timbang balita November", "Kunjungan rumah ibu hamil"]),
        ("Dinas Kesehatan", ["Distribusi PMT balita"]),
        ("Kecamatan Wotu", ["Data Posyandu aktif"]),
    ]

    rendered = render_digest(session, "id", now=clock.now(), zone=ZONE)
    assert rendered is not None and rendered.buttons == ()
    text = rendered.text
    assert "Yth. Bapak/Ibu" in text and "27 November 2023" in text
    assert "<b>Rakor Pokjanal Posyandu</b> — Rabu, 6 Desember 2023 pukul 09.00 WITA" in text
    assert (
        "6 diundang: ✅ 2 hadir · 👥 1 diwakilkan · ❌ 1 tidak hadir · ⏳ 2 belum menjawab" in text
    )
    assert "Rapat yang batal" not in text
    assert "<b>RTL terlambat</b> (4)" in text
    assert "⚠️ <b>Posyandu Melati Baruga</b> (2)" in text
    assert "• Timbang balita November (tenggat Jumat, 10 November 2023)" in text
    assert "Laporan bulanan SIP" not in text and "Pendataan sasaran baru" not in text
    english = render_digest(session, "en", now=clock.now(), zone=ZONE)
    assert english is not None
    assert "2 attending · 👥 1 represented" in english.text


def test_no_digest_without_a_meeting_or_an_overdue_action(
    session: Session, clock: FrozenClock
) -> None:
    assert render_digest(session, "id", now=clock.now(), zone=ZONE) is None
    org = organizations.get_or_create(
        session, name="Dinas Sosial", kind=OrgKind.AGENCY, parent_id=None, now=clock.now()
    )
    found = find_owner(session, org.name)
    assert found is not None
    actions.create(
        session,
        title="Usulan anggaran PMT",
        owner=found,
        due=TODAY + timedelta(days=3),
        now=clock.now(),
        notify=False,
    )
    session.commit()
    assert render_digest(session, "id", now=clock.now(), zone=ZONE) is None  # not due yet
    later = clock.now() + timedelta(days=7)
    rendered = render_digest(session, "id", now=later, zone=ZONE)
    assert rendered is not None and "Usulan anggaran PMT" in rendered.text
    assert "Tidak ada rapat yang akan datang." in rendered.text


def test_the_chart_is_a_decodable_png(session: Session, district: District) -> None:
    png = status_chart(org_summaries(session, today=TODAY), "id")
    assert png.startswith(PNG_SIGNATURE)
    pixels = imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width > 600 and height > 200
    empty = status_chart([], "en")
    assert imread(io.BytesIO(empty), format="png").shape[1] > 600


def test_the_chart_keeps_fifteen_bars_and_sums_the_rest(clock: FrozenClock) -> None:
    summaries = [
        OrgSummary(
            organization=Organization(
                name=f"Posyandu {i:02d}", kind="posyandu", created_at=clock.now()
            ),
            name=f"Posyandu {i:02d}",
            counts={"belum_mulai": 1, "sedang_berjalan": 0, "selesai": 2, "terkendala": 0},
            overdue=1 if i < 3 else 0,
        )
        for i in range(20)
    ]
    bars = status_bars(summaries, "id")
    assert len(bars) == TOP + 1
    assert [bar.label for bar in bars[:3]] == ["Posyandu 00", "Posyandu 01", "Posyandu 02"]
    other = bars[-1]
    assert other.label == "Lainnya (5 organisasi)"
    assert other.counts["selesai"] == 10 and other.overdue == 0
    assert len(status_bars(summaries[:16], "id")) == 16  # no "lainnya" for a single one
    assert status_chart(summaries, "id").startswith(PNG_SIGNATURE)
