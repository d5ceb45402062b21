"""/rapatbaru (admin): title → date → time → venue → deadline → audience → preview → send.

Closing, cancelling and moving a meeting are in ``handlers.meetings_change``; /batal and the
buttons of both come through here.

The draft lives in the database (models.meeting_drafts), so the conversation survives a
restart; each answer is validated there and a wrong one is asked again with an example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers import callbacks, meetings_change
from handlers.broadcast import audience_label
from handlers.chat import (
    admin_of,
    end_other_conversations,
    reply_language,
    say,
    say_ended,
    with_lead,
)
from handlers.context import BotContext
from handlers.i18n import t, t_plain
from handlers.meeting_views import reach_text
from handlers.people_view import EXAMPLE_AHEAD, date_examples, format_when, local_today
from models import meeting_drafts
from models.conversations import Conversation
from models.meeting_drafts import DraftError, MeetingDraft, Stage
from models.meetings import MeetingError, reach_of_invitees
from models.people import Person, Reach, goes_as_template

ROLES = ("all", "opd", "kader")
QUESTIONS = {
    Stage.TITLE: "rapat.ask.title",
    Stage.DATE: "rapat.ask.date",
    Stage.TIME: "rapat.ask.time",
    Stage.VENUE: "rapat.ask.venue",
    Stage.DEADLINE: "rapat.ask.deadline",
    Stage.AUDIENCE: "rapat.ask.audience",
}


def _button(lang: str, key: str, data: callbacks.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, key), callback_data=data.encode())


def _keyboard(lang: str, stage: Stage, draft: MeetingDraft) -> InlineKeyboardMarkup | None:
    draft_id, version = draft.id or 0, draft.version
    if stage == Stage.DEADLINE:
        deadline = callbacks.MeetingDeadlineAtStart(draft_id, version)
        return InlineKeyboardMarkup([[_button(lang, "rapat.deadline_at_start", deadline)]])
    if stage == Stage.AUDIENCE:
        return InlineKeyboardMarkup(
            [
                [
                    _button(
                        lang,
                        f"rapat.aud_{role}",
                        callbacks.MeetingAudience(role, draft_id, version),
                    )
                    for role in ROLES
                ]
            ]
        )
    if stage == Stage.PREVIEW:
        return InlineKeyboardMarkup(
            [
                [
                    _button(lang, "rapat.confirm", callbacks.MeetingConfirm(draft_id, version + 1)),
                    _button(lang, "rapat.cancel", callbacks.MeetingDrop(draft_id, version)),
                ]
            ]
        )
    return None


async def _ask(
    update: Update, context: BotContext, admin: Person, draft: MeetingDraft, *, lead: str = ""
) -> None:
    """The step's question with its buttons; ``lead`` says first what was wrong (one message)."""
    lang, stage = admin.language, Stage(draft.stage)
    if stage == Stage.PREVIEW:
        with context.uow() as session:
            label = audience_label(session, lang, draft.specs)
            invitees = meeting_drafts.audience.resolve(session, draft.specs.split(","))
            now = context.deps.clock.now()
            templates = sum(1 for person in invitees if goes_as_template(person, now))
            count = len(invitees)
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
            templates=t(lang, "preview.templates", count=templates) if templates else "",
        )
    else:
        text = t(lang, QUESTIONS[stage], **_examples(context, lang, draft))
    await say(update, with_lead(lead, text), _keyboard(lang, stage, draft))


def _examples(context: BotContext, lang: str, draft: MeetingDraft) -> dict[str, str]:
    """The dated examples of the date and deadline steps: a week from today for the day, the
    eve of the meeting (or its day, when that is today or tomorrow) for the deadline."""
    today = local_today(context.deps.clock.now(), draft.timezone or context.deps.timezone)
    day = today + EXAMPLE_AHEAD
    if draft.day is not None and Stage(draft.stage) != Stage.DATE:
        day = max(today, draft.day - timedelta(days=1))
    return date_examples(lang, day)


