"""Closing, cancelling and moving a meeting (admins): /notulen, /batalrapat, /pindahrapat.

Each starts from a menu of meetings; closing and moving continue with typed text (the
minutes; the new date and time), kept as a draft in the database (models.meeting_drafts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers import callbacks
from handlers.chat import admin_of, end_other_conversations, reply_language, say, say_ended
from handlers.context import BotContext
from handlers.i18n import t, t_plain
from handlers.people_view import EXAMPLE_AHEAD, date_examples, format_when, local_today
from models import meeting_drafts, meetings
from models.conversations import Conversation, Ended
from models.meeting_drafts import DraftError, MeetingDraft, Stage
from models.meetings import Meeting, MeetingError, awaiting_minutes, upcoming_meetings
from models.messages import short_label
from models.people import Person


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text while an admin closes (the minutes) or moves a meeting. True when taken."""
    message = update.effective_message
    admin = admin_of(context, update)
    if message is None or not message.text or admin is None or admin.id is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None:
            return False
        stage = Stage(draft.stage)
        if stage == Stage.MINUTES:
            outcome = _minutes(session, draft, now, text=message.text)
        elif stage in (Stage.MOVE_DATE, Stage.MOVE_TIME):
            moved = _move(session, draft, now, message.text)
            zone = draft.timezone or context.deps.timezone
        else:
            return False
    if stage == Stage.MINUTES:
        await say(update, outcome.render(admin.language))
        return True
    if moved.done:
        context.deps.wake_delivery()
    await say(update, moved.render(admin.language, _examples(admin.language, now, zone)))
    return True


def _examples(lang: str, now: datetime, zone: str) -> dict[str, str]:
    """The new date's examples: a week from the meeting's today."""
    return date_examples(lang, local_today(now, zone) + EXAMPLE_AHEAD)


@dataclass(frozen=True)
class Minutes:
    """What happened to the minutes sent: closed, or why not."""

    problem: str | None
    title: str = ""

    def render(self, lang: str) -> str:
        if self.problem is None:
            return t(lang, "notulen.closed", title=self.title)
        return t(lang, f"notulen.invalid.{self.problem}")


def _minutes(
    session: Session,
    draft: MeetingDraft,
    now: datetime,
    *,
    text: str = "",
    file_id: str | None = None,
    file_name: str | None = None,
) -> Minutes:
    try:
        meeting = meeting_drafts.record_minutes(
            session, draft, now=now, text=text, file_id=file_id, file_name=file_name
        )
    except MeetingError as error:
        return Minutes(error.code)
    return Minutes(None, meeting.title)


async def minutes_document(update: Update, context: BotContext) -> bool:
    """A document sent as the minutes of the meeting being closed. True when it was."""
    message = update.effective_message
    admin = admin_of(context, update)
    if message is None or message.document is None or admin is None or admin.id is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None or draft.stage != Stage.MINUTES.value:
            return False
        outcome = _minutes(
            session,
            draft,
            now,
            text=message.caption or "",
            file_id=message.document.file_id,
            file_name=message.document.file_name,
        )
    await say(update, outcome.render(admin.language))
    return True


async def notulen(update: Update, context: BotContext) -> None:
    """/notulen: the held meetings still waiting for their minutes, as buttons."""
    await _meeting_menu(
        update, context, awaiting_minutes, callbacks.MeetingClose, "notulen.choose", "notulen.none"
    )


async def _meeting_menu(
    update: Update,
    context: BotContext,
    which: Callable[[Session, datetime], list[Meeting]],
    kind: type[MeetingButton],
    choose_key: str,
    none_key: str,
) -> None:
    """An admin picks a meeting: one button each, labelled with its title and time."""
    admin = admin_of(context, update)
    if admin is None:
        await say(update, t(reply_language(context, update), "admin.only"))
        return
    lang = admin.language
    with context.uow() as session:
        found = which(session, context.deps.clock.now())
    if not found:
        await say(update, t(lang, none_key))
        return
    rows = [
        [
            _plain_button(
                f"{short_label(m.title, 40)} ({format_when(lang, m.starts_at, m.timezone)})",
                kind(m.id or 0),
            )
        ]
        for m in found
    ]
    await say(update, t(lang, choose_key), InlineKeyboardMarkup(rows))


@dataclass(frozen=True)
class Moved:
    """A step of moving a meeting: the next question, a re-ask, or the moved meeting."""

    key: str
    title: str = ""
    done: bool = False
    starts_at: datetime | None = None
    zone: str = ""

    def render(self, lang: str, examples: dict[str, str]) -> str:
        when = format_when(lang, self.starts_at, self.zone) if self.starts_at else ""
        return t(lang, self.key, title=self.title, when=when, **examples)


