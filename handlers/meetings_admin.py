"""/rapatbaru (admin): title → date → time → venue → deadline → audience → preview → send.

The draft lives in the database (models.meeting_drafts), so the conversation survives a
restart; each answer is validated there and a wrong one is asked again with an example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers import callbacks
from handlers.broadcast import audience_label
from handlers.context import BotContext
from handlers.i18n import language_of, t, t_plain
from handlers.people_view import format_when
from models import meeting_drafts, meetings, people
from models.meeting_drafts import DraftError, MeetingDraft, Stage
from models.meetings import (
    Meeting,
    MeetingError,
    awaiting_minutes,
    invitations_of,
    upcoming_meetings,
)
from models.people import Person

ROLES = ("all", "opd", "kader")
QUESTIONS = {
    Stage.TITLE: "rapat.ask.title",
    Stage.DATE: "rapat.ask.date",
    Stage.TIME: "rapat.ask.time",
    Stage.VENUE: "rapat.ask.venue",
    Stage.DEADLINE: "rapat.ask.deadline",
    Stage.AUDIENCE: "rapat.ask.audience",
}


def _button(lang: str, key: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, key), callback_data=callbacks.encode(callbacks.MEETING, *parts)
    )


def _admin(context: BotContext, update: Update) -> Person | None:
    user = update.effective_user
    if user is None:
        return None
    with context.uow() as session:
        person = people.by_telegram_user(session, user.id)
    return person if person is not None and person.is_admin else None


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text, reply_markup=markup)


def _keyboard(lang: str, stage: Stage, draft: MeetingDraft) -> InlineKeyboardMarkup | None:
    if stage == Stage.DEADLINE:
        return InlineKeyboardMarkup([[_button(lang, "rapat.deadline_at_start", "dl")]])
    if stage == Stage.AUDIENCE:
        return InlineKeyboardMarkup(
            [[_button(lang, f"rapat.aud_{role}", "a", role) for role in ROLES]]
        )
    if stage == Stage.PREVIEW:
        return InlineKeyboardMarkup(
            [
                [
                    _button(lang, "rapat.confirm", "ok", draft.id, draft.version + 1),
                    _button(lang, "rapat.cancel", "x"),
                ]
            ]
        )
    return None


async def _ask(update: Update, context: BotContext, admin: Person, draft: MeetingDraft) -> None:
    lang, stage = admin.language, Stage(draft.stage)
    if stage == Stage.PREVIEW:
        with context.uow() as session:
            label = audience_label(session, lang, draft.specs)
            count = len(meeting_drafts.audience.resolve(session, draft.specs.split(",")))
        assert draft.starts_at is not None and draft.rsvp_deadline is not None
        text = t(
            lang,
            "rapat.preview",
            title=draft.title,
            when=format_when(lang, draft.starts_at, draft.timezone),
            venue=draft.venue,
            deadline=format_when(lang, draft.rsvp_deadline, draft.timezone),
            audience=label,
            count=count,
        )
    else:
        text = t(lang, QUESTIONS[stage])
    await _say(update, text, _keyboard(lang, stage, draft))


async def rapatbaru(update: Update, context: BotContext) -> None:
    """/rapatbaru: start a new meeting (admins only)."""
    user = update.effective_user
    admin = _admin(context, update)
    if admin is None or admin.id is None:
        await _say(update, t(language_of(user.language_code if user else None), "admin.only"))
        return
    with context.uow() as session:
        draft = meeting_drafts.start(session, author_id=admin.id, now=context.deps.clock.now())
    await _ask(update, context, admin, draft)


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text while an admin writes a meeting; True when it was an answer."""
    message = update.effective_message
    admin = _admin(context, update)
    if message is None or not message.text or admin is None or admin.id is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None or draft.stage == Stage.PREVIEW.value:
            return False
        stage = Stage(draft.stage)
        if stage == Stage.MINUTES:
            outcome = _minutes(session, draft, now, text=message.text)
        elif stage in (Stage.MOVE_DATE, Stage.MOVE_TIME):
            moved = _move(session, draft, now, message.text)
    if stage == Stage.MINUTES:
        await _say(update, outcome.render(admin.language))
        return True
    if stage in (Stage.MOVE_DATE, Stage.MOVE_TIME):
        if moved.done:
            context.deps.wake_delivery()
        await _say(update, moved.render(admin.language))
        return True
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None:
            return False
        try:
            meeting_drafts.answer(
                session, draft, message.text, now=now, default_zone=context.deps.timezone
            )
        except DraftError as error:
            problem: str | None = error.code
        else:
            problem = None
    if problem is not None:
        await _say(
            update,
            t(admin.language, f"rapat.invalid.{problem}"),
            _keyboard(admin.language, stage, draft),
        )
        return True
    await _ask(update, context, admin, draft)
    return True


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
    admin = _admin(context, update)
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
    await _say(update, outcome.render(admin.language))
    return True


