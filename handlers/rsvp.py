"""Answering invitations: the three buttons, the representative's and the reason's steps,
typed replies (HADIR, WAKIL <nama>, TIDAK <alasan>) and /undangan.

The steps are written once against the ``Chat`` port (``on_*``, ``show_open_invitations``) and
serve both channels; the Telegram handlers at the end only wrap an ``Update`` into a chat.
"""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import Update

from handlers import callbacks
from handlers.action_views import invitation_card
from handlers.chat import end_other_conversations, say_ended_in
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
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import meetings, rsvp
from models.conversations import Conversation, Ended
from models.meetings import Invitation, Meeting
from models.people import Person
from models.rsvp import Outcome, Result, Step

STEP_ASKS = {
    Step.REP_NAME: "rsvp.ask.rep_name",
    Step.REP_POSITION: "rsvp.ask.rep_position",
    Step.REP_PHONE: "rsvp.ask.rep_phone",
    Step.REASON: "rsvp.ask.reason",
}

log = logging.getLogger(__name__)


async def _tell(chat: Chat, env: Env, person: Person, result: Result) -> None:
    """Render what the domain decided: the saved answer, the next question, or why not."""
    lang, meeting, invitation = person.language, result.meeting, result.invitation
    if result.outcome == Outcome.SAVED and meeting and invitation:
        deadline = format_when(lang, meeting.rsvp_deadline, meeting.timezone)
        answer = answer_label(lang, invitation)
        await chat.say(t(lang, "rsvp.saved", title=meeting.title, answer=answer, deadline=deadline))
        if result.late_decline:
            _alert_organiser(env, person, meeting, invitation.reason)
    elif result.outcome in (Outcome.ASK, Outcome.INVALID) and meeting and invitation:
        key = (
            STEP_ASKS[result.step]
            if result.outcome == Outcome.ASK
            else f"rsvp.invalid.{result.step.value}"
        )
        name = invitation.pending_name or invitation.representative_name
        text = t(lang, key, title=meeting.title, name=name)
        skippable = result.step in (Step.REP_PHONE, Step.REASON)
        await chat.say(text, skip_keyboard(lang, invitation) if skippable else None)
    elif result.outcome == Outcome.WHICH:
        await chat.say(t(lang, "rsvp.which", count=len(result.choices)))
        for choice, choice_meeting in result.choices:
            await chat.say(
                invitation_text(lang, choice_meeting, choice, env.deps.body_name),
                invitation_keyboard(lang, choice),
            )
    elif result.outcome == Outcome.NO_OPEN:
        await chat.say(t(lang, "rsvp.no_open"))
    elif result.outcome == Outcome.STOPPED:
        await chat.say(t(lang, "rsvp.stopped"))
    elif result.outcome == Outcome.UNCHANGED and invitation:
        answer = t(lang, f"rsvp.answer.{invitation.answer}")
        await chat.say(t(lang, "rsvp.unchanged", answer=answer))
    elif result.outcome in (Outcome.DEADLINE_PASSED, Outcome.CANCELLED):
        await chat.say(t(lang, f"rsvp.{result.outcome.value}"))


def _alert_organiser(env: Env, person: Person, meeting: Meeting, reason: str) -> None:
    """A late decline reaches the organisers through the delivery engine at once."""
    with env.uow() as session:
        meetings.alert_late_decline(session, meeting, person, reason, now=env.deps.clock.now())
    env.deps.wake_delivery()


async def on_button(chat: Chat, env: Env, data: callbacks.RsvpButton | None) -> None:
    """Hadir / Diwakilkan / Tidak hadir / Lewati under an invitation (or a nudge's Buka)."""
    person = env.person_of(chat.account)
    invitation_id = data.invitation_id if data else None
    code = data.code if data else None
    if person is None or not invitation_id or code not in (*ANSWERS, "s", "o"):
        await chat.ack(t_plain(language_of(chat.language_hint), "button.expired"))
        return
    now = env.deps.clock.now()
    if code == "o":
        await _open(chat, env, person, invitation_id)
        return
    with env.uow() as session:
        if code == "s":
            result = rsvp.skip_step(session, invitation_id=invitation_id, person=person, now=now)
        else:
            result = rsvp.choose(
                session, invitation_id=invitation_id, person=person, answer=ANSWERS[code], now=now
            )
        ended = _asking(session, env, person, result)
    lang = person.language
    if result.outcome == Outcome.NOT_YOURS:
        await chat.ack(t_plain(lang, "button.expired"))
        return
    if result.outcome in (Outcome.DEADLINE_PASSED, Outcome.CANCELLED):
        await chat.ack(t_plain(lang, f"rsvp.{result.outcome.value}"), alert=True)
        return
    if result.outcome == Outcome.UNCHANGED and result.invitation is not None:
        answer = t_plain(lang, f"rsvp.answer.{result.invitation.answer}")
        await chat.ack(t_plain(lang, "rsvp.unchanged", answer=answer))
        await chat.show_buttons(invitation_keyboard(lang, result.invitation))
        return
    await chat.ack()
    if code == "s":
        await chat.buttons_used()
    elif result.invitation is not None:
        # The invitation shows the stored answer; while another is being typed, none.
        marked = result.outcome == Outcome.SAVED
        await chat.show_buttons(invitation_keyboard(lang, result.invitation, marked=marked))
    await say_ended_in(chat, env, person, ended)
    await _tell(chat, env, person, result)


