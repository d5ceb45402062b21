"""The inbox's rules: stored once per channel id, left-overs handed out in order, poison set aside,
old rows pruned."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from models import inbox
from models.clock import FrozenClock
from models.inbox import InboxUpdate


def store(
    session: Session, clock: FrozenClock, external_id: str, chat: str, seq: int
) -> int | None:
    return inbox.receive(
        session,
        channel="telegram",
        external_id=external_id,
        chat_key=chat,
        seq=seq,
        payload="{}",
        now=clock.now(),
    )


def test_a_resent_update_is_stored_once_and_another_channel_may_reuse_the_id(
    session: Session, clock: FrozenClock
) -> None:
    first = store(session, clock, "41", "7", 41)
    assert first is not None
    assert store(session, clock, "41", "7", 41) is None
    other = inbox.receive(
        session,
        channel="whatsapp",
        external_id="41",
        chat_key="62812",
        seq=1,
        payload="{}",
        now=clock.now(),
    )
    assert other is not None and other != first


def test_left_overs_come_back_in_order_and_only_the_one_in_hand_can_turn_poison(
    session: Session, clock: FrozenClock
) -> None:
    late = store(session, clock, "12", "a", 12)
    early = store(session, clock, "11", "b", 11)
    handled = store(session, clock, "10", "a", 10)
    after = store(session, clock, "13", "a", 13)
    assert late and early and handled and after
    inbox.finish(session, handled, now=clock.now())
    assert [p.id for p in inbox.recover(session, now=clock.now())] == [early, late, after]
    assert [p.id for p in inbox.recover(session, now=clock.now())] == [early, late, after]
    # The process died with the first of each chat in hand three times: those are set aside,
    # the updates queued behind them in chat "a" are not (they were never started).
    assert [p.id for p in inbox.recover(session, now=clock.now())] == [after]
    health = inbox.health(session, now=clock.now())
    assert (health.pending, health.failed, health.failed_last_day) == (1, 2, 2)
    assert "stopped while handling" in health.last_errors[0][2]


def test_an_update_left_for_more_than_a_day_is_failed_not_answered_late(
    session: Session, clock: FrozenClock
) -> None:
    old = store(session, clock, "1", "a", 1)
    clock.advance(timedelta(days=1, minutes=1))
    fresh = store(session, clock, "2", "a", 2)
    assert [p.id for p in inbox.recover(session, now=clock.now())] == [fresh]
    row = session.get(InboxUpdate, old)
    assert row is not None and row.status == "failed" and "within a day" in (row.error or "")


def test_a_handled_update_keeps_no_text_and_erasure_forgets_the_chat(
    session: Session, clock: FrozenClock
) -> None:
    done = store(session, clock, "1", "777", 1)
    failed = store(session, clock, "2", "777", 2)
    waiting = store(session, clock, "3", "777", 3)
    other = store(session, clock, "4", "888", 4)
    assert done and failed and waiting and other
    inbox.finish(session, done, now=clock.now())
    inbox.finish(session, failed, now=clock.now(), error="BadRequest")
    row = session.get(InboxUpdate, done)
    assert row is not None and row.payload == ""  # what the person wrote is not kept
    assert inbox.forget_chat(session, ["777", "user:777"]) == 2
    left = {row.id for row in session.exec(select(InboxUpdate))}
    assert left == {waiting, other}


def test_a_failure_keeps_its_error_and_old_rows_are_pruned(
    session: Session, clock: FrozenClock
) -> None:
    done = store(session, clock, "1", "a", 1)
    failed = store(session, clock, "2", "a", 2)
    assert done and failed
    inbox.finish(session, done, now=clock.now())
    inbox.finish(session, failed, now=clock.now(), error="BadRequest: " + "x" * 5000)
    row = session.get(InboxUpdate, failed)
    assert row is not None and row.status == "failed" and len(row.error or "") == inbox.ERROR_MAX
    assert inbox.prune(session, now=clock.now() + timedelta(days=6)) == 0
    assert inbox.prune(session, now=clock.now() + timedelta(days=8)) == 1  # the done one
    assert inbox.prune(session, now=clock.now() + timedelta(days=31)) == 1  # then the failed
    assert session.exec(select(InboxUpdate)).all() == []
