"""Peserta on the console: the roster searched and filtered with where the bot reaches each
person, and printable registration cards whose QR links really register."""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlmodel import Session, select

from models.organizations import Organization
from models.people import Person
from tests.flows.conftest import World
from tests.flows.console_driver import signed_in
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI

DEWI_PHONE = "+6285399990003"  # on the test roster, never registered


async def test_the_roster_is_searched_and_a_card_registers_in_one_tap(
    console_world: World,
) -> None:
    world = console_world
    hasrul = Persona(world, "telegram", *HASRUL)
    await hasrul.register()
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    dewi = world.person(DEWI_PHONE)
    async with signed_in(world, hasrul) as (http, base):
        async with http.get(base + "/konsol/peserta") as shown:
            page = await shown.text()
        assert "Daftar peserta" in page and "4 dari 4 orang · 2 dapat dihubungi bot" in page
        async with http.get(base + "/konsol/peserta?status=not_registered") as waiting:
            listed = await waiting.text()
        assert "Dewi Lestari" in listed and "Sitti Aminah" not in listed
        async with http.get(base + "/konsol/peserta?q=melati") as searched:
            found = await searched.text()
        assert "Sitti Aminah" in found and "Dewi Lestari" not in found
        async with http.get(base + "/konsol/peserta?status=<x>&peran=boss&hal=-3") as forged:
            assert forged.status == 200 and "4 dari 4 orang" in await forged.text()
        # Dewi's card: her own Telegram link, as a QR.
        async with http.get(f"{base}/konsol/peserta/{dewi.id}/tautan") as card:
            printed = await card.text()
        assert card.status == 200 and "<svg" in printed
        link = re.search(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)", printed)
        assert link, printed[-800:]
        # Her Posyandu's sheet holds her card too.
        with Session(world.engine) as session:
            org = session.get(Organization, dewi.organization_id)
            assert org is not None
        async with http.get(f"{base}/konsol/peserta/organisasi/{org.id}/tautan") as sheet:
            assert "Dewi Lestari" in await sheet.text()
        async with http.get(f"{base}/konsol/peserta/999999/tautan") as missing:
            assert missing.status == 404
        # No one-tap link for an admin: whoever held the card would become one.
        admin = world.person(HASRUL[1])
        async with http.get(f"{base}/konsol/peserta/{admin.id}/tautan") as admins:
            printed_admin = await admins.text()
        assert "?start=" not in printed_admin and 'name="csrf"' in printed_admin
        # The demo's one-click sign-in does not exist outside `pokjanal demo`.
        async with http.get(f"{base}/konsol/demo") as demo:
            assert demo.status == 404
    # The link registers her in one tap after consent, from a phone with another SIM.
    phone = world.user("Dewi Lestari", "+6281100000000")
    await phone.send_text(f"/start {unquote(link.group(1))}")
    await phone.wait_for(lambda msgs: any("pemberitahuan privasi" in m.text for m in msgs))
    await phone.press("Setuju")
    await phone.wait_for(lambda msgs: any("Terima kasih, Dewi Lestari" in m.text for m in msgs))
    with Session(world.engine) as session:
        linked = session.exec(select(Person).where(Person.name == "Dewi Lestari")).one()
    assert linked.telegram_user_id == phone.id
