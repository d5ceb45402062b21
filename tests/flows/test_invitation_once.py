"""An invitation reaches each person once (issue 15): queued only for whom the bot can write
to, shown on registering to the others, and never both.

Who can still have a queued copy and register? Someone the bot could already write to: a
cadre opted in to WhatsApp on paper (her invitation goes as the template) who then writes to
the bot and links WhatsApp, or links Telegram. Her copy is either still waiting (quiet hours,
a long queue) or gone; either way she sees the invitation exactly once, in one of her chats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import meetings
from models.db import unit_of_work
from models.meetings import Invitation, Meeting
from models.outbox import Kind, OutboxMessage, Status
from models.people import Person
from sandbox.whatsapp.users import WhatsAppUser
from tests.flows.conftest import World
from tests.flows.personas import CHANNELS, Persona
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import SITTI
from tests.flows.test_rsvp import START

TITLE = "Rakor Pokjanal Posyandu"


def cards(*chats: Sequence[Any]) -> int:
    """Messages that carry the invitation: its answer buttons (Telegram's inline keyboard,
    WhatsApp's reply buttons, the template's quick replies alike)."""
    return sum(
        1
        for messages in chats
        for message in messages
        if {"Hadir", "Diwakilkan"} <= {label for row in message.buttons for label in row}
    )


def invitation_rows(world: World) -> list[OutboxMessage]:
    person = world.person(SITTI[1])
    with Session(world.engine) as session:
        query = select(OutboxMessage).where(
            OutboxMessage.person_id == person.id, OutboxMessage.kind == Kind.INVITATION.value
        )
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


def create_meeting(world: World, *, hold: bool = False) -> int:
    """The Rakor for everyone; ``hold``: its queued copies wait a day (as in quiet hours or
    behind a long queue), so Sitti registers while hers is still queued."""
    now = world.clock.now()
    with unit_of_work(world.engine) as session:
        meeting = meetings.create(
            session,
            title=TITLE,
            starts_at=START,
            timezone="Asia/Makassar",
            venue="Aula Hotel I Lagaligo, Malili",
            specs=["all"],
            now=now,
        )
        if hold:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.subject) == meeting.subject)
                .values(not_before=now + timedelta(days=1))
            )
        assert meeting.id is not None
        meeting_id = meeting.id
    world.delivery.wake()
    return meeting_id


def release(world: World) -> None:
    """The queue reaches the held copies now."""
    with unit_of_work(world.engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == Status.PENDING.value)
            .values(not_before=world.clock.now())
        )
    world.delivery.wake()


def opted_in_on_paper(world: World) -> WhatsAppUser:
    """ "Izin WA: ya" on the roster: the bot may send her the template before she writes."""
    with unit_of_work(world.engine) as session:
        sitti = session.exec(select(Person).where(Person.phone == SITTI[1])).one()
        sitti.whatsapp_opt_in_at = world.clock.now()
        session.add(sitti)
    return world.wa_user(*SITTI)


async def settled(persona: Persona) -> None:
    """Everything the bot says on registering has arrived: a later question is answered
    after it (one chat's updates are handled in order)."""
    await persona.send(persona.command("bantuan"))
    await persona.wait_text("Yang dapat Anda ketik" if persona.on_whatsapp else "Perintah")


@pytest.mark.parametrize("channel", CHANNELS)
async def test_an_unregistered_invitee_gets_it_once_on_registering(
    wa_world: World, channel: str
) -> None:
    """Before: a row for her, marked unreachable by the engine (at 480 rows/s on a full core
    at 20,000 invitees, starving replies); now none, and the card is shown on registering."""
    create_meeting(wa_world)
    with Session(wa_world.engine) as session:
        person = wa_world.person(SITTI[1])
        invited = session.exec(select(Invitation).where(Invitation.person_id == person.id)).one()
        assert invited.shown_at is None
    assert invitation_rows(wa_world) == []  # nothing queued for someone not reachable
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    await settled(sitti)
    assert cards(sitti.messages) == 1
    assert invitation_rows(wa_world) == []
    with Session(wa_world.engine) as session:
        assert session.get(Invitation, invited.id).shown_at is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("copy", ["still_queued", "gone"])
async def test_registering_with_a_queued_copy_gives_the_invitation_once(
    wa_world: World, channel: str, copy: str
) -> None:
    """Opted in on paper, so her invitation was queued as the WhatsApp template; she then
    links WhatsApp (or Telegram). Still queued: shown on registering, the copy never goes.
    Gone: not shown again (before: the same card a second time, in the chat she opened)."""
    on_whatsapp = opted_in_on_paper(wa_world)
    create_meeting(wa_world, hold=copy == "still_queued")
    if copy == "gone":
        await eventually(lambda: [r.status for r in invitation_rows(wa_world)] == ["sent"])
        assert cards(on_whatsapp.messages) == 1  # the template
    else:
        assert [r.status for r in invitation_rows(wa_world)] == ["pending"]
    sitti = (
        Persona.wrap(wa_world, on_whatsapp)
        if channel == "whatsapp"
        else Persona(wa_world, channel, *SITTI)
    )
    await sitti.register()
    await settled(sitti)
    release(wa_world)
    await eventually(
        lambda: all(r.status in ("sent", "skipped") for r in invitation_rows(wa_world))
    )
    await settled(sitti)  # anything the queue still sent has arrived by now
    telegram = sitti.messages if channel == "telegram" else []
    assert cards(on_whatsapp.messages, telegram) == 1
    expected = ("sent", "") if copy == "gone" else ("skipped", "shown")
    assert [(r.status, r.last_error) for r in invitation_rows(wa_world)] == [expected]


async def test_a_moved_meetings_copy_still_goes_when_she_registers_meanwhile(
    wa_world: World,
) -> None:
    """She had the first time by the template; the meeting moved and its new copy waits in the
    queue when she links Telegram. That copy says the time changed, so it is not taken for a
    card shown now (which would show the new time without a word): it goes, once."""
    on_whatsapp = opted_in_on_paper(wa_world)
    meeting_id = create_meeting(wa_world)
    await eventually(lambda: [r.status for r in invitation_rows(wa_world)] == ["sent"])
    now = wa_world.clock.now()
    with unit_of_work(wa_world.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meetings.reschedule(
            session, meeting, starts_at=meeting.starts_at + timedelta(days=1), now=now
        )
        session.execute(  # the new copy waits (quiet hours, a long queue)
            update(OutboxMessage)
            .where(col(OutboxMessage.subject) == meeting.subject)
            .where(col(OutboxMessage.status) == Status.PENDING.value)
            .values(not_before=now + timedelta(days=1))
        )
    sitti = Persona(wa_world, "telegram", *SITTI)
    await sitti.register()
    await settled(sitti)
    assert cards(sitti.messages) == 0  # not shown without the change
    release(wa_world)
    await eventually(lambda: all(r.status == "sent" for r in invitation_rows(wa_world)))
    moved = [m.text for m in [*sitti.messages, *on_whatsapp.messages] if "Jadwal berubah" in m.text]
    assert len(moved) == 1
