"""Fixtures: a started sandbox with one bot, a python-telegram-bot client, a user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram

from sandbox import Sandbox, SandboxUser, check_object

TOKEN = "123456:TEST-token_abc"


def assert_emitted_valid(sb: Sandbox) -> None:
    """Everything the sandbox sent to bots must be a valid Bot API object."""
    for update in sb.updates:
        assert check_object("Update", update) == [], update
    for call in sb.calls:
        if call.status == 200 and isinstance(call.result, dict) and "message_id" in call.result:
            assert check_object("Message", call.result) == [], call
    for user in sb.users:
        for message in user.history:
            assert check_object("Message", message.data) == [], message
    assert sb.errors == []


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox()
    await sandbox.start()
    sandbox.create_bot(TOKEN)
    try:
        yield sandbox
    finally:
        await sandbox.stop()
    assert_emitted_valid(sandbox)


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(TOKEN, base_url=sb.api_url, base_file_url=sb.file_url)
    async with client:
        yield client


@pytest.fixture
async def alice(sb: Sandbox) -> SandboxUser:
    """A user who has started the bot (so the bot may write to her)."""
    user = sb.create_user("Sitti", "Aminah", phone="+6285312345678")
    await user.send_text("/start")
    return user


def last_result(sb: Sandbox, method: str) -> Any:
    return [c for c in sb.calls_to(method) if c.status == 200][-1].result


async def raw_call(
    sb: Sandbox, method: str, *, token: str = TOKEN, **params: Any
) -> tuple[int, dict[str, Any]]:
    """A Bot API call without python-telegram-bot, for shapes it would never send."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.api_url}{token}/{method}", json=params) as response,
    ):
        return response.status, await response.json()
