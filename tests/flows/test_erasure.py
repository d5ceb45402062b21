"""The person's rights end to end (UU 27/2022): /dataku shows all of it, /hapusdata leaves
nothing personal in any table, while the counts the district reports on still add up."""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlmodel import Session, SQLModel, col, func, select

from models.actions import Action, ActionReport, Evidence
from models.inbox import InboxStatus, InboxUpdate
from models.meetings import AnswerChange, Invitation
from models.people import Person
from sandbox.users import SandboxUser
from tests.flows.conftest import World
from tests.flows.test_delivery import eventually
from tests.flows.test_registration import HASRUL, SITTI, register
from tests.flows.test_rsvp import START, rakor
from tests.flows.test_rtl import an_action, report_selesai, settled

REASON = "Anak saya demam tinggi sejak semalam"
REP_NAME, REP_POSITION = "Rahmawati Usman", "Bidan Koordinator Desa Baruga"
REP_PHONE_TYPED, REP_PHONE = "0812-7777-6543", "+6281277776543"
NOTE = "Laporan SKDN November sudah dikirim ke Puskesmas Malili."


def _card(user: SandboxUser, title: str) -> Any:
    return next(m for m in reversed(user.messages) if title in m.text and m.buttons)


async def _a_full_life(world: World) -> tuple[SandboxUser, SandboxUser, list[int]]:
    """Sitti registers, reports an action, sends a representative to one meeting and declines
    another late with a reason (so the admin's alert quotes it)."""
    hasrul, sitti = world.user(*HASRUL), world.user(*SITTI)
    await register(hasrul)
    await register(sitti)
    action_id = an_action(world)
    await report_selesai(world, sitti, action_id)
    lokmin = rakor(world, specs=["kader"], title="Lokmin Kecamatan Malili")
    await sitti.wait_for(lambda m: any("Lokmin" in x.text and x.buttons for x in m))
    await sitti.press("Diwakilkan", message=_card(sitti, "Lokmin"))
    await sitti.wait_for(lambda m: "Siapa yang mewakili" in m[-1].text)
    await sitti.send_text(REP_NAME)
    await sitti.wait_for(lambda m: f"Apa jabatan {REP_NAME}" in m[-1].text)
    await sitti.send_text(REP_POSITION)
    await sitti.wait_for(lambda m: f"Nomor HP {REP_NAME}" in m[-1].text)
    await sitti.send_text(REP_PHONE_TYPED)
    await sitti.wait_for(lambda m: f"Diwakilkan oleh {REP_NAME}" in m[-1].text)
    rakor_id = rakor(world, specs=["kader"])
    await sitti.wait_for(lambda m: any("Rakor Pokjanal" in x.text and x.buttons for x in m))
    card = _card(sitti, "Rakor Pokjanal")
    await sitti.press("Hadir", message=card)
    await sitti.wait_for(lambda m: "<b>Hadir</b>" in m[-1].html)
    world.clock.set(START - timedelta(hours=3))
    await sitti.press("Tidak hadir", message=card)
    await sitti.wait_for(lambda m: "alasan" in m[-1].text)
    await sitti.send_text(REASON)
    await sitti.wait_for(lambda m: f"alasan: {REASON}" in m[-1].text)
    world.delivery.wake()
    await hasrul.wait_for(lambda m: any(REASON in x.text for x in m))
    await settled(world)
    return hasrul, sitti, [lokmin, rakor_id]


def _counts(world: World, meeting_ids: list[int]) -> dict[str, Any]:
    """What the SPJ and the follow-up board count: answers per meeting, actions, reports."""
    with Session(world.engine) as session:
        answers = Counter(
            (row.meeting_id, row.answer)
            for row in session.exec(
                select(Invitation).where(col(Invitation.meeting_id).in_(meeting_ids))
            )
        )
        return {
            "answers": answers,
            "people": session.exec(select(func.count()).select_from(Person)).one(),
            "history": session.exec(select(func.count()).select_from(AnswerChange)).one(),
            "actions": session.exec(select(func.count()).select_from(Action)).one(),
            "reports": session.exec(select(func.count()).select_from(ActionReport)).one(),
            "evidence": session.exec(select(func.count()).select_from(Evidence)).one(),
        }


def _wamid_text(value: str) -> str:
    """A WhatsApp message id carries the number it went to (base64): read it too."""
    if not value.startswith("wamid."):
        return ""
    try:
        return base64.b64decode(value[6:]).decode("latin-1")
    except (binascii.Error, ValueError):
        return ""


