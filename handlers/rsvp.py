"""Answering invitations: the three buttons, the representative's and the reason's steps,
typed replies (HADIR, WAKIL <nama>, TIDAK <alasan>) and /undangan."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Message, Update

from handlers import callbacks
from handlers.chat import end_other_conversations, person_of, say, say_ended
from handlers.context import BotContext
from handlers.i18n import language_of, t, t_plain
from handlers.meeting_views import (
    ANSWERS,
    answer_label,
    invitation_keyboard,
    invitation_text,
    skip_keyboard,
)
from handlers.people_view import format_when
from models import meetings, rsvp
from models.conversations import Conversation, Ended
from models.meetings import Meeting
from models.people import Person
from models.rsvp import Outcome, Result, Step

STEP_ASKS = {
    Step.REP_NAME: "rsvp.ask.rep_name",
    Step.REP_POSITION: "rsvp.ask.rep_position",
    Step.REP_PHONE: "rsvp.ask.rep_phone",
    Step.REASON: "rsvp.ask.reason",
}


async def _tell(update: Update, context: BotContext, person: Person, result: Result) -> None:
    """Render what the domain decided: the saved answer, the next question, or why not."""
    lang, meeting, invitation = person.language, result.meeting, result.invitation
    if result.outcome == Outcome.SAVED and meeting and invitation:
        deadline = format_when(lang, meeting.rsvp_deadline, meeting.timezone)
        answer = answer_label(lang, invitation)
        await say(
            update, t(lang, "rsvp.saved", title=meeting.title, answer=answer, deadline=deadline)
        )
        if result.late_decline:
            _alert_organiser(context, person, meeting, invitation.reason)
    elif result.outcome in (Outcome.ASK, Outcome.INVALID) and meeting and invitation:
        key = (
            STEP_ASKS[result.step]
            if result.outcome == Outcome.ASK
            else f"rsvp.invalid.{result.step.value}"
        )
        name = invitation.pending_name or invitation.representative_name
        text = t(lang, key, title=meeting.title, name=name)
        skippable = result.step in (Step.REP_PHONE, Step.REASON)
        await say(update, text, skip_keyboard(lang, invitation) if skippable else None)
    elif result.outcome == Outcome.WHICH:
        await say(update, t(lang, "rsvp.which", count=len(result.choices)))
        for choice, choice_meeting in result.choices:
            await say(
                update,
                invitation_text(lang, choice_meeting, choice, context.deps.body_name),
                invitation_keyboard(lang, choice),
            )
    elif result.outcome == Outcome.NO_OPEN:
        await say(update, t(lang, "rsvp.no_open"))
    elif result.outcome in (Outcome.DEADLINE_PASSED, Outcome.CANCELLED):
        await say(update, t(lang, f"rsvp.{result.outcome.value}"))


def _alert_organiser(context: BotContext, person: Person, meeting: Meeting, reason: str) -> None:
    """A late decline reaches the organisers through the delivery engine at once."""
    with context.uow() as session:
        meetings.alert_late_decline(session, meeting, person, reason, now=context.deps.clock.now())
    context.deps.wake_delivery()


async def button(update: Update, context: BotContext) -> None:
    """Hadir / Diwakilkan / Tidak hadir / Lewati under an invitation."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    person = person_of(context, update)
    data = callbacks.RsvpButton.decode(query.data)
    invitation_id = data.invitation_id if data else None
    code = data.code if data else None
    if person is None or not invitation_id or code not in (*ANSWERS, "s", "o"):
        await query.answer(
            t_plain(language_of(update.effective_user.language_code), "button.expired")
        )
        return
    now = context.deps.clock.now()
    if code == "o":
        await _open(update, context, person, invitation_id)
        return
    with context.uow() as session:
        if code == "s":
            result = rsvp.skip_step(session, invitation_id=invitation_id, person=person, now=now)
        else:
            result = rsvp.choose(
                session, invitation_id=invitation_id, person=person, answer=ANSWERS[code], now=now
            )
        ended = _asking(session, context, person, result)
    lang = person.language
    if result.outcome == Outcome.NOT_YOURS:
        await query.answer(t_plain(lang, "button.expired"))
        return
    if result.outcome in (Outcome.DEADLINE_PASSED, Outcome.CANCELLED):
        await query.answer(t_plain(lang, f"rsvp.{result.outcome.value}"), show_alert=True)
        return
    await query.answer()
    if code == "s" and isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    await say_ended(update, context, person, ended)
    await _tell(update, context, person, result)