async def notulen(update: Update, context: BotContext) -> None:
    """/notulen: the held meetings still waiting for their minutes, as buttons."""
    await _meeting_menu(update, context, awaiting_minutes, "c", "notulen.choose", "notulen.none")


async def _meeting_menu(
    update: Update,
    context: BotContext,
    which: Callable[[Session, datetime], list[Meeting]],
    action: str,
    choose_key: str,
    none_key: str,
) -> None:
    """An admin picks a meeting: one button each, labelled with its title and time."""
    user = update.effective_user
    admin = _admin(context, update)
    if admin is None:
        await _say(update, t(language_of(user.language_code if user else None), "admin.only"))
        return
    lang = admin.language
    with context.uow() as session:
        found = which(session, context.deps.clock.now())
    if not found:
        await _say(update, t(lang, none_key))
        return
    rows = [
        [
            _plain_button(
                f"{m.title[:40]} ({format_when(lang, m.starts_at, m.timezone)})", action, m.id
            )
        ]
        for m in found
    ]
    await _say(update, t(lang, choose_key), InlineKeyboardMarkup(rows))


@dataclass(frozen=True)
class Moved:
    """A step of moving a meeting: the next question, a re-ask, or the moved meeting."""

    key: str
    title: str = ""
    done: bool = False
    starts_at: datetime | None = None
    zone: str = ""

    def render(self, lang: str) -> str:
        when = format_when(lang, self.starts_at, self.zone) if self.starts_at else ""
        return t(lang, self.key, title=self.title, when=when)


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
        update, context, upcoming_meetings, "cx", "rapat.choose_cancel", "rapat.none_upcoming"
    )


async def pindahrapat(update: Update, context: BotContext) -> None:
    """/pindahrapat: move an upcoming meeting to a new date and time."""
    await _meeting_menu(
        update, context, upcoming_meetings, "mv", "rapat.choose_move", "rapat.none_upcoming"
    )


async def _meeting_action(
    update: Update, context: BotContext, admin: Person, data: callbacks.Callback
) -> None:
    """cx: ask to confirm a cancellation; cy: cancel; mv: start moving."""
    query = update.callback_query
    assert query is not None and admin.id is not None
    lang, now, action = admin.language, context.deps.clock.now(), data.part(0)
    meeting_id = data.int_part(1)
    with context.uow() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id else None
        problem: str | None = None
        title = meeting.title if meeting else ""
        try:
            if meeting is None or meeting.status != "scheduled":
                raise MeetingError("not_scheduled")
            if action == "cy":
                meetings.cancel(session, meeting, now=now)
            elif action == "mv":
                meeting_drafts.start_moving(session, author_id=admin.id, meeting=meeting, now=now)
        except MeetingError as error:
            problem = error.code
    if problem is not None:
        await query.answer(t_plain(lang, f"notulen.invalid.{problem}"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if action == "cx":
        yes = _plain_button(t(lang, "rapat.cancel_yes"), "cy", meeting_id)
        await _say(
            update, t(lang, "rapat.cancel_confirm", title=title), InlineKeyboardMarkup([[yes]])
        )
    elif action == "cy":
        context.deps.wake_delivery()
        await _say(update, t(lang, "rapat.cancel_done", title=title))
    else:
        await _say(update, t(lang, "rapat.ask.move_date", title=title))


def _plain_button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.MEETING, *parts))


