"""WhatsApp's rules in the domain: the 24-hour window, billed templates in previews, and
delivery statuses that only move a row forward, even when they beat the send's answer."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models import broadcasts, outbox
from models.clock import FrozenClock
from models.outbox import DeliveryStatus, EarlyStatus, OutboxMessage, Planned, Status
from models.people import (
    WINDOW_REFRESH,
    Person,
    goes_as_template,
    whatsapp_touch_due,
    whatsapp_window_open,
)
from tests.factories import person


def _on_whatsapp(session: Session, clock: FrozenClock) -> int:
    sitti = person(session, name="Sitti Aminah", phone="0853 1234 5678", now=clock.now())
    sitti.whatsapp_id = "6285312345678"
    sitti.whatsapp_opt_in_at = clock.now()
    session.add(sitti)
    session.flush()
    assert sitti.id is not None
    return sitti.id


def test_the_window_decides_template_or_message(session: Session, clock: FrozenClock) -> None:
    sitti_id = _on_whatsapp(session, clock)
    sitti = session.get_one(Person, sitti_id)
    assert goes_as_template(sitti, clock.now())  # opted in on paper, never wrote
    assert broadcasts.reach(session, ["all"], now=clock.now()).templates == 1
    sitti.whatsapp_last_inbound_at = clock.now()
    assert whatsapp_window_open(sitti, clock.now() + timedelta(hours=23, minutes=59))
    assert not goes_as_template(sitti, clock.now() + timedelta(hours=23))
    assert goes_as_template(sitti, clock.now() + timedelta(hours=24))
    assert broadcasts.reach(session, ["all"], now=clock.now()).templates == 0
    sitti.telegram_user_id, sitti.telegram_chat_id = 7, 7
    sitti.preferred_channel = "telegram"  # she wrote on Telegram last: no template needed
    assert not goes_as_template(sitti, clock.now() + timedelta(days=3))


def _sent_row(session: Session, clock: FrozenClock, person_id: int, wamid: str) -> OutboxMessage:
    outbox.plan(
        session,
        [
            Planned(
                person_id=person_id, kind="broadcast", subject="broadcast:1", not_before=clock.now()
            )
        ],
        now=clock.now(),
    )
    row = session.exec(select(OutboxMessage)).one()
    row.status, row.channel, row.external_id = Status.SENT.value, "whatsapp", wamid
    session.add(row)
    session.flush()
    return row


def test_statuses_move_forward_only_and_window_failures_come_back_as_templates(
    session: Session, clock: FrozenClock
) -> None:
    row = _sent_row(session, clock, _on_whatsapp(session, clock), "wamid.A")
    at = clock.now()
    statuses = [
        DeliveryStatus("wamid.A", "read", at + timedelta(minutes=2)),
        DeliveryStatus("wamid.A", "delivered", at + timedelta(minutes=1)),  # late, repeated
        DeliveryStatus("wamid.A", "sent", at),
    ]
    assert outbox.record_statuses(session, statuses, now=at) == 1
    assert (row.delivered_at, row.read_at) == (at + timedelta(minutes=2),) * 2
    failed = DeliveryStatus("wamid.A", "failed", at, 131047, "Re-engagement message")
    assert outbox.record_statuses(session, [failed], now=at) == 1
    assert row.status == Status.PENDING.value and row.payload["template"] is True
    # Failing again as the template is final: failed, with the code, not re-queued forever.
    row.status = Status.SENT.value
    assert outbox.record_statuses(session, [failed], now=at) == 1
    assert row.status == Status.FAILED.value and "131047" in row.last_error


def test_a_status_before_the_send_returned_waits_for_its_row(
    session: Session, clock: FrozenClock
) -> None:
    person_id = _on_whatsapp(session, clock)
    early = DeliveryStatus("wamid.B", "failed", clock.now(), 131026, "Message undeliverable")
    assert outbox.record_statuses(session, [early], now=clock.now()) == 0
    assert len(session.exec(select(EarlyStatus)).all()) == 1
    row = _sent_row(session, clock, person_id, "wamid.B")
    assert outbox.apply_early_statuses(session, [row], now=clock.now())
    assert row.status == Status.PENDING.value and row.payload["not_on"] == "whatsapp"
    assert session.exec(select(EarlyStatus)).all() == []


def test_a_chatty_person_costs_one_write_a_quarter_hour(
    session: Session, clock: FrozenClock
) -> None:
    sitti = session.get_one(Person, _on_whatsapp(session, clock))
    assert whatsapp_touch_due(sitti, clock.now())  # never wrote: the window must be stored
    sitti.whatsapp_last_inbound_at, sitti.preferred_channel = clock.now(), "whatsapp"
    assert not whatsapp_touch_due(sitti, clock.now() + timedelta(minutes=14))
    assert whatsapp_touch_due(sitti, clock.now() + WINDOW_REFRESH)
    sitti.preferred_channel = "telegram"  # she wrote on Telegram since: WhatsApp again now
    assert whatsapp_touch_due(sitti, clock.now() + timedelta(minutes=1))
    assert [a.channel.value for a in sitti.accounts()] == ["whatsapp"]
