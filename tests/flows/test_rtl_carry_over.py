"""Actions from the command line reach their owner; open ones follow into the next meeting."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from models import action_owners, actions, meetings
from models.clock import SystemClock
from models.db import unit_of_work
from models.meetings import Meeting, MeetingStatus
from tests.flows.conftest import World
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import invited, rakor
from tests.flows.test_rtl import told

EARLIER = datetime(2023, 8, 19, 1, 0, tzinfo=UTC)  # the August Rakor, held and closed


def earlier_meeting(world: World) -> int:
    """A meeting held in August (created for the future, then moved back: create refuses the
    past, and this is history)."""
    with unit_of_work(world.engine) as session:
        meeting = meetings.create(
            session,
            title="Rakor Agustus",
            starts_at=datetime(2024, 1, 1, 1, 0, tzinfo=UTC),
            timezone="Asia/Makassar",
            venue="Aula Kantor Bupati",
            specs=["phone:+6281141000001"],
            now=world.clock.now(),
        )
        meeting.starts_at = meeting.rsvp_deadline = EARLIER
        meeting.status = MeetingStatus.DONE.value
        session.add(meeting)
        assert meeting.id is not None
        return meeting.id


async def test_an_action_added_from_the_command_line_reaches_its_owner(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    meeting_id = earlier_meeting(world)
    monkeypatch.setenv("POKJANAL_DATABASE_URL", world.settings.database_url)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    result = CliRunner().invoke(
        app,
        [
            "action",
            "add",
            "--meeting",
            str(meeting_id),
            "--owner",
            "Posyandu Melati Baruga",
            "--due",
            "2023-09-30",
            "--title",
            "Laporan SKDN bulanan dikirim ke Puskesmas",
        ],
    )
    assert result.exit_code == 0, result.output
    # The command line runs on the real clock; the bot's clock catches up with it.
    world.clock.set(SystemClock().now() + timedelta(seconds=1))
    world.delivery.tick()  # the running bot picks up what the command line queued
    await told(sitti)
    assert "Dari rapat: Rakor Agustus" in (sitti.last_message.text if sitti.last_message else "")


def two_open_actions_of_an_earlier_meeting(world: World) -> None:
    earlier = earlier_meeting(world)
    with unit_of_work(world.engine) as session:
        for owner, title in (
            ("Posyandu Melati Baruga", "Laporan SKDN bulanan dikirim ke Puskesmas"),
            ("Dinas Sosial", "Penyampaian data balita keluarga miskin"),
        ):
            found = action_owners.find_owner(session, owner)
            assert found is not None
            actions.create(
                session,
                title=title,
                owner=found,
                due=datetime(2023, 9, 30).date(),  # noqa: DTZ001 - a calendar day
                meeting_id=earlier,
                now=world.clock.now(),
                notify=False,
            )


async def test_open_actions_follow_into_the_next_invitation_and_recap(world: World) -> None:
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    two_open_actions_of_an_earlier_meeting(world)
    meeting_id = rakor(world)
    cards = await sitti.wait_for(
        lambda m: any("Tindak lanjut rapat sebelumnya" in x.text and x.buttons for x in m)
    )
    card = next(m for m in cards if "Tindak lanjut rapat sebelumnya" in m.text)
    assert "Tindak lanjut rapat sebelumnya: 2 belum selesai (2 lewat tenggat)" in card.text
    assert "1 di antaranya milik instansi/Posyandu Anda" in card.text
    await invited(hasrul)
    await hasrul.send_text(f"/rekap {meeting_id}")
    heading = "2 tindak lanjut rapat sebelumnya masih terbuka (2 lewat tenggat) — /statusrtl"
    await hasrul.wait_for(lambda m: any(heading in x.content for x in m), timeout=20)
    with unit_of_work(world.engine) as session:
        this = session.get(Meeting, meeting_id)
        assert this is not None
        assert len(actions.carried_over(session, this)) == 2


async def test_the_card_shown_on_registering_carries_the_open_actions_too(world: World) -> None:
    """Shown on registering is the one delivery of the invitation (issue 15): the same card the
    queue would have sent, the line on open follow-ups included."""
    sitti = world.user(*SITTI)
    two_open_actions_of_an_earlier_meeting(world)
    rakor(world)
    await register(sitti)
    cards = await sitti.wait_for(lambda m: any("Rakor Pokjanal" in x.text and x.buttons for x in m))
    card = next(m for m in cards if "Rakor Pokjanal" in m.text and m.buttons)
    assert "Tindak lanjut rapat sebelumnya: 2 belum selesai (2 lewat tenggat)" in card.text
