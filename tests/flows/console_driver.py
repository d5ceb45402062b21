"""Signing in to the console as a browser would: /konsol in the chat, the link, "Masuk"."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from tests.flows.conftest import World
from tests.flows.personas import Persona

LINK = re.compile(r"http://console\.test(/konsol/masuk\?t=[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def sign_in_link(persona: Persona) -> str:
    """A fresh one-time link's path (waiting for the new message, not an older link)."""
    before = len(persona.messages)
    await persona.send("/konsol")
    fresh = await persona.wait_for(
        lambda msgs: len(msgs) > before and "Tautan masuk konsol" in (msgs[-1].text or "")
    )
    found = LINK.search(fresh[-1].text)
    assert found, fresh[-1].text
    return found.group(1)


@asynccontextmanager
async def signed_in(
    world: World, admin: Persona
) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """An HTTP session holding the console's cookie, and the server's base address."""
    path = await sign_in_link(admin)
    base = f"http://127.0.0.1:{world.web_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = path.split("t=", 1)[1]
        async with http.post(base + "/konsol/masuk", data={"t": token}) as home:
            assert home.status == 200
        yield http, base


def upload_form(csrf: str, name: str, data: bytes) -> aiohttp.FormData:
    """A file as a browser posts it from the page's form."""
    posted = aiohttp.FormData()
    posted.add_field("csrf", csrf)
    posted.add_field(
        "file", io.BytesIO(data), filename=name, content_type="application/octet-stream"
    )
    return posted


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, page[:500]
    return found.group(1)
