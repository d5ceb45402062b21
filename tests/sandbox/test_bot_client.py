"""The sandbox driven by the real python-telegram-bot client, errors included."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, InvalidToken

from sandbox import Sandbox, SandboxUser, check_object
from tests.sandbox.conftest import TOKEN, last_result, raw_call


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(x, callback_data=x) for x in labels]])


async def test_get_me(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "pokjanal_bot", True)


async def test_unknown_token_is_unauthorized(sb: Sandbox) -> None:
    other = telegram.Bot("999:WRONG", base_url=sb.api_url)
    with pytest.raises(InvalidToken):
        async with other:  # initialize() calls getMe; a failure shuts the client down
            pass
    status, body = await raw_call(sb, "getMe", token="999:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_unknown_method_and_case_insensitive_names(sb: Sandbox) -> None:
    assert await raw_call(sb, "fooBar") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = await raw_call(sb, "GETME")
    assert status == 200
    assert body["result"]["username"] == "pokjanal_bot"


async def test_send_message_formats_html(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    sent = await bot.send_message(
        alice.id,
        "<b>Undangan</b> Posyandu &amp; <i>PMT</i>",
        parse_mode="HTML",
        reply_markup=keyboard("Hadir", "Tidak"),
    )
    assert sent.text == "Undangan Posyandu & PMT"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 8),
        ("italic", 20, 3),
    ]
    result = last_result(sb, "sendMessage")
    assert check_object("Message", result) == []
    assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "Hadir"
    msg = alice.last_message
    assert msg is not None
    assert msg.html == "<b>Undangan</b> Posyandu &amp; <i>PMT</i>"
    assert msg.buttons == [["Hadir", "Tidak"]]
    assert sb.calls_to("sendMessage")[-1].params["parse_mode"] == "HTML"


async def test_markdown_v2(bot: telegram.Bot, alice: SandboxUser) -> None:
    sent = await bot.send_message(alice.id, r"*Jadwal* 10\.00", parse_mode="MarkdownV2")
    assert sent.text == "Jadwal 10.00"
    with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
        await bot.send_message(alice.id, "*Jadwal* 10.00", parse_mode="MarkdownV2")


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("a < b", "HTML", "Can't parse entities: unsupported start tag"),
        ("<b>x", "HTML", "Can't parse entities: can't find end tag"),
        ("Tom & Jerry", "HTML", "Can't parse entities"),
        ("   ", None, "Message text is empty"),
        ("a" * 4097, None, "Message is too long"),
        ("😀" * 2049, None, "Message is too long"),
    ],
)
async def test_text_errors(
    bot: telegram.Bot, alice: SandboxUser, text: str, parse_mode: str | None, error: str
) -> None:
    with pytest.raises(BadRequest) as info:
        await bot.send_message(alice.id, text, parse_mode=parse_mode)
    assert info.value.message.lower().startswith(error.lower())
    assert alice.messages == []


async def test_length_limit_counts_after_parsing(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "a" * 4096)
    await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert len(alice.messages) == 2


async def test_callback_data_limits(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "ok", reply_markup=keyboard("x" * 64))
    for data in ("x" * 65, "é" * 33):
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(alice.id, "no", reply_markup=keyboard(data))


async def test_inline_button_needs_exactly_one_action(sb: Sandbox, alice: SandboxUser) -> None:
    for button in (
        {"text": "A"},
        {"text": "A", "callback_data": "a", "url": "https://x.org"},
        {"text": "", "callback_data": "a"},
        {"text": "A", "url": "javascript:x"},
    ):
        status, body = await raw_call(
            sb,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup={"inline_keyboard": [[button]]},
        )
        assert status == 400, button
        assert body["description"].startswith("Bad Request: "), body


async def test_reply_keyboard_and_contact(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor HP", request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    sent = await bot.send_message(alice.id, "Bagikan nomor Anda", reply_markup=markup)
    assert sent.reply_markup is None
    assert "reply_markup" not in last_result(sb, "sendMessage")
    assert alice.reply_keyboard is not None
    assert alice.last_message is not None
    assert alice.last_message.reply_markup == markup.to_dict()
    await alice.press("Bagikan nomor HP")
    assert alice.reply_keyboard is None
    updates = await bot.get_updates()
    contact = updates[-1].message.contact
    assert (contact.phone_number, contact.user_id) == ("6285312345678", alice.id)
    await bot.send_message(alice.id, "lagi", reply_markup=ReplyKeyboardMarkup([["Ya", "Tidak"]]))
    await alice.press("Ya")
    assert alice.reply_keyboard is not None
    await bot.send_message(alice.id, "selesai", reply_markup=ReplyKeyboardRemove())
    assert alice.reply_keyboard is None
    texts = [u.message.text for u in await bot.get_updates(offset=updates[-1].update_id + 1)]
    assert texts == ["Ya"]


async def test_chat_not_found_blocked_and_not_started(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message("@sitti", "x")
    stranger = sb.create_user("Budi", phone="+628111")
    with pytest.raises(Forbidden, match="bot can't initiate conversation"):
        await bot.send_message(stranger.id, "x")
    alice.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "x")
    alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    kinds = [
        u.my_chat_member.new_chat_member.status for u in await bot.get_updates() if u.my_chat_member
    ]
    assert kinds == ["kicked", "member"]


async def test_edits(bot: telegram.Bot, sb: Sandbox, alice: SandboxUser) -> None:
    sent = await bot.send_message(alice.id, "Hadir?", reply_markup=keyboard("Ya"))
    edited = await bot.edit_message_text(
        "<b>Terima kasih</b>", chat_id=alice.id, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message)
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard
    msg = alice.messages[-1]
    assert (msg.edited, msg.html, msg.buttons) == (True, "<b>Terima kasih</b>", [])
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>Terima kasih</b>", chat_id=alice.id, message_id=sent.message_id, parse_mode="HTML"
        )
    await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=keyboard("Ok"))
    assert msg.buttons == [["Ok"]]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=keyboard("Ok"))
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=999)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=1)  # her /start
    assert check_object("Message", last_result(sb, "editMessageReplyMarkup")) == []


async def test_delete_message(bot: telegram.Bot, alice: SandboxUser) -> None:
    sent = await bot.send_message(alice.id, "sementara")
    assert await bot.delete_message(alice.id, sent.message_id) is True
    assert alice.messages[-1].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)


async def test_callback_query_round_trip(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "Hadir?", reply_markup=keyboard("Hadir", "Tidak"))
    await bot.get_updates()  # consume /start
    offset = (await bot.get_updates())[-1].update_id + 1
    press = asyncio.create_task(alice.press("Hadir"))
    updates = await bot.get_updates(offset=offset, timeout=5)
    query = updates[0].callback_query
    assert query is not None and query.message is not None
    assert query.data == "Hadir"
    assert query.message.message_id == alice.messages[-1].message_id
    assert await query.answer("Tercatat")
    assert await press == "Tercatat"
    assert alice.answers[-1].text == "Tercatat"
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer("lagi")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


async def test_press_errors_are_readable(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "Pilih", reply_markup=keyboard("A", "B"))
    with pytest.raises(Exception, match=r"no button 'C'.*\['A', 'B'\]"):
        await alice.press("C")
    with pytest.raises(TimeoutError, match="did not answer"):
        await alice.press("A", timeout=0.05)


async def test_chat_action_and_commands(bot: telegram.Bot, alice: SandboxUser) -> None:
    assert await bot.send_chat_action(alice.id, "typing")
    assert alice.chat_action == "typing"
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(alice.id, "dancing")
    commands = [telegram.BotCommand("start", "Mulai"), telegram.BotCommand("jadwal", "Jadwal")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    scope = telegram.BotCommandScopeChat(alice.id)
    assert await bot.get_my_commands(scope=scope) == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([telegram.BotCommand("Start!", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_unknown_parameters_are_recorded(sb: Sandbox, alice: SandboxUser) -> None:
    status, _ = await raw_call(sb, "sendMessage", chat_id=alice.id, text="x", colour="red")
    assert status == 200
    assert sb.warnings == ["sendMessage: unknown parameter 'colour'"]


async def test_wrong_types_and_missing_parameters(sb: Sandbox, alice: SandboxUser) -> None:
    status, body = await raw_call(sb, "sendMessage", chat_id=alice.id)
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body = await raw_call(
        sb, "editMessageText", chat_id=alice.id, message_id="abc", text="x"
    )
    assert status == 400
    assert 'field "message_id" must be of type Integer' in body["description"]


async def test_get_updates_offset_and_wakeup(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["/start"]
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [first[0].update_id]  # not confirmed yet
    assert await bot.get_updates(offset=first[0].update_id + 1) == ()
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(offset=first[0].update_id + 1, timeout=10))
    await asyncio.sleep(0.05)
    await alice.send_text("halo")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["halo"]
    assert loop.time() - started < 1.0
    assert len(await bot.get_updates(offset=-1)) == 1
    await alice.send_text("a")
    await alice.send_text("b")
    assert [u.message.text for u in await bot.get_updates(limit=1) if u.message] == ["halo"]


async def test_allowed_updates(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await alice.send_text("tidak terkirim")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["/start"]


async def test_second_poller_gets_conflict(
    bot: telegram.Bot, sb: Sandbox, alice: SandboxUser
) -> None:
    offset = (await bot.get_updates())[-1].update_id + 1
    first = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await asyncio.sleep(0.05)
    async with telegram.Bot(TOKEN, base_url=sb.api_url) as twin:  # a second bot instance
        second = asyncio.create_task(twin.get_updates(offset=offset, timeout=5))
        with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates"):
            await first
        await alice.send_text("x")
        assert len(await second) == 1


async def test_query_string_and_get_requests(sb: Sandbox, alice: SandboxUser) -> None:
    import aiohttp

    url = f"{sb.api_url}{TOKEN}/sendMessage?chat_id={alice.id}&text=lewat+GET"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "lewat GET"


async def test_reply_parameters(bot: telegram.Bot, alice: SandboxUser) -> None:
    reply = await bot.send_message(alice.id, "balasan", reply_to_message_id=1)
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/start"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(alice.id, "x", reply_to_message_id=99)
    await bot.send_message(alice.id, "x", reply_to_message_id=99, allow_sending_without_reply=True)


async def test_stop_wakes_long_polls(sb: Sandbox, bot: telegram.Bot) -> None:
    offset = (await bot.get_updates())[-1].update_id + 1 if await bot.get_updates() else None
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=30))
    await asyncio.sleep(0.05)
    await sb.stop()
    assert await poll == ()
    assert loop.time() - started < 2


async def test_forged_callback_data(bot: telegram.Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "Tanpa tombol")
    offset = (await bot.get_updates())[-1].update_id + 1
    press = asyncio.create_task(alice.press_callback("zz:9:garbage"))
    (update,) = await bot.get_updates(offset=offset, timeout=5)
    assert update.callback_query is not None
    assert update.callback_query.data == "zz:9:garbage"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == alice.messages[-1].message_id
    await update.callback_query.answer("Tombol ini sudah tidak berlaku.")
    assert await press == "Tombol ini sudah tidak berlaku."


async def test_ptb_defaults_noise_is_not_a_warning(sb: Sandbox, alice: SandboxUser) -> None:
    from telegram.ext import Defaults, ExtBot

    ext = ExtBot(TOKEN, base_url=sb.api_url, defaults=Defaults(parse_mode="HTML"))
    async with ext:
        sent = await ext.send_message(alice.id, "<b>x</b>", reply_markup=keyboard("A"))
        await ext.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=keyboard("B"))
    call = sb.calls_to("editMessageReplyMarkup")[-1]
    assert (call.status, call.ignored) == (200, ["parse_mode"])
    assert sb.warnings == []


async def test_invalid_emitted_objects_are_caught(sb: Sandbox, alice: SandboxUser) -> None:
    from sandbox import SandboxBug

    with pytest.raises(SandboxBug, match=r"Message\.location\.latitude: expected Float"):
        await alice.send_message(location={"latitude": "north", "longitude": 1.0})
    await alice.send_message(location={"latitude": -2.5, "longitude": 121.3})
    assert len(sb.errors) == 1
    sb.errors.clear()


async def test_handler_crash_is_a_500_and_recorded(
    bot: telegram.Bot, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sandbox.server

    async def boom(ctx: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setitem(sandbox.server.HANDLERS, "getme", boom)
    with pytest.raises(telegram.error.NetworkError):
        await bot.get_me()
    assert sb.errors == ["getMe crashed: RuntimeError('kaput')"]
    sb.errors.clear()
