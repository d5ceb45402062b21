"""Telegram presentation: parse an update, call the domain, render the answer.

``register_all`` adds every handler in one explicit order; the order matters and each group
says why.
"""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    action_report,
    action_status,
    actions_admin,
    broadcast,
    callbacks,
    checkin,
    common,
    console_link,
    meetings_admin,
    meetings_change,
    profile,
    recap,
    registration,
    router,
    rsvp,
    sheet_upload,
)
from handlers.i18n import LANGUAGES, t

COMMANDS = (
    "start",
    "undangan",
    "hadir",
    "tindaklanjut",
    "profil",
    "dataku",
    "hapusdata",
    "bantuan",
    "batal",
)


def register_all(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    # 0. Before everything, in its own group so it never stops the others: presence.
    app.add_handler(TypeHandler(Update, common.note_presence), group=-1)
    app.add_handler(ChatMemberHandler(common.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # 1. Commands first, so "/batal" is never taken for typed registration details.
    app.add_handler(CommandHandler("start", registration.start, filters=private))
    app.add_handler(CommandHandler("batal", router.cancel, filters=private))
    app.add_handler(CommandHandler("bantuan", common.help_command, filters=private))
    app.add_handler(CommandHandler("help", common.help_command, filters=private))
    app.add_handler(CommandHandler("profil", profile.profile, filters=private))
    app.add_handler(CommandHandler("dataku", profile.my_data, filters=private))
    app.add_handler(CommandHandler("hapusdata", profile.erase_request, filters=private))
    app.add_handler(CommandHandler("siaran", broadcast.siaran, filters=private))
    app.add_handler(CommandHandler("undangan", rsvp.my_invitations, filters=private))
    app.add_handler(CommandHandler("hadir", checkin.hadir, filters=private))
    app.add_handler(CommandHandler("rapatbaru", meetings_admin.rapatbaru, filters=private))
    app.add_handler(CommandHandler("notulen", meetings_change.notulen, filters=private))
    app.add_handler(CommandHandler("batalrapat", meetings_change.batalrapat, filters=private))
    app.add_handler(CommandHandler("pindahrapat", meetings_change.pindahrapat, filters=private))
    app.add_handler(CommandHandler("rtlbaru", actions_admin.rtlbaru, filters=private))
    app.add_handler(CommandHandler("tindaklanjut", action_report.tindaklanjut, filters=private))
    app.add_handler(CommandHandler("statusrtl", action_status.statusrtl, filters=private))
    app.add_handler(CommandHandler("konsol", console_link.konsol, filters=private))
    # 2. Buttons: stateless top-level handlers whose callback data carries what they need,
    #    so a button pressed days later or after a restart still works.
    app.add_handler(
        CallbackQueryHandler(
            registration.consent_button, pattern=callbacks.pattern(callbacks.CONSENT)
        )
    )
    app.add_handler(
        CallbackQueryHandler(
            registration.decision_button, pattern=callbacks.pattern(callbacks.REGISTRATION)
        )
    )
    app.add_handler(
        CallbackQueryHandler(profile.language_button, pattern=callbacks.pattern(callbacks.LANGUAGE))
    )
    app.add_handler(
        CallbackQueryHandler(profile.erase_button, pattern=callbacks.pattern(callbacks.ERASE))
    )
    app.add_handler(
        CallbackQueryHandler(broadcast.button, pattern=callbacks.pattern(callbacks.BROADCAST))
    )
    app.add_handler(CallbackQueryHandler(rsvp.button, pattern=callbacks.pattern(callbacks.RSVP)))
    app.add_handler(
        CallbackQueryHandler(meetings_admin.button, pattern=callbacks.pattern(callbacks.MEETING))
    )
    app.add_handler(
        CallbackQueryHandler(actions_admin.button, pattern=callbacks.pattern(callbacks.ACTION))
    )
    app.add_handler(
        CallbackQueryHandler(
            action_report.button, pattern=callbacks.pattern(callbacks.ACTION_REPORT)
        )
    )
    app.add_handler(
        CallbackQueryHandler(sheet_upload.button, pattern=callbacks.pattern(callbacks.SHEET))
    )
    recap.register(app)  # /rekap and its buttons (put at the front of group 0 by register)
    # 3. Messages: the shared contact, then typed text, then anything else.
    app.add_handler(MessageHandler(private & filters.CONTACT, registration.contact))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, router.text_message))
    app.add_handler(
        MessageHandler(private & (filters.Document.ALL | filters.PHOTO), router.document_message)
    )
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED, router.other_message))
    # 4. Last: any button nobody claimed answers "expired" and changes nothing.
    app.add_handler(CallbackQueryHandler(common.expired_button))
    app.add_error_handler(common.on_error)


def command_menu(lang: str) -> list[BotCommand]:
    return [BotCommand(name, t(lang, f"cmd.{name}")) for name in COMMANDS]


async def publish_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu in both languages (Telegram picks by the user's app language)."""
    await app.bot.set_my_commands(command_menu("id"))
    for lang in LANGUAGES:
        await app.bot.set_my_commands(command_menu(lang), language_code=lang)