def _asking(session: Session, env: Env, person: Person, result: Result) -> Ended:
    """An answer that asks for a name or a reason (again, when the typed one did not fit) is
    a conversation: it ends the one before."""
    if result.outcome not in (Outcome.ASK, Outcome.INVALID):
        return Ended()
    return end_other_conversations(session, env, person, Conversation.ANSWER)


async def _open(chat: Chat, env: Env, person: Person, invitation_id: int) -> None:
    """A nudge's button: show that invitation again, with its answer buttons."""
    lang = person.language
    with env.uow() as session:
        choices = rsvp.open_invitations(session, person, now=env.deps.clock.now())
    found = [(i, m) for i, m in choices if i.id == invitation_id]
    if not found:
        await chat.ack(t_plain(lang, "rsvp.deadline_passed"), alert=True)
        return
    await chat.ack()
    invitation, meeting = found[0]
    await chat.say(
        invitation_text(lang, meeting, invitation, env.deps.body_name),
        invitation_keyboard(lang, invitation),
    )


async def on_typed(chat: Chat, env: Env, text: str, *, step: bool = True) -> bool:
    """Typed text from a registered person: an answer step (``step``), or HADIR / WAKIL /
    TIDAK. True when it was an answer."""
    if not text:
        return False
    if not step and rsvp.parse_typed(text) is None:
        return False  # most typed text is not an answer: no database work for it
    person = env.person_of(chat.account)
    if person is None:
        return False
    now = env.deps.clock.now()
    with env.uow() as session:
        result = rsvp.answer_step(session, person=person, text=text, now=now) if step else None
        ended = Ended()  # the next step of an answer in progress starts nothing new
        if result is None:
            parsed = rsvp.parse_typed(text)
            if parsed is not None:
                answer, detail = parsed
                result = rsvp.answer_typed(
                    session, person=person, answer=answer, detail=detail, now=now
                )
                ended = _asking(session, env, person, result)
    if result is None:
        return False
    await say_ended_in(chat, env, person, ended)
    await _tell(chat, env, person, result)
    return True


async def show_open_invitations(
    chat: Chat, env: Env, person: Person, *, registering: bool = False
) -> None:
    """Every invitation still open, each with its buttons (/undangan).

    ``registering``: the invitations waiting for someone who just linked an app, as the one
    delivery of each (``rsvp.take_from_queue``): those not delivered yet, their queued copies
    taken out of the queue, and nothing said when there are none."""
    lang = person.language
    handover = rsvp.Handover((), ())
    now = env.deps.clock.now()
    with env.uow() as session:
        choices = rsvp.open_invitations(session, person, now=now)
        if registering:
            handover = rsvp.take_from_queue(session, person, choices, now=now)
            choices = list(handover.show)
    if not choices:
        if not registering:
            await chat.say(t(lang, "rsvp.no_open"))
        return
    shown: list[tuple[Invitation, Meeting]] = []
    try:
        with env.uow() as session:  # each card as the queue would have sent it
            cards = [
                invitation_card(session, lang, m, i, person, env.deps.body_name, now=now)
                for i, m in choices
            ]
        await chat.say(t(lang, "undangan.header", count=len(choices)))
        for card, choice in zip(cards, choices, strict=True):
            await chat.say(card.text, card.buttons)
            shown.append(choice)
    finally:
        # What went is delivered (a failed send is not); what did not, the queue delivers.
        unshown = {m.subject for _, m in choices} - {m.subject for _, m in shown}
        back = handover.taken_for(unshown)
        try:
            with env.uow() as session:
                rsvp.mark_shown(session, [i.id for i, _ in shown if i.id is not None], now=now)
                rsvp.give_back(session, back, now=env.deps.clock.now())
        except Exception:  # the error that brought us here, if any, is the one to raise
            log.exception("could not record which invitation cards were shown")
        if back:
            env.deps.wake_delivery()


async def on_my_invitations(chat: Chat, env: Env) -> None:
    """/undangan (UNDANGAN on WhatsApp)."""
    person = env.person_of(chat.account)
    if person is None:
        await chat.say(t(language_of(chat.language_hint), "register.prompt"))
        return
    await show_open_invitations(chat, env, person)


async def on_stop(chat: Chat, env: Env) -> bool:
    """/batal in the middle of an answer. True when there was one."""
    person = env.person_of(chat.account)
    if person is None:
        return False
    with env.uow() as session:
        stopped = rsvp.stop_typing(session, person)
    if stopped:
        await chat.say(t(person.language, "rsvp.stopped"))
    return stopped


# -- Telegram ------------------------------------------------------------------------------


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    await on_button(TelegramChat(update, context), context, callbacks.RsvpButton.decode(query.data))


async def typed(update: Update, context: BotContext) -> bool:
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return False
    return await on_typed(TelegramChat(update, context), context, message.text, step=True)


async def typed_keyword(update: Update, context: BotContext) -> bool:
    """HADIR / WAKIL / TIDAK typed while no answer is in progress (the router knows)."""
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return False
    return await on_typed(TelegramChat(update, context), context, message.text, step=False)


async def my_invitations(update: Update, context: BotContext) -> None:
    if update.effective_user is not None:
        await on_my_invitations(TelegramChat(update, context), context)


async def stop_typing(update: Update, context: BotContext) -> bool:
    if update.effective_user is None:
        return False
    return await on_stop(TelegramChat(update, context), context)