def _move(session: Session, draft: MeetingDraft, now: datetime, text: str) -> Moved:
    try:
        meeting = meeting_drafts.move_answer(session, draft, text, now=now)
    except DraftError as error:
        return Moved(f"rapat.invalid.{error.code}")
    except MeetingError as error:
        return Moved(f"rapat.invalid.meeting_{error.code}")
    if meeting is None:
        return Moved("rapat.ask.time")
    return Moved(
        "rapat.moved", meeting.title, done=True, starts_at=meeting.starts_at, zone=meeting.timezone
    )


async def batalrapat(update: Update, context: BotContext) -> None:
    """/batalrapat: cancel an upcoming meeting (every invitee is told)."""
    await _meeting_menu(
        update,
        context,
        upcoming_meetings,
        callbacks.MeetingAskCancel,
        "rapat.choose_cancel",
        "rapat.none_upcoming",
    )


async def pindahrapat(update: Update, context: BotContext) -> None:
    """/pindahrapat: move an upcoming meeting to a new date and time."""
    await _meeting_menu(
        update,
        context,
        upcoming_meetings,
        callbacks.MeetingMove,
        "rapat.choose_move",
        "rapat.none_upcoming",
    )


async def meeting_action(
    update: Update,
    context: BotContext,
    admin: Person,
    data: callbacks.MeetingAskCancel | callbacks.MeetingCancel | callbacks.MeetingMove,
) -> None:
    """Ask to confirm a cancellation; cancel; start moving."""
    query = update.callback_query
    assert query is not None and admin.id is not None
    lang, now, meeting_id = admin.language, context.deps.clock.now(), data.meeting_id
    ended = Ended()
    with context.uow() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id else None
        problem: str | None = None
        title = meeting.title if meeting else ""
        zone = meeting.timezone if meeting else context.deps.timezone
        try:
            if meeting is None or meeting.status != "scheduled":
                raise MeetingError("not_scheduled")
            if isinstance(data, callbacks.MeetingCancel):
                meetings.cancel(session, meeting, now=now)
            elif isinstance(data, callbacks.MeetingMove):
                meeting_drafts.start_moving(session, author_id=admin.id, meeting=meeting, now=now)
                ended = end_other_conversations(session, context, admin, Conversation.MEETING)
        except MeetingError as error:
            problem = error.code
    if problem is not None:
        await query.answer(t_plain(lang, f"notulen.invalid.{problem}"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if isinstance(data, callbacks.MeetingAskCancel):
        yes = _plain_button(t(lang, "rapat.cancel_yes"), callbacks.MeetingCancel(meeting_id))
        await say(
            update, t(lang, "rapat.cancel_confirm", title=title), InlineKeyboardMarkup([[yes]])
        )
    elif isinstance(data, callbacks.MeetingCancel):
        context.deps.wake_delivery()
        await say(update, t(lang, "rapat.cancel_done", title=title))
    else:
        await say_ended(update, context, admin, ended)
        examples = _examples(lang, now, zone)
        await say(update, t(lang, "rapat.ask.move_date", title=title, **examples))


def _plain_button(label: str, data: callbacks.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.encode())


MeetingButton = (
    callbacks.MeetingClose
    | callbacks.MeetingAskCancel
    | callbacks.MeetingCancel
    | callbacks.MeetingMove
)
# The buttons under a chosen meeting (not of a draft), handled by ``meeting_action``.
MEETING_ACTIONS = (callbacks.MeetingAskCancel, callbacks.MeetingCancel, callbacks.MeetingMove)


async def start_closing(
    update: Update, context: BotContext, admin: Person, meeting_id: int | None
) -> None:
    query = update.callback_query
    assert query is not None and admin.id is not None
    lang, now = admin.language, context.deps.clock.now()
    with context.uow() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id else None
        try:
            if meeting is None:
                raise MeetingError("not_scheduled")
            meeting_drafts.start_closing(session, author_id=admin.id, meeting=meeting, now=now)
            ended = end_other_conversations(session, context, admin, Conversation.MEETING)
            problem: str | None = None
            title = meeting.title
        except MeetingError as error:
            problem, title, ended = error.code, "", Ended()
    if problem is not None:
        await query.answer(t_plain(lang, f"notulen.invalid.{problem}"), show_alert=True)
        return
    await query.answer()
    await say_ended(update, context, admin, ended)
    await say(update, t(lang, "notulen.ask", title=title))
