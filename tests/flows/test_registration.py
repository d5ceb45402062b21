"""Registration stories, told through the sandbox: a cadre, a newcomer, an admin, a forger."""

from __future__ import annotations

from sqlmodel import Session, select

from models.inbox import InboxUpdate
from models.meetings import Invitation
from models.organizations import Organization
from models.people import Person, ensure_invite_token
from models.registration import ConsentRecord, RegistrationRequest
from sandbox.users import SandboxUser
from tests.flows.conftest import World

SITTI = ("Sitti Aminah", "+6285312345678")
HASRUL = ("Hasrul Nawir", "+6281141000001")
NEWCOMER = ("Budi Santoso", "+6281299998888")


async def agree_to_privacy(user: SandboxUser) -> None:
    await user.send_text("/start")
    notice = await user.next_message()
    assert "pemberitahuan privasi" in notice.text
    assert "UU 27/2022" in notice.text
    answer = await user.press("Setuju")
    assert answer == "Terima kasih, persetujuan Bapak/Ibu sudah dicatat."


async def register(user: SandboxUser) -> str:
    """/start → Setuju → Bagikan nomor HP; returns the bot's last answer."""
    await agree_to_privacy(user)
    ask = await user.next_message()
    assert "Bagikan nomor HP" in ask.text
    await user.press("Bagikan nomor HP")
    return (await user.next_message()).text


async def test_a_cadre_on_the_roster_registers_by_sharing_her_own_number(world: World) -> None:
    sitti = world.user(*SITTI)
    reply = await register(sitti)
    assert "Terima kasih, Sitti Aminah" in reply
    assert "kader — Posyandu Melati Baruga" in reply
    assert sitti.reply_keyboard is None  # the contact button is gone once it is used
    person = world.person(SITTI[1])
    assert person.telegram_user_id == sitti.id
    assert person.consent_at is not None and person.consent_version
    await sitti.send_text("/start")
    assert "sudah terdaftar sebagai" in (await sitti.next_message()).text


async def test_a_forwarded_contact_of_someone_else_is_refused(world: World) -> None:
    intruder = world.user("Orang Lain", "+6281377776666")
    await agree_to_privacy(intruder)
    await intruder.next_message()
    await intruder.share_contact(phone=SITTI[1], first_name="Sitti", user_id=None)
    refusal = await intruder.next_message()
    assert "bukan nomor akun Telegram Bapak/Ibu sendiri" in refusal.text
    assert intruder.reply_keyboard is not None  # asked again, with the right button
    other = world.user("Sitti Asli", "+6285300001111")
    await intruder.share_contact(phone=SITTI[1], first_name="Sitti", user_id=other.id)
    assert "bukan nomor" in (await intruder.next_message()).text
    assert world.person(SITTI[1]).telegram_user_id is None


async def test_declining_the_privacy_notice_stores_nothing(world: World) -> None:
    sitti = world.user(*SITTI)
    await sitti.send_text("/start")
    await sitti.next_message()
    await sitti.press("Tidak setuju")
    assert "tidak ada data yang disimpan" in (await sitti.next_message()).text
    with Session(world.engine) as session:
        assert session.exec(select(ConsentRecord)).all() == []
    # Sharing the contact anyway brings the notice back instead of linking.
    await sitti.share_contact()
    assert "pemberitahuan privasi" in (await sitti.next_message()).text
    assert world.person(SITTI[1]).telegram_user_id is None


async def _admin(world: World) -> SandboxUser:
    hasrul = world.user(*HASRUL)
    assert "admin sekretariat" in await register(hasrul)
    return hasrul


async def _newcomer_asks(world: World) -> SandboxUser:
    budi = world.user(*NEWCOMER)
    reply = await register(budi)
    assert "belum ada di daftar peserta" in reply
    await budi.send_text("ab")
    assert "3 sampai 300 huruf" in (await budi.next_message()).text
    await budi.send_text("Budi Santoso, Posyandu Mawar Lampenai")
    assert "sudah dikirim ke sekretariat" in (await budi.next_message()).text
    return budi


