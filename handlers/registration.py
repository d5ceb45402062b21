"""Registration: /start, consent, contact sharing, details of unknown numbers, admin decisions.

Every step's state lives in our tables (consent records, registration requests), not in a
ConversationHandler, so a restart between two taps loses nothing and the buttons stay valid.
Which step comes next is the domain's decision (``registration.stage_of``); this module only
renders it.
"""

from __future__ import annotations

import logging

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.error import TelegramError

from handlers import callbacks, checkin, keyboards, rsvp
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.people_view import organization_label, role_label
from models import people, registration
from models.people import Person, Role
from models.registration import Decision, Outcome, Stage

log = logging.getLogger(__name__)


def _lang_of_user(update: Update, person: Person | None = None) -> str:
    if person is not None:
        return person.language
    user = update.effective_user
    return language_of(user.language_code if user else None)


async def _reply(update: Update, text: str, **kwargs: object) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, **kwargs)  # type: ignore[arg-type]


def _linked_text(context: BotContext, person: Person) -> Markup:
    with context.uow() as session:
        organization = organization_label(session, person.language, person)
    return t(
        person.language,
        "register.linked",
        name=person.name,
        role=role_label(person.language, person.role),
        organization=organization,
    )


async def _welcome(update: Update, context: BotContext, person: Person) -> None:
    """Tell a newly linked person who they are and show the invitations already waiting for
    them (sent while they were not registered); an admin also gets the requests waiting."""
    await _reply(update, _linked_text(context, person), reply_markup=ReplyKeyboardRemove())
    await rsvp.show_open_invitations(update, context, person, quiet_when_none=True)
    if not person.is_admin:
        return
    with context.uow() as session:
        waiting = registration.pending_requests(session)
    for request in waiting:
        await _tell_admins(context, request, [person])


async def _notice(update: Update, context: BotContext, lang: str, token: str | None = None) -> None:
    body = context.deps.body_name
    await _reply(
        update, t(lang, "privacy.notice", body=body), reply_markup=keyboards.consent(lang, token)
    )


async def start(update: Update, context: BotContext) -> None:
    """/start, optionally with a deep-link payload (an invite token)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    token = context.args[0] if context.args else None
    if token and token.startswith(checkin.DEEP_LINK_PREFIX):
        # The QR code on the hall's wall: check in (or, unregistered, learn to register first).
        await checkin.record(update, context, token.removeprefix(checkin.DEEP_LINK_PREFIX))
        return
    now = context.deps.clock.now()
    body = context.deps.body_name
    with context.uow() as session:
        result = (
            registration.link_by_token(
                session, token=token, telegram_user_id=user.id, chat_id=chat.id, now=now
            )
            if token
            else None
        )
        stage = registration.stage_of(session, user.id, now=now)
        person = people.by_telegram_user(session, user.id)
    lang = _lang_of_user(update, person)
    if result is not None:
        if result.outcome in (Outcome.LINKED, Outcome.ALREADY) and result.person:
            await _welcome(update, context, result.person)
            return
        if result.outcome == Outcome.NEEDS_CONSENT:
            await _notice(update, context, lang, token)
            return
        if result.outcome == Outcome.TOKEN_TAKEN:
            await _reply(update, t(lang, "register.token_taken", body=body))
            return
        if result.outcome == Outcome.ACCOUNT_TAKEN and result.person:
            await _reply(
                update, t(lang, "register.account_taken", name=result.person.name, body=body)
            )
            return
        await _reply(update, t(lang, "register.invalid_token"))
    if stage == Stage.REGISTERED and person is not None:
        await _reply(
            update,
            t(lang, "register.already", name=person.name, role=role_label(lang, person.role)),
            reply_markup=ReplyKeyboardRemove(),
        )
    elif stage == Stage.WAITING_FOR_ADMIN:
        await _reply(update, t(lang, "register.still_pending"))
    elif stage == Stage.NEEDS_CONTACT:
        await _reply(
            update, t(lang, "register.ask_contact"), reply_markup=keyboards.share_contact(lang)
        )
    else:
        await _notice(update, context, lang)


async def consent_button(update: Update, context: BotContext) -> None:
    """The privacy notice's Setuju / Tidak setuju buttons."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = callbacks.Consent.decode(query.data)
    answer = data.answer if data else None
    token = (data.token or None) if data else None
    lang = _lang_of_user(update)
    if answer not in ("y", "n"):
        await query.answer(t_plain(lang, "button.expired"))
        return
    if answer == "y":
        with context.uow() as session:
            registration.record_consent(
                session, telegram_user_id=user.id, now=context.deps.clock.now()
            )
    await query.answer(t_plain(lang, "privacy.recorded") if answer == "y" else None)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if answer == "n":
        await _reply(update, t(lang, "privacy.declined"))
        return
    if token:
        # The deep link's token was waiting for consent: finish the one-tap registration.
        context.args = [token]
    await start(update, context)


