"""The web chat page in a real browser (Playwright driving Debian's chromium), at a cheap
phone's 360 x 740: a cadre on WhatsApp registers and answers the Rakor by tapping the buttons
under the bubble, a cadre on Telegram answers Hadir, the newest message stays in view, the
list of people can be searched and shows each person once, the labels are Indonesian."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from models.meetings import Invitation
from sandbox.files import make_png
from tests.flows.browser import page, screenshot
from tests.flows.conftest import World
from tests.flows.personas import Persona
from tests.flows.test_registration import HASRUL, SITTI
from tests.flows.test_rsvp import rakor

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

__all__ = ["page"]  # the fixture, used by name


async def open_chat(p: Page, world: World, name: str) -> None:
    await p.goto(world.sandbox.base_url + "/")
    await p.locator("#users li", has_text=name).click()


async def send(p: Page, text: str) -> None:
    await p.fill("#text", text)
    await p.get_by_role("button", name="Kirim", exact=True).click()


async def bot_messages(p: Page, count: int) -> None:
    """Until the page shows ``count`` bubbles from the bot."""
    await p.locator("#log .msg:not(.me)").nth(count - 1).wait_for()


async def last_message_in_view(p: Page, timeout: float = 3.0) -> None:
    """The newest bubble's bottom edge is inside the message area, not below it (under the
    composer or the reply keyboard), at the latest after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        area = await p.locator("#log").bounding_box()
        last = await p.locator("#log .msg").last.bounding_box()
        assert area is not None and last is not None
        bottom, area_bottom = last["y"] + last["height"], area["y"] + area["height"]
        if area["y"] <= bottom <= area_bottom + 1:
            return
        if loop.time() > deadline:
            raise AssertionError(f"the newest message ends at {bottom}, the area at {area_bottom}")
        await asyncio.sleep(0.05)


async def listed(p: Page) -> list[str]:
    """The names in the list of people, as shown (badges aside)."""
    names: list[str] = await p.locator("#users li:visible .name").evaluate_all(
        "(names) => names.map((n) => n.firstChild.textContent)"
    )
    return names


async def lines(p: Page, selector: str) -> float:
    """How many of its own lines of text the element is tall (padding aside)."""
    box = await p.locator(selector).bounding_box()
    assert box is not None
    style: dict[str, str] = await p.locator(selector).evaluate(
        "(e) => { const s = getComputedStyle(e);"
        " return {line: s.lineHeight, top: s.paddingTop, bottom: s.paddingBottom}; }"
    )
    padding = float(style["top"].removesuffix("px")) + float(style["bottom"].removesuffix("px"))
    return (box["height"] - padding) / float(style["line"].removesuffix("px"))


# ------------------------------------------------------------------------------- WhatsApp


async def test_a_cadre_registers_and_answers_on_the_whatsapp_page(
    wa_world: World, page: Page
) -> None:
    p = page
    wa_world.wa_user("Sitti Aminah", "+6285312345678")
    await p.goto(wa_world.sandbox.base_url + "/")
    person = p.locator("#users li", has_text="Sitti Aminah")
    await person.locator(".badge.wa").wait_for()
    await person.click()
    await send(p, "DAFTAR")
    # The privacy notice, with WhatsApp's reply buttons under the bubble.
    agree = p.locator("button.wa-btn", has_text="Setuju").first
    await agree.wait_for()
    await agree.click()
    await p.locator(".msg", has_text="Akun Anda sudah terhubung").wait_for()
    rakor(wa_world)
    card = p.locator(".wa-group", has_text="Rakor Pokjanal Posyandu").last
    await card.get_by_role("button", name="Hadir", exact=True).wait_for()
    assert await card.locator("button.wa-btn").all_inner_texts() == [
        "Hadir",
        "Diwakilkan",
        "Tidak hadir",
    ]
    await card.get_by_role("button", name="Hadir", exact=True).click()
    saved = p.locator(".msg", has_text="Jawaban Anda untuk")
    await saved.wait_for()
    assert await saved.locator("b, strong").count() >= 1  # *Hadir* rendered bold
    person_row = wa_world.person("+6285312345678")
    assert person_row.whatsapp_id == "6285312345678"


# ------------------------------------------------------------------------------- Telegram


async def test_a_cadre_answers_hadir_on_the_telegram_page(world: World, page: Page) -> None:
    p = page
    sitti = Persona(world, "telegram", *SITTI)
    await sitti.register()
    await open_chat(p, world, "Sitti Aminah")
    meeting_id = rakor(world)
    card = p.locator("#log .msg", has_text="Rakor Pokjanal Posyandu").last
    hadir = card.get_by_role("button", name="Hadir", exact=True)
    await hadir.wait_for()
    assert await card.locator(".ikb button").all_inner_texts() == [
        "Hadir",
        "Diwakilkan",
        "Tidak hadir",
    ]
    await hadir.click()
    saved = p.locator("#log .msg", has_text="Jawaban Anda untuk")
    await saved.wait_for()
    assert "Hadir" in await saved.locator("b").all_inner_texts()
    await last_message_in_view(p)
    with Session(world.engine) as session:
        person = world.person(SITTI[1])
        answer = session.exec(
            select(Invitation.answer).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person.id
            )
        ).one()
    assert answer == "hadir"
    assert await p.evaluate("document.documentElement.scrollWidth") <= 360
    await screenshot(p, "chat-hadir-telegram", full_page=False)