async def test_an_unknown_number_is_approved_by_an_admin(world: World) -> None:
    hasrul = await _admin(world)
    budi = await _newcomer_asks(world)
    request = await hasrul.next_message()
    assert "Permintaan pendaftaran baru" in request.text
    assert "+6281299998888" in request.text and "Posyandu Mawar Lampenai" in request.text
    await hasrul.press("Setujui (kader)")
    decided = await hasrul.wait_for(lambda msgs: "Disetujui oleh Hasrul Nawir" in msgs[-1].text)
    assert decided[-1].reply_markup is None  # the buttons are gone from the admin's copy
    approved = await budi.next_message()
    assert "disetujui" in approved.text and "Budi Santoso" in approved.text
    person = world.person(NEWCOMER[1])
    assert (person.name, person.role, person.telegram_user_id) == ("Budi Santoso", "kader", budi.id)


async def test_an_unknown_number_is_rejected_and_a_second_tap_changes_nothing(world: World) -> None:
    hasrul = await _admin(world)
    budi = await _newcomer_asks(world)
    request_message = await hasrul.next_message()
    await hasrul.press("Tolak")
    rejected = await budi.next_message()
    assert "tidak disetujui" in rejected.text
    # The same button again (a double tap, or a second admin's copy): nothing changes.
    answer = await hasrul.press_callback(
        request_message.inline_keyboard[0][0]["callback_data"], message=request_message
    )
    assert answer == "Permintaan ini sudah diputuskan oleh Hasrul Nawir."
    # Asking again at once does not reach the admins a second time.
    await budi.send_text("/start")
    await budi.next_message()
    await budi.press("Bagikan nomor HP")
    assert "baru saja ditolak" in (await budi.next_message()).text
    assert hasrul.unread == []
    with Session(world.engine) as session:
        assert session.exec(select(Person).where(Person.phone == NEWCOMER[1])).first() is None
        assert session.exec(select(RegistrationRequest)).one().status == "rejected"


async def test_a_cadre_cannot_approve_requests(world: World) -> None:
    await _admin(world)
    await _newcomer_asks(world)
    sitti = world.user(*SITTI)
    await register(sitti)
    with Session(world.engine) as session:
        request = session.exec(select(RegistrationRequest)).one()
    # A forged button press: right data, wrong person.
    answer = await sitti.press_callback(f"rg:1:{request.id}:k")
    assert answer == "Maaf, perintah ini hanya untuk admin sekretariat."
    with Session(world.engine) as session:
        assert session.exec(select(RegistrationRequest)).one().status == "pending"


async def test_a_deep_link_registers_in_one_tap_after_consent(world: World) -> None:
    with Session(world.engine) as session:
        dewi = session.exec(select(Person).where(Person.name == "Dewi Lestari")).one()
        token = ensure_invite_token(session, dewi)
        session.commit()
    phone_less = world.user("Dewi Lestari", "+6281100000000")  # her Telegram has another SIM
    await phone_less.send_text(f"/start {token}")
    assert "pemberitahuan privasi" in (await phone_less.next_message()).text
    await phone_less.press("Setuju")
    linked = await phone_less.next_message()
    assert "Terima kasih, Dewi Lestari" in linked.text
    assert world.person("+6285399990003").telegram_user_id == phone_less.id
    stranger = world.user("Orang Lain", "+6281377776666")
    await stranger.send_text("/start not-a-real-token")
    assert "tidak berlaku" in (await stranger.next_message()).text


