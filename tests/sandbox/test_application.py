"""A real telegram.ext.Application polling the sandbox, driven by SandboxUser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import Sandbox
from tests.sandbox.conftest import TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    payload = " ".join(context.args or [])
    await update.message.reply_html(
        f"<b>Undangan Posyandu</b>{' ' + payload if payload else ''}",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Hadir", callback_data="rsvp:yes"),
                    InlineKeyboardButton("Tidak hadir", callback_data="rsvp:no"),
                ]
            ]
        ),
    )
    await update.message.reply_text(
        "Bagikan nomor HP Anda",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("Bagikan nomor HP", request_contact=True)]], one_time_keyboard=True
        ),
    )


async def rsvp(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Terima kasih!")
    await query.edit_message_text(f"Jawaban Anda: {query.data}")


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.contact is not None
    await update.message.reply_text(f"Nomor {update.message.contact.phone_number} tersimpan")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


@pytest.fixture
async def app(sb: Sandbox) -> AsyncIterator[Application]:  # type: ignore[type-arg,unused-ignore]
    application = (
        ApplicationBuilder().token(TOKEN).base_url(sb.api_url).base_file_url(sb.file_url).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(rsvp, pattern=r"^rsvp:"))
    application.add_handler(MessageHandler(filters.CONTACT, contact))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


@pytest.mark.usefixtures("app")
async def test_conversation(sb: Sandbox) -> None:
    sitti = sb.create_user("Sitti", "Aminah", phone="+6285312345678", label="kader")
    await sitti.send_text("/start undangan-7")
    invite = await sitti.next_message()
    assert invite.html == "<b>Undangan Posyandu</b> undangan-7"
    assert invite.buttons == [["Hadir", "Tidak hadir"]]
    ask = await sitti.next_message()
    assert ask.text == "Bagikan nomor HP Anda"
    assert sitti.reply_keyboard is not None

    assert await sitti.press("Hadir") == "Terima kasih!"
    await sitti.wait_for(lambda msgs: msgs[0].text == "Jawaban Anda: rsvp:yes")
    assert invite.edited and invite.buttons == []

    await sitti.press("Bagikan nomor HP")
    assert (await sitti.next_message()).text == "Nomor 6285312345678 tersimpan"
    assert sitti.reply_keyboard is None

    await sitti.send_text("apa kabar?")
    assert (await sitti.next_message()).text == "apa kabar?"
    assert sb.warnings == []


@pytest.mark.usefixtures("app")
async def test_two_users_are_separate_chats(sb: Sandbox) -> None:
    sitti = sb.create_user("Sitti", phone="+6285312345678")
    budi = sb.create_user("Budi", phone="+6281122334455")
    await sitti.send_text("halo dari Sitti")
    await budi.send_text("halo dari Budi")
    assert (await budi.next_message()).text == "halo dari Budi"
    assert (await sitti.next_message()).text == "halo dari Sitti"
    assert len(sitti.messages) == len(budi.messages) == 1
    assert sb.user_by_phone("081122334455") is budi