def _asking(session: Session, context: BotContext, person: Person, result: Result) -> Ended:
    """An answer that asks for a name or a reason is a conversation: it ends the one before."""
    if result.outcome != Outcome.ASK:
        return Ended()
    return end_other_conversations(session, context, person, Conversation.ANSWER)


async def _open(update: Update, context: BotContext, person: Person, invitation_id: int) -> None:
    """A nudge's button: show that invitation again, with its answer buttons."""
    query = update.callback_query
    assert query is not None
    lang = person.language
    with context.uow() as session:
        choices = rsvp.open_invitations(session, person, now=context.deps.clock.now())
    found = [(i, m) for i, m in choices if i.id == invitation_id]
    if not found:
        await query.answer(t_plain(lang, "rsvp.deadline_passed"), show_alert=True)
        return
    await query.answer()
    invitation, meeting = found[0]
    await say(
        update,
        invitation_text(lang, meeting, invitation, context.deps.body_name),
        invitation_keyboard(lang, invitation),
    )


async def typed(update: Update, context: BotContext) -> bool:
    """Typed text from a registered person: an answer step, or HADIR / WAKIL / TIDAK.
    True when it was an answer."""
    return await _typed(update, context, step=True)


async def typed_keyword(update: Update, context: BotContext) -> bool:
    """HADIR / WAKIL / TIDAK typed while no answer is in progress (the router knows)."""
    message = update.effective_message
    if message is None or not message.text or rsvp.parse_typed(message.text) is None:
        return False  # most typed text is not an answer: no database work for it
    return await _typed(update, context, step=False)


async def _typed(update: Update, context: BotContext, *, step: bool) -> bool:
    message = update.effective_message
    if message is None or not message.text:
        return False
    person = person_of(context, update)
    if person is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        result = (
            rsvp.answer_step(session, person=person, text=message.text, now=now) if step else None
        )
        ended = Ended()  # the next step of an answer in progress starts nothing new
        if result is None:
            parsed = rsvp.parse_typed(message.text)
            if parsed is not None:
                answer, detail = parsed
                result = rsvp.answer_typed(
                    session, person=person, answer=answer, detail=detail, now=now
                )
                ended = _asking(session, context, person, result)
    if result is None:
        return False
    await say_ended(update, context, person, ended)
    await _tell(update, context, person, result)
    return True


async def my_invitations(update: Update, context: BotContext) -> None:
    """/undangan: every invitation still open, each with its buttons."""
    person = person_of(context, update)
    if person is None:
        user = update.effective_user
        await say(update, t(language_of(user.language_code if user else None), "register.prompt"))
        return
    await show_open_invitations(update, context, person)


async def show_open_invitations(
    update: Update, context: BotContext, person: Person, *, quiet_when_none: bool = False
) -> None:
    """Every invitation still open, each with its buttons (/undangan, and after registering)."""
    lang = person.language
    with context.uow() as session:
        choices = rsvp.open_invitations(session, person, now=context.deps.clock.now())
    if not choices:
        if not quiet_when_none:
            await say(update, t(lang, "rsvp.no_open"))
        return
    await say(update, t(lang, "undangan.header", count=len(choices)))
    for invitation, meeting in choices:
        await say(
            update,
            invitation_text(lang, meeting, invitation, context.deps.body_name),
            invitation_keyboard(lang, invitation),
        )


async def stop_typing(update: Update, context: BotContext) -> bool:
    """/batal in the middle of an answer. True when there was one."""
    person = person_of(context, update)
    if person is None:
        return False
    with context.uow() as session:
        stopped = rsvp.stop_typing(session, person)
    if stopped:
        await say(update, t(person.language, "rsvp.stopped"))
    return stopped