async def test_language_switch_in_profil(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    await sitti.send_text("/profil")
    profile = await sitti.next_message()
    assert "Profil Anda" in profile.text and "+6285312345678" in profile.text
    answer = await sitti.press("English")
    assert answer == "Language changed to English."
    await sitti.wait_for(lambda msgs: "Your profile" in msgs[-1].text)
    assert world.person(SITTI[1]).language == "en"
    await sitti.send_text("/bantuan")
    assert "Commands" in (await sitti.next_message()).text
    await sitti.press("Bahasa Indonesia")
    redrawn = await sitti.wait_for(
        lambda msgs: any(
            m.message_id == profile.message_id and "Profil Anda" in m.text for m in msgs
        )
    )
    assert world.person(SITTI[1]).language == "id"
    assert next(m for m in redrawn if m.message_id == profile.message_id).buttons == [
        ["✓ Bahasa Indonesia", "English"]
    ]


async def test_batal_leaves_registration_and_garbage_changes_nothing(world: World) -> None:
    budi = world.user(*NEWCOMER)
    assert "belum ada di daftar peserta" in await register(budi)
    await budi.send_text("/batal")
    assert "Pendaftaran dibatalkan" in (await budi.next_message()).text
    await budi.send_text("Budi, Posyandu Mawar")  # no longer a registration answer
    assert "belum terdaftar" in (await budi.next_message()).text
    await budi.send_sticker()
    assert "belum terdaftar" in (await budi.next_message()).text
    await budi.send_text("/batal")
    assert "Tidak ada langkah" in (await budi.next_message()).text
    answer = await budi.press_callback("zz:9:garbage")
    assert answer == "Tombol ini sudah tidak berlaku."
    with Session(world.engine) as session:
        assert session.exec(select(RegistrationRequest)).one().status == "cancelled"
        assert session.exec(select(Person).where(Person.phone == NEWCOMER[1])).first() is None


async def test_a_name_with_html_is_shown_as_typed(world: World) -> None:
    iseng = world.user("Iseng", "+6285399990004")
    reply = await register(iseng)
    assert "<b>Iseng</b> & Co" in reply  # escaped on the way out, shown as typed


async def test_registration_survives_a_bot_restart_between_steps(world: World) -> None:
    sitti = world.user(*SITTI)
    await agree_to_privacy(sitti)
    await sitti.next_message()
    await world.stop_bot()
    await world.start_bot()
    await sitti.press("Bagikan nomor HP")
    assert "Terima kasih, Sitti Aminah" in (await sitti.next_message()).text


async def test_my_data_and_erasure(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    await sitti.send_text("/dataku")
    data = await sitti.next_message()
    assert "+6285312345678" in data.text and str(sitti.id) in data.text
    await sitti.send_text("/hapusdata")
    await sitti.next_message()
    await sitti.press("Ya, hapus data saya")
    await sitti.wait_for(lambda msgs: "sudah dihapus" in msgs[-1].text)
    with Session(world.engine) as session:
        assert session.exec(select(Person).where(Person.phone == SITTI[1])).first() is None
        # What she wrote to the bot goes too (all but the erasure's own, still being handled).
        kept = session.exec(select(InboxUpdate).where(InboxUpdate.chat_key == str(sitti.id)))
        assert [row.payload for row in kept if row.status != "pending"] == []
    await sitti.send_text("/profil")
    assert "belum terdaftar" in (await sitti.next_message()).text


async def test_an_admin_who_links_late_gets_the_requests_waiting(world: World) -> None:
    budi = await _newcomer_asks(world)
    assert "belum ada admin" in (await budi.next_message()).text
    hasrul = world.user(*HASRUL)
    assert "admin sekretariat" in await register(hasrul)
    waiting = await hasrul.next_message()
    assert "Permintaan pendaftaran baru" in waiting.text and "Budi Santoso" in waiting.text
    await hasrul.press("Setujui (OPD)")
    assert "disetujui" in (await budi.next_message()).text
    assert world.person(NEWCOMER[1]).role == "opd"


async def test_someone_elses_link_does_not_take_over_a_registered_account(world: World) -> None:
    sitti = world.user(*SITTI)
    await register(sitti)
    with Session(world.engine) as session:
        dewi = session.exec(select(Person).where(Person.name == "Dewi Lestari")).one()
        token = ensure_invite_token(session, dewi)
        session.commit()
    await sitti.send_text(f"/start {token}")
    assert "sudah terdaftar sebagai <b>Sitti Aminah</b>" in (await sitti.next_message()).html
    assert world.person(SITTI[1]).telegram_user_id == sitti.id
    assert world.person("+6285399990003").telegram_user_id is None


async def test_forged_huge_ids_and_garbage_buttons_change_nothing(world: World) -> None:
    hasrul = await _admin(world)
    for data in ("rg:1:" + "9" * 30 + ":k", "rg:1:0:k", "rg:1:12:z", "lg:1:fr", "er:1:q"):
        answer = await hasrul.press_callback(data)
        assert answer == "Tombol ini sudah tidak berlaku."
    assert world.person(HASRUL[1]).language == "id"


async def test_the_requester_hears_the_decision_even_if_the_admin_edit_fails(world: World) -> None:
    hasrul = await _admin(world)
    budi = await _newcomer_asks(world)
    await hasrul.next_message()
    world.sandbox.faults.fail(method="editMessageText", status=502, times=1)
    await hasrul.press("Setujui (kader)")
    assert "disetujui" in (await budi.next_message()).text
    assert world.person(NEWCOMER[1]).telegram_user_id == budi.id


async def test_an_alert_shows_a_name_as_typed_not_as_html(world: World) -> None:
    iseng = world.user("Iseng", "+6285399990004")
    await register(iseng)
    with Session(world.engine) as session:
        person = session.exec(select(Person).where(Person.phone == "+6285399990004")).one()
        person.role = "admin"
        session.add(person)
        session.commit()
    budi = await _newcomer_asks(world)
    await iseng.next_message()
    await iseng.press("Tolak")
    await budi.next_message()
    hasrul = await _admin(world)
    assert hasrul.last_message is not None
    with Session(world.engine) as session:
        request = session.exec(select(RegistrationRequest)).one()
    answer = await hasrul.press_callback(f"rg:1:{request.id}:k")
    assert answer == "Permintaan ini sudah diputuskan oleh <b>Iseng</b> & Co."


async def test_an_approved_newcomer_joins_the_organization_named_and_is_invited(
    world: World,
) -> None:
    """Budi is not on the roster: the Posyandu he names is recognised, the admin sees it, and
    once approved he belongs to it and gets the open invitation meant for everyone."""
    from tests.flows.test_rsvp import rakor

    hasrul = await _admin(world)
    rakor(world)  # everyone is invited; Budi is not yet anyone
    budi = world.user(*NEWCOMER)
    assert "belum ada di daftar peserta" in await register(budi)
    await budi.send_text("Budi Santoso, Posyandu Melati Baruga")
    assert "sudah dikirim ke sekretariat" in (await budi.next_message()).text
    request = await hasrul.wait_for(lambda m: "Permintaan pendaftaran baru" in m[-1].text)
    assert "Organisasi: Posyandu Melati Baruga" in request[-1].text
    await hasrul.press("Setujui (kader)", message=request[-1])
    decided = await hasrul.wait_for(lambda m: "Disetujui oleh Hasrul Nawir" in m[-1].text)
    assert "kader — Posyandu Melati Baruga" in decided[-1].text
    await budi.wait_for(lambda m: any("disetujui" in x.text for x in m))
    card = await budi.wait_for(
        lambda m: any("Rakor Pokjanal Posyandu" in x.text and x.buttons for x in m)
    )
    assert [x.buttons for x in card if "Rakor Pokjanal Posyandu" in x.text][-1] == [
        ["Hadir"],
        ["Diwakilkan", "Tidak hadir"],
    ]
    with Session(world.engine) as session:
        budi_row = session.exec(select(Person).where(Person.phone == NEWCOMER[1])).one()
        org = session.get(Organization, budi_row.organization_id)
        assert org is not None and org.name == "Posyandu Melati Baruga"
        assert session.exec(select(Invitation).where(Invitation.person_id == budi_row.id)).one()
    await budi.press("Hadir")
    await budi.wait_for(lambda m: "Jawaban Anda untuk" in m[-1].text)


async def test_an_organization_nobody_knows_is_said_and_left_empty(world: World) -> None:
    hasrul = await _admin(world)
    await _newcomer_asks(world)  # "Posyandu Mawar Lampenai" is not on this roster
    request = await hasrul.wait_for(lambda m: "Permintaan pendaftaran baru" in m[-1].text)
    assert "Organisasi: belum dikenali" in request[-1].text
    await hasrul.press("Setujui (kader)", message=request[-1])
    decided = await hasrul.wait_for(lambda m: "Disetujui oleh Hasrul Nawir" in m[-1].text)
    assert "tanpa organisasi" in decided[-1].text
    assert world.person(NEWCOMER[1]).organization_id is None