async def rapatbaru(update: Update, context: BotContext) -> None:
    """/rapatbaru: start a new meeting (admins only)."""
    admin = admin_of(context, update)
    if admin is None or admin.id is None:
        await say(update, t(reply_language(context, update), "admin.only"))
        return
    with context.uow() as session:
        ended = end_other_conversations(session, context, admin, Conversation.MEETING)
        draft = meeting_drafts.start(session, author_id=admin.id, now=context.deps.clock.now())
    await say_ended(update, context, admin, ended)
    await _ask(update, context, admin, draft)


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text while an admin writes a meeting; True when it was an answer."""
    message = update.effective_message
    admin = admin_of(context, update)
    if message is None or not message.text or admin is None or admin.id is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        if draft is None or Stage(draft.stage) not in QUESTIONS:
            return False  # no draft, the preview (buttons), or closing/moving (meetings_change)
        stage = Stage(draft.stage)
        try:
            meeting_drafts.answer(
                session, draft, message.text, now=now, default_zone=context.deps.timezone
            )
        except DraftError as error:
            problem: str | None = error.code
        else:
            problem = None
    if problem is not None:
        await say(
            update,
            t(
                admin.language,
                f"rapat.invalid.{problem}",
                **_examples(context, admin.language, draft),
            ),
            _keyboard(admin.language, stage, draft),
        )
        return True
    await _ask(update, context, admin, draft)
    return True


@dataclass(frozen=True)
class Applied:
    """What a button did: a problem code to re-ask with, or the meeting it created."""

    problem: str | None = None
    meeting_id: int | None = None
    code: str = ""
    reach: Reach = field(default_factory=Reach)


def _apply(
    session: Session, draft: MeetingDraft, data: callbacks.CallbackData, now: datetime
) -> Applied:
    # Every button names its draft and step: one from an older draft or step acts on nothing.
    try:
        match data:
            case callbacks.MeetingDeadlineAtStart(draft_id=draft_id, version=version) if (
                draft_id,
                version,
            ) == (draft.id, draft.version) and draft.stage == Stage.DEADLINE.value:
                meeting_drafts.set_deadline(session, draft, None, now=now)
            case callbacks.MeetingAudience(role=role, draft_id=draft_id, version=version) if (
                (draft_id, version) == (draft.id, draft.version)
                and draft.stage == Stage.AUDIENCE.value
                and role in ROLES
            ):
                meeting_drafts.choose_audience(session, draft, [role], now=now)
            case callbacks.MeetingConfirm(draft_id=draft_id, shown=shown) if (
                draft.stage == Stage.PREVIEW.value
            ):
                # The preview's button carries the draft's version: an older preview cannot
                # create a meeting that has changed since it was shown.
                if (draft_id, shown) != (draft.id, draft.version + 1):
                    return Applied("stale")
                meeting = meeting_drafts.confirm(session, draft, now=now)
                reach = reach_of_invitees(session, meeting)
                return Applied(None, meeting.id, meeting.attendance_code, reach)
            case _:
                return Applied("stale")
    except DraftError as error:
        return Applied(error.code)
    except MeetingError as error:  # the meeting's own rules, checked again at creation
        return Applied(f"meeting_{error.code}")
    return Applied()


BUTTONS: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.MeetingDeadlineAtStart,
    callbacks.MeetingAudience,
    callbacks.MeetingConfirm,
    callbacks.MeetingDrop,
    callbacks.MeetingClose,
    callbacks.MeetingAskCancel,
    callbacks.MeetingCancel,
    callbacks.MeetingKeep,
    callbacks.MeetingMove,
    callbacks.MeetingMoveConfirm,
    callbacks.MeetingMoveDrop,
)


async def button(update: Update, context: BotContext) -> None:
    """The deadline, audience, confirm and cancel buttons of /rapatbaru."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    admin = admin_of(context, update)
    lang = reply_language(context, update)
    data = callbacks.parse(query.data, *BUTTONS)
    if admin is None or admin.id is None:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    now = context.deps.clock.now()
    if isinstance(data, callbacks.MeetingClose):
        await meetings_change.start_closing(update, context, admin, data.meeting_id)
        return
    if isinstance(data, meetings_change.MEETING_ACTIONS):
        await meetings_change.meeting_action(update, context, admin, data)
        return
    if isinstance(data, meetings_change.MOVE_BUTTONS):
        await meetings_change.move_button(update, context, admin, data)
        return
    with context.uow() as session:
        draft = meeting_drafts.draft_of(session, admin.id, now=now)
        cancelled = (
            draft is not None
            and isinstance(data, callbacks.MeetingDrop)
            and (data.draft_id, data.version) == (draft.id, draft.version)
        )
        if cancelled:
            meeting_drafts.discard(session, admin.id)
        applied = (
            _apply(session, draft, data, now)
            if draft is not None and data is not None and not cancelled
            else None
        )
    stale = applied is not None and applied.problem == "stale"
    if draft is None or data is None or (stale and not isinstance(data, callbacks.MeetingConfirm)):
        # An old message's button (another draft, an earlier step): it changes nothing.
        await query.answer(t_plain(lang, "button.expired"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if cancelled or applied is None:
        await say(update, t(lang, "rapat.cancelled"))
    elif applied.meeting_id is not None:
        context.deps.wake_delivery()
        await say(
            update,
            t(
                lang,
                "rapat.created",
                id=applied.meeting_id,
                code=applied.code,
                reach=reach_text(lang, applied.reach),
            ),
        )
    else:
        lead = ""
        if applied.problem is not None:
            lead = t(lang, f"rapat.invalid.{applied.problem}", **_examples(context, lang, draft))
        await _ask(update, context, admin, draft, lead=lead)


async def cancel_draft(update: Update, context: BotContext) -> bool:
    """/batal while writing a meeting. True when there was a draft."""
    admin = admin_of(context, update)
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
        Stage.MOVE_PREVIEW: "rapat.move_stopped",
    }.get(dropped, "rapat.cancelled")
    await say(update, t(admin.language, key))
    return True
