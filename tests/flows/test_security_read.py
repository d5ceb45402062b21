"""Findings of a security read, told as the people who would meet them: a decline reason too
long to keep, and a file that only claims to be a document."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.meetings import AnswerChange
from tests.flows.conftest import World
from tests.flows.personas import CHANNELS, Persona
from tests.flows.test_both_channels import SITTI, answer_of, invited
from tests.flows.test_rsvp import rakor

LONG_REASON = "Anak saya sakit demam sejak kemarin dan harus dibawa ke Puskesmas. " * 5  # 340


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_typed_decline_reason_past_the_limit_is_asked_again_not_cut(
    wa_world: World, channel: str
) -> None:
    """``TIDAK <alasan>`` over 300 letters was cut silently while the step re-asked: now both
    re-ask with the limit, save nothing, and the next message is taken as the reason."""
    assert len(LONG_REASON.strip()) > 300
    sitti = Persona(wa_world, channel, *SITTI)
    await sitti.register()
    meeting_id = rakor(wa_world)
    await invited(sitti)
    await sitti.send("TIDAK " + LONG_REASON)
    await sitti.wait_text("paling banyak 300 huruf")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.reason) == ("pending", "")
    with Session(wa_world.engine) as session:
        assert session.exec(select(AnswerChange)).all() == []
    await sitti.send("Anak sakit, ke Puskesmas")
    await sitti.wait_text("alasan: Anak sakit, ke Puskesmas")
    row = answer_of(wa_world, SITTI[1], meeting_id)
    assert (row.answer, row.reason) == ("tidak_hadir", "Anak sakit, ke Puskesmas")
