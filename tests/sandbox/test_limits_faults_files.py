"""Flood control, fault injection and file round trips through python-telegram-bot."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from sandbox import Sandbox, SandboxUser, check_object, make_png
from sandbox.ratelimit import RateLimiter
from tests.sandbox.conftest import TOKEN, assert_emitted_valid, last_result


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns when RetryAfter is built unless it may use timedelta (warnings = errors)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def _started_users(sb: Sandbox, count: int) -> list[SandboxUser]:
    users = [sb.create_user(f"User{i}", phone=f"+62811000{i:03d}") for i in range(count)]
    for user in users:
        await user.send_text("/start")
    return users


@pytest.fixture
async def limited() -> AsyncIterator[Sandbox]:
    async with Sandbox(rate_limit=4, per_chat_rate=1.0, per_chat_burst=3) as sandbox:
        sandbox.create_bot(TOKEN)
        yield sandbox
        assert_emitted_valid(sandbox)


@pytest.mark.usefixtures("ptb_timedelta")
async def test_per_chat_flood_limit(limited: Sandbox) -> None:
    (user,) = await _started_users(limited, 1)
    async with telegram.Bot(TOKEN, base_url=limited.api_url) as bot:
        for i in range(3):
            await bot.send_message(user.id, f"burst {i}")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(user.id, "one too many")
        assert info.value.retry_after == dtm.timedelta(seconds=1)
        assert len(user.messages) == 3
        call = limited.calls_to("sendMessage")[-1]
        assert (call.status, call.description) == (429, "Too Many Requests: retry after 1")


@pytest.mark.usefixtures("ptb_timedelta")
async def test_global_flood_limit(limited: Sandbox) -> None:
    users = await _started_users(limited, 5)
    async with telegram.Bot(TOKEN, base_url=limited.api_url) as bot:
        for user in users[:4]:
            await bot.send_message(user.id, "halo")
        with pytest.raises(RetryAfter):
            await bot.send_message(users[4].id, "halo")


async def test_rate_limits_can_be_disabled() -> None:
    async with Sandbox(rate_limit=None, per_chat_rate=None) as sandbox:
        sandbox.create_bot(TOKEN)
        (user,) = await _started_users(sandbox, 1)
        async with telegram.Bot(TOKEN, base_url=sandbox.api_url) as bot:
            for i in range(40):
                await bot.send_message(user.id, str(i))
        assert len(user.messages) == 40


def test_token_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(None, per_chat_rate=1.0, per_chat_burst=2, clock=lambda: now[0])
    limiter.record(1)
    limiter.record(1)
    assert limiter.retry_after(1) == 1
    assert limiter.retry_after(2) is None
    now[0] = 1.0
    assert limiter.retry_after(1) is None


async def test_fault_fail_maps_to_network_error(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    sb.faults.fail(method="sendMessage", status=502, times=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(alice.id, "x")
    assert alice.messages == []
    await bot.send_message(alice.id, "retry works")
    sb.faults.fail(status=500, times=None)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.get_me()
    sb.faults.clear()
    await bot.get_me()


@pytest.mark.usefixtures("ptb_timedelta")
async def test_fault_injected_429(bot: telegram.Bot, sb: Sandbox, alice: SandboxUser) -> None:
    sb.faults.fail(method="sendmessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(alice.id, "x")
    assert info.value.retry_after == dtm.timedelta(seconds=7)


async def test_fault_delay_times_out_but_delivers(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    sb.faults.delay(method="sendMessage", seconds=5, times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(alice.id, "terlambat", read_timeout=0.2)
    assert [m.text for m in alice.messages] == ["terlambat"]  # the response was lost, not it


async def test_fault_delay_without_execution(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    sb.faults.delay(method="sendMessage", seconds=5, execute=False)
    with pytest.raises(TimedOut):
        await bot.send_message(alice.id, "hilang", read_timeout=0.2)
    assert alice.messages == []


async def test_photo_upload_download_and_reuse(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    png = make_png(40, 30)
    sent = await bot.send_photo(alice.id, photo=png, caption="<b>Grafik</b>", parse_mode="HTML")
    assert check_object("Message", last_result(sb, "sendPhoto")) == []
    size = sent.photo[-1]
    assert (size.width, size.height, size.file_size) == (40, 30, len(png))
    assert sent.caption == "Grafik"
    assert alice.last_message is not None
    assert alice.last_message.html == "<b>Grafik</b>"
    file = await bot.get_file(size.file_id)
    assert file.file_path is not None
    assert bytes(await file.download_as_bytearray()) == png
    again = await bot.send_photo(alice.id, photo=size.file_id)
    assert again.photo[-1].file_unique_id == size.file_unique_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(alice.id, photo=b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(alice.id, photo="AgACnonsense")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(alice.id, photo=png, caption="x" * 1025)
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


async def test_document_round_trip(bot: telegram.Bot, alice: SandboxUser) -> None:
    payload = b"nama,hadir\nSitti,ya\n"
    sent = await bot.send_document(alice.id, document=payload, filename="rekap.csv")
    doc = sent.document
    assert doc is not None
    assert (doc.file_name, doc.mime_type) == ("rekap.csv", "text/csv")
    assert doc.file_size == len(payload)
    assert alice.last_message is not None
    assert alice.last_message.document is not None
    data = await (await bot.get_file(doc.file_id)).download_as_bytearray()
    assert bytes(data) == payload
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type document as photo"):
        await bot.send_photo(alice.id, photo=doc.file_id)


async def test_user_files_reach_the_bot(bot: telegram.Bot, alice: SandboxUser) -> None:
    png = make_png(12, 12)
    await alice.send_photo(png, caption="foto KMS")
    await alice.send_document(b"%PDF-1.4 fake", file_name="surat.pdf")
    await alice.send_sticker()
    updates = await bot.get_updates()
    photo_msg, doc_msg, sticker_msg = (u.message for u in updates[-3:])
    assert photo_msg and doc_msg and doc_msg.document and sticker_msg and sticker_msg.sticker
    assert photo_msg.caption == "foto KMS"
    downloaded = await (await photo_msg.photo[-1].get_file()).download_as_bytearray()
    assert bytes(downloaded) == png
    assert doc_msg.document.mime_type == "application/pdf"
    assert sticker_msg.sticker.emoji == "👍"


async def test_file_endpoint_rejects_unknown(sb: Sandbox) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sb.file_url}{TOKEN}/photos/none.png") as response:
            assert response.status == 404
        async with session.get(f"{sb.file_url}1:BAD/photos/none.png") as response:
            assert response.status == 401


def test_a_bot_that_ignores_retry_after_is_refused_until_it_has_passed() -> None:
    """Telegram's flood wait: after a 429 of the global limit, every call within its
    retry_after is refused too, even once the window has room again."""
    now = [0.0]
    limiter = RateLimiter(2, per_chat_rate=None, clock=lambda: now[0])
    limiter.record(1)
    now[0] = 0.5
    limiter.record(2)
    now[0] = 0.6
    assert limiter.retry_after(3) == 1  # the window is full: wait a second
    now[0] = 1.2  # the first message left the window, but the bot did not wait as it was told
    assert limiter.retry_after(3) == 1
    now[0] = 1.6
    assert limiter.retry_after(3) is None
