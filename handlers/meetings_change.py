"""Closing, cancelling and moving a meeting (admins): /notulen, /batalrapat, /pindahrapat.

Each starts from a menu of meetings; closing and moving continue with typed text (the
minutes; the new date and time), kept as a draft in the database (models.meeting_drafts).
A cancellation is asked again (Ya / Tidak), and a move is shown old → new with how many will
be told (Ya, pindahkan / Tidak): both tell everyone invited, so nothing happens on one tap.
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
from handlers.meeting_views import move_refused, reach_text
from handlers.people_view import EXAMPLE_AHEAD, date_examples, format_when, local_today
from models import audit, meeting_drafts, meetings
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
    lang = admin.language
    markup: InlineKeyboardMarkup | None = None
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None:
            return False
        stage = Stage(draft.stage)
        if stage == Stage.MINUTES:
            reply = _minutes(session, draft, now, text=message.text).render(lang)
        elif stage in (Stage.MOVE_DATE, Stage.MOVE_TIME):
            zone = draft.timezone or context.deps.timezone
            reply, markup = _move(
                session, draft, now, message.text, lang, _examples(lang, now, zone)
            )
        elif stage == Stage.MOVE_PREVIEW:
            # Text while the move waits for its buttons: the preview again, nothing moves.
            meeting = meeting_drafts.meeting_to_move(session, draft)
            if meeting is None:
                return False
            reply, markup = _move_preview(session, lang, draft, meeting, now)
        else:
            return False
    await say(update, reply, markup)
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


def _move(
    session: Session,
    draft: MeetingDraft,
    now: datetime,
    text: str,
    lang: str,
    examples: dict[str, str],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The new date, then the new time; then the preview (nothing has moved yet)."""
    try:
        meeting = meeting_drafts.move_answer(session, draft, text, now=now)
    except DraftError as error:
        return t(lang, f"rapat.invalid.{error.code}", **examples), None
    except MeetingError as error:
        return t(lang, f"rapat.invalid.meeting_{error.code}", **examples), None
    if meeting is None:
        return t(lang, "rapat.ask.time", **examples), None
    return _move_preview(session, lang, draft, meeting, now)


def _move_preview(
    session: Session, lang: str, draft: MeetingDraft, meeting: Meeting, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """Old → new time, the place, the new deadline and who will be told, with Ya / Tidak."""
    assert draft.starts_at is not None and draft.id is not None
    _, deadline = meetings.moved_times(meeting, draft.starts_at, now=now)
    reach = meetings.reach_of_invitees(session, meeting)
    text = t(
        lang,
        "rapat.move_preview",
        title=meeting.title,
        old=format_when(lang, meeting.starts_at, meeting.timezone),
        new=format_when(lang, draft.starts_at, meeting.timezone),
        deadline=format_when(lang, deadline, meeting.timezone),
        venue=meeting.venue,
        reach=reach_text(lang, reach, "invite.reach.by_bot"),
    )
    yes = callbacks.MeetingMoveConfirm(draft.id, draft.version)
    no = callbacks.MeetingMoveDrop(draft.id, draft.version)
    buttons = [
        [_plain_button(t(lang, "rapat.move_yes"), yes), _plain_button(t(lang, "rapat.no"), no)]
    ]
    return text, InlineKeyboardMarkup(buttons)


async def move_button(
    update: Update,
    context: BotContext,
    admin: Person,
    data: callbacks.MeetingMoveConfirm | callbacks.MeetingMoveDrop,
) -> None:
    """Ya, pindahkan (the meeting moves, everyone is told) or Tidak (nothing changes). A
    button of another preview, or of a move already decided, changes nothing."""
    query = update.callback_query
    assert query is not None and admin.id is not None
    lang, now = admin.language, context.deps.clock.now()
    reply = ""
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        current = (
            draft is not None
            and draft.stage == Stage.MOVE_PREVIEW.value
            and (data.draft_id, data.version) == (draft.id, draft.version)
        )
        if draft is not None and current and isinstance(data, callbacks.MeetingMoveDrop):
            meeting_drafts.discard(session, admin.id)
            reply = t(lang, "rapat.move_stopped")
        elif draft is not None and current:
            try:
                meeting = meeting_drafts.confirm_move(session, draft, now=now)
            except MeetingError as error:
                meeting_drafts.discard(session, admin.id)
                reply = move_refused(lang, error.code)
            else:
                when = format_when(lang, meeting.starts_at, meeting.timezone)
                reply = t(lang, "rapat.moved", title=meeting.title, when=when)
    if not current:
        await query.answer(t_plain(lang, "button.expired"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if isinstance(data, callbacks.MeetingMoveConfirm):
        context.deps.wake_delivery()
    await say(update, reply)


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
    data: callbacks.MeetingAskCancel
    | callbacks.MeetingCancel
    | callbacks.MeetingKeep
    | callbacks.MeetingMove,
) -> None:
    """Ask to confirm a cancellation; cancel, or keep the meeting (Tidak); start moving."""
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
                told = meetings.cancel(session, meeting, now=now)
                audit.record(
                    session,
                    act=audit.Act.MEETING_CANCEL,
                    via=audit.Via.CHAT,
                    now=now,
                    actor_id=admin.id,
                    target=f"meeting:{meeting.id}",
                    people=told,
                )
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
        no = _plain_button(t(lang, "rapat.no"), callbacks.MeetingKeep(meeting_id))
        await say(
            update,
            t(lang, "rapat.cancel_confirm", title=title),
            InlineKeyboardMarkup([[yes, no]]),
        )
    elif isinstance(data, callbacks.MeetingKeep):
        await say(update, t(lang, "rapat.cancel_kept", title=title))
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
    | callbacks.MeetingKeep
    | callbacks.MeetingMove
)
# The buttons under a chosen meeting (not of a draft), handled by ``meeting_action``.
MEETING_ACTIONS = (
    callbacks.MeetingAskCancel,
    callbacks.MeetingCancel,
    callbacks.MeetingKeep,
    callbacks.MeetingMove,
)
# The buttons of a move's preview, handled by ``move_button``.
MOVE_BUTTONS = (callbacks.MeetingMoveConfirm, callbacks.MeetingMoveDrop)


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
