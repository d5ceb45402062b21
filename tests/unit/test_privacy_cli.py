"""``pokjanal privacy purge`` and ``pokjanal audit``: retention applied, and the trail read back."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from models import audit, meetings, outbox
from models.actions import Action, ActionReport, Evidence
from models.clock import SystemClock
from models.db import make_engine
from models.meetings import Answer, AnswerChange, Invitation
from models.outbox import Kind, OutboxMessage
from models.people import Person
from models.registration import RegistrationRequest, RequestStatus
from models.retention import Period
from models.rsvp import record
from tests.unit.test_attendance_export import build_rakor

runner = CliRunner()
OLD = datetime(2023, 12, 6, 2, 0, tzinfo=UTC)  # the Rakor's day: three years back


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POKJANAL_DATABASE_URL", url)
    monkeypatch.delenv("POKJANAL_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return url


def _report(session: Session, action: Action, reporter: Person, at: datetime, name: str) -> None:
    """A report written at ``at`` with one evidence photo on disk."""
    report = ActionReport(
        action_id=action.id or 0,
        reporter_id=reporter.id,
        status="selesai",
        note="Penyuluhan sudah dilaksanakan",
        created_at=at,
    )
    session.add(report)
    session.flush()
    path = f"actions/{action.id}/{name}-0123abcd.jpg"
    (Path("files") / path).parent.mkdir(parents=True, exist_ok=True)
    (Path("files") / path).write_bytes(b"\xff\xd8\xff photo")
    session.add(
        Evidence(
            report_id=report.id,
            kind="photo",
            telegram_file_id="f",
            file_unique_id=name,
            file_name=f"{name}.jpg",
            path=path,
            created_at=at,
        )
    )


@pytest.fixture
def history(db_url: str) -> dict[str, int]:
    """The 2023 Rakor (a reason, a representative), a meeting next week with a reason typed
    today, and a report with a photo from each time."""
    engine = make_engine(db_url)
    now = SystemClock().now()
    with Session(engine, expire_on_commit=False) as session:
        old_id = build_rakor(session, OLD - timedelta(days=9))
        recent = meetings.create(
            session,
            title="Rakor Desember",
            starts_at=now + timedelta(days=7),
            timezone="Asia/Makassar",
            venue="Aula Kantor Camat Wotu",
            specs=["all"],
            now=now,
        )
        sitti = session.exec(select(Person).where(Person.name == "Sitti Aminah")).one()
        invitation = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == recent.id, Invitation.person_id == sitti.id
            )
        ).one()
        record(session, invitation, recent, Answer.TIDAK_HADIR, now=now, reason="Anak demam")
        action = Action(
            dedupe_key="k1",
            title="Penyuluhan gizi",
            owner_org_id=sitti.organization_id or 0,
            due=date(2024, 1, 31),
            created_at=OLD,
            updated_at=OLD,
        )
        session.add(action)
        session.flush()
        _report(session, action, sitti, OLD + timedelta(days=30), "lama")
        _report(session, action, sitti, now - timedelta(days=3), "baru")
        # The 2023 late-decline alert quoting a reason, and a stranger's rejected request.
        old = session.get(meetings.Meeting, old_id)
        assert old is not None
        alert = meetings.message_about(
            old,
            person_id=sitti.id or 0,
            kind=Kind.NOTICE,
            slot="late-decline-old",
            now=OLD,
            payload={"notice": "late_decline", "reason": "Anak saya sakit"},
        )
        outbox.plan(session, [alert], now=OLD)
        session.add(
            RegistrationRequest(
                phone="+6281299990000",
                contact_name="Orang Lama",
                details="Orang Lama, Posyandu Mawar",
                status=RequestStatus.REJECTED.value,
                created_at=OLD,
            )
        )
        session.commit()
        ids = {"old": old_id, "recent": recent.id or 0}
    engine.dispose()
    return ids


def _state(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows: list[tuple[object, ...]] = [
            (i.id, i.reason, i.representative_name, i.representative_position)
            for i in session.exec(select(Invitation).order_by(Invitation.id))
        ]
        rows += [
            (c.id, c.reason, c.representative_name) for c in session.exec(select(AnswerChange))
        ]
        rows += [(r.id, r.reporter_id) for r in session.exec(select(ActionReport))]
        rows += [(e.id, e.path) for e in session.exec(select(Evidence))]
        rows += [(m.id, str(m.payload)) for m in session.exec(select(OutboxMessage))]
        rows += [(r.id, r.phone) for r in session.exec(select(RegistrationRequest))]
    engine.dispose()
    return rows


def _texts(url: str, meeting_id: int) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        found = {
            text
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
            for text in (i.reason, i.representative_name, i.representative_position)
            if text
        }
        found |= {
            text
            for c, i in session.exec(
                select(AnswerChange, Invitation).where(
                    AnswerChange.invitation_id == Invitation.id,
                    Invitation.meeting_id == meeting_id,
                )
            )
            for text in (c.reason, c.representative_name)
            if text
        }
    engine.dispose()
    return found


def _answers(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with Session(engine) as session:
        found: list[tuple[object, ...]] = [
            (i.person_id, i.answer, i.checked_in_at, i.walk_in)
            for i in session.exec(select(Invitation).order_by(Invitation.id))
        ]
    engine.dispose()
    return found


SUMMARY = (
    "Data pribadi sebelum {cutoff}: 2 jawaban undangan (alasan, wakil), 2 riwayat jawaban, "
    "1 laporan (pelapor, pemeriksa), 1 berkas bukti, 1 pesan terkirim yang mengutip alasan, "
    "1 permintaan pendaftaran yang sudah diputus."
)


def _cutoff() -> str:
    return f"{Period.parse('2y').before(SystemClock().now()):%Y-%m-%d}"


def test_a_dry_run_counts_and_changes_nothing(history: dict[str, int], db_url: str) -> None:
    before = _state(db_url)
    result = runner.invoke(app, ["privacy", "purge", "--older-than", "2y", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        SUMMARY.format(cutoff=_cutoff()),
        "Uji coba (--dry-run): tidak ada yang diubah atau dihapus.",
    ]
    assert _state(db_url) == before
    assert sorted(p.name for p in Path("files").rglob("*.jpg")) == [
        "baru-0123abcd.jpg",
        "lama-0123abcd.jpg",
    ]
    assert "bersihkan data lama" not in runner.invoke(app, ["audit"]).output


def test_a_purge_anonymises_the_old_and_keeps_the_recent(
    history: dict[str, int], db_url: str
) -> None:
    assert _texts(db_url, history["old"]) == {
        "Posyandu buka",
        "Hj. Nurhayati",
        "Sekretaris Camat",
    }
    answers_before = _answers(db_url)
    result = runner.invoke(app, ["privacy", "purge", "--older-than", "2y"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        SUMMARY.format(cutoff=_cutoff()),
        "Selesai: data di atas dianonimkan dan berkas buktinya dihapus.",
    ]
    assert _texts(db_url, history["old"]) == set()
    assert _texts(db_url, history["recent"]) == {"Anak demam"}
    left = " ".join(str(row) for row in _state(db_url))
    assert "Anak saya sakit" not in left and "+6281299990000" not in left
    assert [p.name for p in Path("files").rglob("*.jpg")] == ["baru-0123abcd.jpg"]
    engine = make_engine(db_url)
    with Session(engine) as session:
        reports = session.exec(select(ActionReport).order_by(ActionReport.id)).all()
        # The organization's record stays: both reports, their status and note; the old one
        # no longer says who wrote it.
        assert [(r.reporter_id is None, r.note) for r in reports] == [
            (True, "Penyuluhan sudah dilaksanakan"),
            (False, "Penyuluhan sudah dilaksanakan"),
        ]
        assert [e.file_unique_id for e in session.exec(select(Evidence))] == ["baru"]
    engine.dispose()
    # Who was invited, what they answered and who came stays (the SPJ's totals).
    assert _answers(db_url) == answers_before
    again = runner.invoke(app, ["privacy", "purge", "--older-than", "24m"])
    assert again.output.splitlines()[0].endswith(
        "0 jawaban undangan (alasan, wakil), 0 riwayat jawaban, "
        "0 laporan (pelapor, pemeriksa), 0 berkas bukti, 0 pesan terkirim yang mengutip alasan, "
        "0 permintaan pendaftaran yang sudah diputus."
    )
    trail = runner.invoke(app, ["audit"]).output.splitlines()
    assert "bersihkan data lama" in trail[0] and "baris perintah" in trail[0]


def test_a_period_is_a_number_and_a_unit(db_url: str) -> None:
    result = runner.invoke(app, ["privacy", "purge", "--older-than", "dua tahun"])
    assert result.exit_code == 1
    assert "tulis angka lalu y (tahun), m (bulan) atau d (hari)" in result.output
    assert Period.parse("18m").before(datetime(2026, 8, 31, tzinfo=UTC)) == datetime(
        2025, 2, 28, tzinfo=UTC
    )
    assert Period.parse("90d").before(datetime(2026, 3, 31, tzinfo=UTC)) == datetime(
        2025, 12, 31, tzinfo=UTC
    )


def test_the_notice_states_the_retention_period() -> None:
    from handlers.i18n import t

    assert "dihapus setelah 2 tahun" in t("id", "privacy.notice", body="X", retention="2 tahun")


def test_the_audit_lists_cli_acts_newest_first_and_since_filters(
    history: dict[str, int], db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        audit.record(
            session,
            act=audit.Act.MEETING_CANCEL,
            via=audit.Via.CLI,
            now=datetime(2024, 5, 1, 2, 0, tzinfo=UTC),
            target="meeting:99",
            people=3,
        )
        session.commit()
    engine.dispose()
    exported = runner.invoke(
        app, ["export", "attendance", str(history["old"]), "-o", str(tmp_path / "hadir.csv")]
    )
    assert exported.exit_code == 0, exported.output
    added = runner.invoke(app, ["admin", "add", "+6281100000002"])
    assert added.exit_code == 0, added.output
    lines = runner.invoke(app, ["audit"]).output.splitlines()
    assert [line.split("\t")[2:] for line in lines] == [
        ["jadikan admin", lines[0].split("\t")[3], "1 orang"],
        ["unduh daftar hadir", f"meeting:{history['old']}", "8 orang"],
        ["batalkan rapat", "meeting:99", "3 orang"],
    ]
    assert lines[0].split("\t")[1] == "baris perintah"
    assert lines[2].startswith("2024-05-01 09:00\t")  # Asia/Jakarta by default
    today = f"{SystemClock().now():%Y-%m-%d}"
    recent = runner.invoke(app, ["audit", "--since", "2024-06-01"]).output.splitlines()
    assert len(recent) == 2 and all(line.startswith(today[:4]) for line in recent)
    assert runner.invoke(app, ["audit", "--since", "2099-01-01"]).output.strip() == (
        "Belum ada catatan."
    )
    bad = runner.invoke(app, ["audit", "--since", "kemarin"])
    assert bad.exit_code == 1 and "TTTT-BB-HH" in bad.output


def test_a_failed_export_records_nothing(history: dict[str, int], db_url: str) -> None:
    result = runner.invoke(
        app, ["export", "attendance", str(history["old"]), "-o", "/nonexistent/dir/hadir.csv"]
    )
    assert result.exit_code == 1
    assert runner.invoke(app, ["audit"]).output.strip() == "Belum ada catatan."
