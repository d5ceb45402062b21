"""Where a message goes: the person and their one conversation are looked up once per update,
then the message is handed to the feature that owns that conversation.

Commands and buttons find their handler by themselves (python-telegram-bot's handlers); typed
text, files and /batal depend on what the person is in the middle of, which is what this module
decides. A feature's step may still decline the text (its draft waits for a button): then a
typed HADIR / WAKIL / TIDAK is tried, then the feature asks its question again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import ReplyKeyboardRemove, Update

from handlers import (
    action_report,
    actions_admin,
    broadcast,
    meetings_admin,
    meetings_change,
    registration,
    rsvp,
    sheet_upload,
)
from handlers.chat import person_of
from handlers.context import BotContext
from handlers.i18n import language_of, t
from models import conversations
from models.conversations import Active, Conversation

Step = Callable[[Update, BotContext], Awaitable[bool]]

# Typed text during a conversation, by its owner (first taker wins).
TEXT: dict[Conversation, tuple[Step, ...]] = {
    Conversation.BROADCAST: (broadcast.draft_text,),
    Conversation.MEETING: (meetings_admin.draft_text, meetings_change.draft_text),
    Conversation.ACTION: (actions_admin.draft_text,),
    Conversation.REPORT: (action_report.draft_text,),
    Conversation.ANSWER: (rsvp.typed,),
}
# Typed text the owner did not take (it waits for a button): the question again.
HINT: dict[Conversation, Step] = {
    Conversation.ACTION: actions_admin.hint_text,
    Conversation.REPORT: action_report.hint_text,
}
# A photo or document during a conversation.
FILE: dict[Conversation, tuple[Step, ...]] = {
    Conversation.REPORT: (action_report.evidence, action_report.file_before_note),
    Conversation.MEETING: (meetings_change.minutes_document,),
}
CANCEL: dict[Conversation, Step] = {
    Conversation.BROADCAST: broadcast.cancel_draft,
    Conversation.MEETING: meetings_admin.cancel_draft,
    Conversation.ACTION: actions_admin.cancel_draft,
    Conversation.REPORT: action_report.cancel_draft,
    Conversation.ANSWER: rsvp.stop_typing,
}


def conversation_of(update: Update, context: BotContext) -> Active | None:
    """The sender's conversation in progress (None for people not registered)."""
    user = update.effective_user
    if user is None:
        return None
    who = context.who(user.id)
    if who.person is None or not who.open:
        return None  # most messages: no draft anywhere, and no further query
    with context.uow() as session:
        return conversations.active(
            session, who.person, now=context.deps.clock.now(), kinds=who.open
        )


async def _first(steps: tuple[Step, ...], update: Update, context: BotContext) -> bool:
    for step in steps:
        if await step(update, context):
            return True
    return False


async def cancel(update: Update, context: BotContext) -> None:
    """/batal: end the conversation in progress, whichever it is."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    person = person_of(context, update)
    if person is None:
        if await registration.cancel_registration(update, context):
            return
    else:
        active = conversation_of(update, context)
        if active is not None and await CANCEL[active.kind](update, context):
            return
    lang = person.language if person else language_of(user.language_code)
    await chat.send_message(t(lang, "cancel.nothing"), reply_markup=ReplyKeyboardRemove())


async def text_message(update: Update, context: BotContext) -> None:
    """Typed text: to the conversation in progress, else an invitation answer, else 'not
    understood'."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if person_of(context, update) is None:
        if not await registration.details_text(update, context):
            await anything_else(update, context)
        return
    active = conversation_of(update, context)
    if active is not None and await _first(TEXT[active.kind], update, context):
        return
    answering = active is not None and active.kind == Conversation.ANSWER
    if not answering and await rsvp.typed_keyword(update, context):
        return  # HADIR / WAKIL / TIDAK typed, even while a draft waits for a button
    hint = HINT.get(active.kind) if active is not None else None
    if hint is not None and await hint(update, context):
        return
    await anything_else(update, context, active)


async def document_message(update: Update, context: BotContext) -> None:
    """A photo or document: a report's evidence, the minutes of a meeting being closed, or
    not understood."""
    active = conversation_of(update, context)
    if active is not None and await _first(FILE.get(active.kind, ()), update, context):
        return
    if await sheet_upload.document(update, context):
        return  # an admin's roster or RTL sheet
    await anything_else(update, context, active)


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, voice notes, unknown commands (whatever no other handler took)."""
    await anything_else(update, context, conversation_of(update, context))


async def anything_else(update: Update, context: BotContext, active: Active | None = None) -> None:
    """Not understood: point to /start or /bantuan, change nothing."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    person = person_of(context, update)
    if person is None:
        await chat.send_message(t(language_of(user.language_code), "register.prompt"))
        return
    if (
        active is not None
        and active.kind == Conversation.REPORT
        and update.message is not None
        and await action_report.other_message(update, context)
    ):
        return  # a sticker or voice note where evidence was asked for: say what is accepted
    await chat.send_message(t(person.language, "fallback.unknown"))