def _everything_stored(world: World) -> list[tuple[str, str, str]]:
    """Every column of every row of every table, as text (JSON payloads included)."""
    found: list[tuple[str, str, str]] = []
    with world.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in row._mapping.items():
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    found.append((table.name, str(column), text + _wamid_text(text)))
    return found


def _needles() -> list[str]:
    local = SITTI[1].replace("+62", "0")
    return [
        SITTI[0],
        SITTI[1],
        SITTI[1].lstrip("+"),
        local,
        local[1:],  # the number without any prefix
        REASON,
        REP_NAME,
        REP_POSITION,
        REP_PHONE,
        REP_PHONE.lstrip("+"),
        REP_PHONE.replace("+62", "0"),
        REP_PHONE_TYPED,
    ]


async def test_erasure_leaves_nothing_personal_and_the_counts_stay(world: World) -> None:
    _, sitti, meeting_ids = await _a_full_life(world)
    with Session(world.engine) as session:
        # A document named after her, and a representative who is on the roster (the link
        # the bot keeps when the number given is someone's).
        item = session.exec(select(Evidence)).first()
        assert item is not None
        item.file_name = f"Laporan {SITTI[0]}.pdf"
        session.add(item)
        represented = session.exec(
            select(Invitation)
            .where(Invitation.meeting_id == meeting_ids[0])
            .where(Invitation.person_id == world.person(SITTI[1]).id)
        ).one()
        represented.representative_person_id = world.person(HASRUL[1]).id
        session.add(represented)
        session.commit()
    before = _counts(world, meeting_ids)
    # Her data is there before: the scan would see it.
    stored = " ".join(text for _, _, text in _everything_stored(world))
    assert all(x in stored for x in (SITTI[0], SITTI[1], REASON, REP_NAME, REP_POSITION, REP_PHONE))

    await sitti.send_text("/hapusdata")
    await sitti.wait_for(lambda m: "Ya, hapus data saya" in str(m[-1].buttons))
    await sitti.press("Ya, hapus data saya")
    await sitti.wait_for(lambda msgs: "sudah dihapus" in msgs[-1].text)
    world.delivery.wake()
    await settled(world)

    def handled() -> bool:
        with Session(world.engine) as session:
            query = select(InboxUpdate).where(InboxUpdate.status == InboxStatus.PENDING.value)
            return session.exec(query).first() is None

    await eventually(handled)
    left = [
        (table, column, needle)
        for table, column, text in _everything_stored(world)
        for needle in _needles()
        if needle in text
    ]
    assert not left, "\n".join(map(str, sorted(set(left))))
    with Session(world.engine) as session:
        # Nor her Telegram ids, wherever a chat is named.
        ids = str(sitti.id)
        assert not session.exec(select(InboxUpdate).where(InboxUpdate.chat_key == ids)).all()
        erased = session.exec(select(Person).where(Person.status == "erased")).one()
        assert erased.position == "" and erased.telegram_chat_id is None
        stood_in = select(Invitation).where(
            Invitation.person_id == erased.id,
            col(Invitation.representative_person_id).is_not(None),
        )
        assert session.exec(stood_in).all() == []
    assert _counts(world, meeting_ids) == before


async def test_dataku_shows_answers_history_representatives_reports_and_consent_once(
    world: World,
) -> None:
    _, sitti, _ = await _a_full_life(world)
    count = len(sitti.messages)
    await sitti.send_text("/dataku")
    await sitti.wait_for(lambda m: len(m) > count and "Persetujuan privasi" in m[-1].text)
    await settled(world)
    shown = "\n".join(m.text for m in sitti.messages[count:])
    assert SITTI[0] in shown and SITTI[1] in shown
    assert "Rakor Pokjanal Posyandu" in shown and f"alasan: {REASON}" in shown
    assert "Hadir" in shown  # the history: first Hadir, then Tidak hadir
    assert f"Diwakilkan oleh {REP_NAME}, {REP_POSITION}" in shown and REP_PHONE in shown
    assert NOTE in shown
    assert "Rabu, 6 Desember 2023 pukul 09.00 WITA" in shown  # times in her zone
    assert shown.count("Persetujuan privasi") == 1
    assert all(len(m.text) <= 4096 for m in sitti.messages[count:])