async def test_the_reply_keyboard_leaves_the_last_message_in_view(world: World, page: Page) -> None:
    p = page
    world.user(*HASRUL)
    await open_chat(p, world, "Hasrul Nawir")
    await send(p, "/start")
    await p.get_by_role("button", name="Setuju", exact=True).click()
    share = p.locator("#rkb button", has_text="Bagikan nomor HP")
    await share.wait_for()
    await p.locator("#log .msg", has_text="Mohon tekan tombol").wait_for()
    await last_message_in_view(p)  # the keyboard under the composer took its room from the log
    await share.click()
    await p.locator("#log .msg", has_text="admin sekretariat").wait_for()
    await share.wait_for(state="detached")
    await last_message_in_view(p)


async def test_a_reply_after_a_photo_loads_is_scrolled_into_view(world: World, page: Page) -> None:
    p = page
    world.user("Rina Wati", "+6281255550001")  # not registered: every message gets a reply
    await open_chat(p, world, "Rina Wati")
    for n in range(1, 4):
        await send(p, f"halo {n}")
        await bot_messages(p, n)
    released = asyncio.Event()

    async def slow(route: Route) -> None:  # the photo arrives after the bot's reply is drawn
        await released.wait()
        await route.continue_()

    await p.route("**/sandbox/api/files/**", slow)
    photo = make_png(600, 450)
    await p.set_input_files(
        "#photo", files=[{"name": "posyandu.png", "mimeType": "image/png", "buffer": photo}]
    )
    await bot_messages(p, 4)
    released.set()
    await p.wait_for_function(
        "[...document.querySelectorAll('#log img')].every((i) => i.complete && i.naturalWidth)"
    )
    await last_message_in_view(p)  # the photo grew above the reply, which stays in view
    await send(p, "halo lagi")
    await bot_messages(p, 5)
    await last_message_in_view(p)


# ---------------------------------------------------------------------- the list of people


async def test_the_people_list_filters_as_one_types(world: World, page: Page) -> None:
    p = page
    world.user("Sitti Aminah", "+6285312345678")
    world.user("Hasrul Nawir", "+6281141000001")
    world.user("Andi Rahmawati", "+6281267659951")
    world.user("Siti Nurhaliza", "+6285211171028")
    await p.goto(world.sandbox.base_url + "/")
    await p.locator("#users li").nth(3).wait_for()
    search = p.get_by_placeholder("Cari nama atau no. HP")
    await search.press_sequentially("sit")
    assert await listed(p) == ["Sitti Aminah", "Siti Nurhaliza"]
    world.user("Sitompul Rahman", "+6281200000009")  # the list changes while filtered
    world.user("Budi Santoso", "+6281299990001")
    await p.locator("#users li:visible", has_text="Sitompul Rahman").wait_for()
    assert await listed(p) == ["Sitti Aminah", "Siti Nurhaliza", "Sitompul Rahman"]
    await search.fill("")
    await search.press_sequentially("081141")  # a number as people write it, with a 0
    assert await listed(p) == ["Hasrul Nawir"]
    await search.fill("zzz")
    assert await listed(p) == []
    await p.get_by_text("Tidak ada yang cocok").wait_for()
    await search.fill("")
    assert len(await listed(p)) == 6


async def test_one_person_on_both_apps_is_one_row_and_namesakes_are_told_apart(
    wa_world: World, page: Page
) -> None:
    p = page
    wa_world.user(*SITTI)
    wa_world.wa_user(*SITTI)  # the same phone on WhatsApp too: one person, two apps
    sandbox = wa_world.sandbox
    # Two cadres who share a name (the demo roster has five such pairs).
    sandbox.create_whatsapp_user("Ira Safitri", "+6285354528337", label="Posyandu Melati Baruga")
    sandbox.create_whatsapp_user("Ira Safitri", "+6285368022048", label="Posyandu Mekar Sari")
    await p.goto(sandbox.base_url + "/")
    sitti = p.locator("#users li", has_text="Sitti Aminah")
    await sitti.locator(".badge.wa").wait_for()
    assert await sitti.count() == 1
    assert await sitti.locator(".badge.tg").count() == 1
    await sitti.locator(".badge.wa").click()  # a badge opens the chat on that app
    await p.locator("#subtitle", has_text="WhatsApp").wait_for()
    assert await p.evaluate("document.body.classList.contains('wa')")
    await p.get_by_title("Kembali").click()
    await sitti.locator(".badge.tg").click()
    await p.locator("#subtitle", has_text="Telegram").wait_for()
    assert not await p.evaluate("document.body.classList.contains('wa')")
    await p.get_by_title("Kembali").click()
    iras = p.locator("#users li", has_text="Ira Safitri")
    assert await iras.count() == 2
    first, second = await iras.all_inner_texts()
    assert "Posyandu Melati Baruga" in first and "+6285354528337" in first
    assert "Posyandu Mekar Sari" in second and "+6285368022048" in second


# ------------------------------------------------------------------------------ the header


async def test_the_headers_fit_a_360_px_phone(wa_world: World, page: Page) -> None:
    p = page
    long_name = "Hj. Andi Sitti Rahmawati Mappanyompa"
    wa_world.wa_user(long_name, "+6285312345678")
    wa_world.sandbox.create_user(
        "Abd. Rasyid", "Wahyuningsih, S.KM", phone="+6281321072695", label="opd"
    )
    await p.goto(wa_world.sandbox.base_url + "/")
    await p.locator("#users li", has_text=long_name).wait_for()
    assert await lines(p, "#side header") < 1.5  # the bot's name and number: one line
    for name in (long_name, "Abd. Rasyid"):
        await p.locator("#users li", has_text=name).click()
        await p.locator("#title", has_text=name).wait_for()
        await p.locator("#subtitle", has_text="+62").wait_for()
        assert await lines(p, "#chat header") <= 2  # the name over the number, at most
        assert await p.evaluate("document.documentElement.scrollWidth") <= 360
        await p.get_by_title("Kembali").click()