async def contact(update: Update, context: BotContext) -> None:
    """A shared contact: link it when it is the sender's own number on the roster."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or message.contact is None or user is None or chat is None:
        return
    shared = message.contact
    now = context.deps.clock.now()
    lang = _lang_of_user(update)
    body = context.deps.body_name
    with context.uow() as session:
        result = registration.link_by_contact(
            session,
            telegram_user_id=user.id,
            chat_id=chat.id,
            contact_user_id=shared.user_id,
            phone_raw=shared.phone_number,
            contact_name=" ".join(filter(None, [shared.first_name, shared.last_name])),
            language=lang,
            now=now,
        )
    remove = ReplyKeyboardRemove()
    if result.outcome == Outcome.NOT_OWN_CONTACT:
        log.info("refused a contact that is not the sender's own (user %s)", user.id)
        await _reply(
            update, t(lang, "register.not_own_contact"), reply_markup=keyboards.share_contact(lang)
        )
    elif result.outcome == Outcome.NEEDS_CONSENT:
        await _notice(update, context, lang)
    elif result.outcome == Outcome.BAD_PHONE:
        await _reply(update, t(lang, "register.bad_phone", body=body), reply_markup=remove)
    elif result.outcome in (Outcome.LINKED, Outcome.ALREADY) and result.person:
        await _welcome(update, context, result.person)
    elif result.outcome == Outcome.PENDING:
        await _reply(update, t(lang, "register.still_pending"), reply_markup=remove)
    elif result.outcome == Outcome.REJECTED_RECENTLY:
        await _reply(update, t(lang, "register.rejected_recently", body=body), reply_markup=remove)
    elif result.outcome == Outcome.ASK_DETAILS and result.request:
        await _reply(
            update,
            t(lang, "register.ask_details", phone=result.request.phone, body=body),
            reply_markup=remove,
        )


async def details_text(update: Update, context: BotContext) -> bool:
    """Typed text from an unregistered person; True when it answered the details question."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
    lang = _lang_of_user(update)
    with context.uow() as session:
        request = registration.open_request(session, user.id, now=context.deps.clock.now())
        if request is None or request.status != registration.RequestStatus.AWAITING_DETAILS.value:
            return False
        try:
            registration.submit_details(session, request=request, text=message.text)
        except ValueError:
            invalid = True
        else:
            invalid = False
            admins = [a for a in people.admins(session) if a.telegram_chat_id is not None]
    if invalid:
        await _reply(update, t(lang, "register.details_invalid"))
        return True
    await _reply(update, t(lang, "register.wait_admin"))
    delivered = await _tell_admins(context, request, admins)
    if not delivered:
        await _reply(update, t(lang, "register.no_admin_yet", body=context.deps.body_name))
    return True


async def _tell_admins(
    context: BotContext, request: registration.RegistrationRequest, admins: list[Person]
) -> int:
    """Send the request to every registered admin; the first to decide wins.

    A handful of admins are messaged directly here: it answers what the person just did.
    Bulk and scheduled messages go through the delivery engine.
    """
    delivered = 0
    for admin in admins:
        assert admin.telegram_chat_id is not None and request.id is not None
        text = t(
            admin.language,
            "admin.request",
            contact_name=request.contact_name or t(admin.language, "value.empty"),
            phone=request.phone,
            details=request.details,
        )
        try:
            await context.bot.send_message(
                admin.telegram_chat_id,
                text,
                reply_markup=keyboards.registration_decision(admin.language, request.id),
            )
            delivered += 1
        except TelegramError as exc:
            log.warning("could not tell admin %s about request %s: %s", admin.id, request.id, exc)
    return delivered


async def decision_button(update: Update, context: BotContext) -> None:
    """An admin's Approve (kader/OPD) or Reject on a registration request."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = callbacks.RegistrationDecision.decode(query.data)
    request_id = data.request_id if data else None
    code = data.decision if data else None
    if not request_id or code not in ("k", "o", "x"):  # ids start at 1
        await query.answer(t_plain(_lang_of_user(update), "button.expired"))
        return
    now = context.deps.clock.now()
    admin = context.person_for(user.id)
    with context.uow() as session:
        result = registration.decide(
            session,
            request_id=request_id,
            admin=admin,
            approve=code != "x",
            role=Role.OPD if code == "o" else Role.KADER,
            now=now,
        )
    lang = _lang_of_user(update, admin)
    if result.decision == Decision.NOT_ADMIN:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    if result.decision == Decision.NOT_FOUND:
        await query.answer(t_plain(lang, "admin.request_gone"))
        return
    empty = t_plain(lang, "value.empty")
    decided_by = result.decided_by.name if result.decided_by else empty
    if result.decision == Decision.ALREADY_DECIDED:
        await query.answer(
            t_plain(lang, "admin.request_already", admin=decided_by), show_alert=True
        )
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
        return
    await query.answer()
    request = result.request
    assert request is not None
    if result.decision == Decision.APPROVED and result.person is not None:
        role = role_label(lang, result.person.role)  # the roster's role wins when it had one
        status = t(lang, "admin.request_approved", admin=decided_by, role=role)
        note = t(request.language, "register.approved", name=result.person.name)
    else:
        status = t(lang, "admin.request_rejected", admin=decided_by)
        note = t(request.language, "register.rejected", body=context.deps.body_name)
    # The requester first: the decision is already saved, and their news matters most.
    try:
        await context.bot.send_message(request.chat_id, note)
    except TelegramError as exc:
        log.warning("could not tell the requester of request %s: %s", request.id, exc)
    if isinstance(query.message, Message) and query.message.text is not None:
        try:
            await query.message.edit_text(
                query.message.text_html + "\n\n" + status, reply_markup=None
            )
        except TelegramError as exc:
            log.warning(
                "could not mark request %s decided in the admin's chat: %s", request.id, exc
            )


async def cancel_registration(update: Update, context: BotContext) -> bool:
    """/batal while writing a registration request. True when there was one."""
    user = update.effective_user
    if user is None:
        return False
    with context.uow() as session:
        cancelled = registration.cancel_open_request(session, user.id, now=context.deps.clock.now())
    if cancelled:
        await _reply(
            update,
            t(_lang_of_user(update), "register.cancelled"),
            reply_markup=ReplyKeyboardRemove(),
        )
    return cancelled