@dataclass(frozen=True)
class Applied:
    """What a button did: a problem code to re-ask with, or the meeting it created."""

    problem: str | None = None
    meeting_id: int | None = None
    code: str = ""
    invited: int = 0


def _apply(
    session: Session, draft: MeetingDraft, data: callbacks.Callback, now: datetime
) -> Applied:
    action = data.part(0)
    try:
        if action == "dl" and draft.stage == Stage.DEADLINE.value:
            meeting_drafts.set_deadline(session, draft, None, now=now)
        elif action == "a" and draft.stage == Stage.AUDIENCE.value and data.part(1) in ROLES:
            meeting_drafts.choose_audience(session, draft, [str(data.part(1))], now=now)
        elif action == "ok" and draft.stage == Stage.PREVIEW.value:
            # The preview's button carries the draft's version: an older preview cannot
            # create a meeting that has changed since it was shown.
            if data.int_part(1) != draft.id or data.int_part(2) != draft.version + 1:
                return Applied("stale")
            meeting = meeting_drafts.confirm(session, draft, now=now)
            invited = len(invitations_of(session, meeting))
            return Applied(None, meeting.id, meeting.attendance_code, invited)
        else:
            return Applied("stale")
    except DraftError as error:
        return Applied(error.code)
    except MeetingError as error:  # the meeting's own rules, checked again at creation
        return Applied(f"meeting_{error.code}")
    return Applied()


async def button(update: Update, context: BotContext) -> None:
    """The deadline, audience, confirm and cancel buttons of /rapatbaru."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    admin = _admin(context, update)
    lang = admin.language if admin else language_of(update.effective_user.language_code)
    data = callbacks.decode(query.data)
    if admin is None or admin.id is None:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    now = context.deps.clock.now()
    if data is not None and data.part(0) == "c":
        await _start_closing(update, context, admin, data.int_part(1))
        return
    if data is not None and data.part(0) in ("cx", "cy", "mv"):
        await _meeting_action(update, context, admin, data)
        return
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        cancelled = draft is not None and data is not None and data.part(0) == "x"
        if cancelled:
            meeting_drafts.discard(session, admin.id)
        applied = (
            _apply(session, draft, data, now)
            if draft is not None and data is not None and not cancelled
            else None
        )
    if draft is None or data is None:
        await query.answer(t_plain(lang, "button.expired"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if cancelled or applied is None:
        await _say(update, t(lang, "rapat.cancelled"))
    elif applied.meeting_id is not None:
        context.deps.wake_delivery()
        await _say(
            update,
            t(
                lang,
                "rapat.created",
                id=applied.meeting_id,
                code=applied.code,
                count=applied.invited,
            ),
        )
    else:
        if applied.problem is not None:
            await _say(update, t(lang, f"rapat.invalid.{applied.problem}"))
        await _ask(update, context, admin, draft)


async def _start_closing(
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
            problem: str | None = None
            title = meeting.title
        except MeetingError as error:
            problem, title = error.code, ""
    if problem is not None:
        await query.answer(t_plain(lang, f"notulen.invalid.{problem}"), show_alert=True)
        return
    await query.answer()
    await _say(update, t(lang, "notulen.ask", title=title))


async def cancel_draft(update: Update, context: BotContext) -> bool:
    """/batal while writing a meeting. True when there was a draft."""
    admin = _admin(context, update)
    if admin is None or admin.id is None:
        return False
    with context.uow() as session:
        dropped = meeting_drafts.discard(session, admin.id)
    if dropped is None:
        return False
    key = {
        Stage.MINUTES: "notulen.stopped",
        Stage.MOVE_DATE: "rapat.move_stopped",
        Stage.MOVE_TIME: "rapat.move_stopped",
    }.get(dropped, "rapat.cancelled")
    await _say(update, t(admin.language, key))
    return True
