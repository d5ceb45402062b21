"""Registration: /start, consent, contact sharing, details of unknown numbers, admin decisions.

Every step's state lives in our tables (consent records, registration requests), not in a
ConversationHandler, so a restart between two taps loses nothing and the buttons stay valid.
Which step comes next is the domain's decision (``registration.stage_of``); this module only
renders it. The steps are written against the ``Chat`` port and serve both channels: on
WhatsApp the number is known from the first message, so consent leads straight to the roster
match; on Telegram, consent leads to the share-contact button.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError

from handlers import callbacks, checkin, keyboards, rsvp
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.people_view import organization_label, organization_name, role_label
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import audit, people, registration
from models.accounts import Account, Channel
from models.organizations import organization_of
from models.people import Person, Role
from models.registration import Decision, LinkResult, Outcome, Stage
from models.retention import Period

# The word that starts registering on WhatsApp (no bot commands there); links type it in.
START_WORD = "DAFTAR"

log = logging.getLogger(__name__)


def _lang(chat: Chat, person: Person | None = None) -> str:
    return person.language if person is not None else language_of(chat.language_hint)


def _linked_text(env: Env, person: Person) -> Markup:
    with env.uow() as session:
        organization = organization_label(session, person.language, person)
    return t(
        person.language,
        "register.linked",
        name=person.name,
        role=role_label(person.language, person.role),
        organization=organization,
    )


async def _welcome(chat: Chat, env: Env, person: Person) -> None:
    """Tell a newly linked person who they are and show the invitations waiting for them
    (not queued while they could not be reached; a queued copy not gone yet is this same
    delivery); an admin also gets the requests waiting."""
    await chat.say(_linked_text(env, person))
    await rsvp.show_open_invitations(chat, env, person, registering=True)
    if not person.is_admin:
        return
    with env.uow() as session:
        waiting = registration.pending_requests(session)
    for request in waiting:
        await _tell_admins(env, request, [person])


async def _notice(chat: Chat, env: Env, lang: str, token: str | None = None) -> None:
    body = env.deps.body_name
    period = Period.parse(env.deps.retention)
    retention = t_plain(lang, f"retention.{period.unit}", n=period.amount)
    await chat.say(
        t(lang, "privacy.notice", body=body, retention=retention), keyboards.consent(lang, token)
    )


async def on_start(chat: Chat, env: Env, token: str | None = None) -> None:
    """/start (DAFTAR on WhatsApp), optionally with an invite token: where does this account
    stand, and what comes next."""
    account = chat.account
    now = env.deps.clock.now()
    body = env.deps.body_name
    with env.uow() as session:
        result = (
            registration.link_by_token(session, token=token, account=account, now=now)
            if token
            else None
        )
        stage = registration.stage_of(session, account, now=now)
        person = people.by_account(session, account)
    lang = _lang(chat, person)
    if result is not None:
        if result.outcome in (Outcome.LINKED, Outcome.ALREADY) and result.person:
            await _welcome(chat, env, result.person)
            return
        if result.outcome == Outcome.NEEDS_CONSENT:
            await _notice(chat, env, lang, token)
            return
        if result.outcome == Outcome.TOKEN_TAKEN:
            await chat.say(t(lang, "register.token_taken", body=body))
            return
        if result.outcome == Outcome.ACCOUNT_TAKEN and result.person:
            await chat.say(t(lang, "register.account_taken", name=result.person.name, body=body))
            return
        await chat.say(t(lang, "register.invalid_token"))
    if stage == Stage.REGISTERED and person is not None:
        await chat.say(
            t(lang, "register.already", name=person.name, role=role_label(lang, person.role))
        )
    elif stage == Stage.WAITING_FOR_ADMIN:
        await chat.say(t(lang, "register.still_pending"))
    elif stage == Stage.NEEDS_CONTACT and account.channel == Channel.WHATSAPP:
        await _link_number(chat, env, lang)
    elif stage == Stage.NEEDS_CONTACT:
        await _ask_contact(chat, lang)
    else:
        await _notice(chat, env, lang)


async def _ask_contact(chat: Chat, lang: str, key: str = "register.ask_contact") -> None:
    """Telegram's request-contact button: the only way to prove the number is the sender's."""
    if isinstance(chat, TelegramChat) and chat.update.effective_chat is not None:
        await chat.update.effective_chat.send_message(
            t(lang, key), reply_markup=keyboards.share_contact(lang)
        )


async def _link_number(chat: Chat, env: Env, lang: str, contact_name: str = "") -> None:
    """WhatsApp: the number the messages come from is the proof; match it on the roster."""
    account = chat.account
    with env.uow() as session:
        result = registration.link_by_number(
            session,
            account=account,
            phone_raw="+" + account.key,
            contact_name=contact_name,
            language=lang,
            now=env.deps.clock.now(),
        )
    await _tell_link(chat, env, lang, result)


async def on_consent(chat: Chat, env: Env, data: callbacks.Consent | None) -> None:
    """The privacy notice's Setuju / Tidak setuju buttons."""
    answer = data.answer if data else None
    # A deep link's token only ever comes with a Telegram /start: on WhatsApp it can only be
    # forged, and would link a number to someone else's roster entry.
    telegram = chat.account.channel == Channel.TELEGRAM
    token = (data.token or None) if data and telegram else None
    lang = _lang(chat, env.person_of(chat.account))
    if answer not in ("y", "n"):
        await chat.ack(t_plain(lang, "button.expired"))
        return
    if answer == "y":
        with env.uow() as session:
            registration.record_consent(session, account=chat.account, now=env.deps.clock.now())
    await chat.ack(t_plain(lang, "privacy.recorded") if answer == "y" else None)
    await chat.buttons_used()
    if answer == "n":
        await chat.say(t(lang, "privacy.declined"))
        return
    # Consent given: what /start would do now (a waiting deep-link token finishes the
    # one-tap registration; WhatsApp matches the number; Telegram asks for the contact).
    await on_start(chat, env, token)


async def _tell_link(chat: Chat, env: Env, lang: str, result: LinkResult) -> None:
    """What linking an account to a number decided, in words."""
    body = env.deps.body_name
    if result.outcome == Outcome.NOT_OWN_CONTACT:
        log.info("refused a contact that is not the sender's own (%s)", chat.account.key)
        await _ask_contact(chat, lang, "register.not_own_contact")
    elif result.outcome == Outcome.NEEDS_CONSENT:
        await _notice(chat, env, lang)
    elif result.outcome == Outcome.BAD_PHONE:
        await chat.say(t(lang, "register.bad_phone", body=body))
    elif result.outcome in (Outcome.LINKED, Outcome.ALREADY) and result.person:
        await _welcome(chat, env, result.person)
    elif result.outcome == Outcome.PENDING:
        await chat.say(t(lang, "register.still_pending"))
    elif result.outcome == Outcome.REJECTED_RECENTLY:
        await chat.say(t(lang, "register.rejected_recently", body=body))
    elif result.outcome == Outcome.ASK_DETAILS and result.request:
        await chat.say(t(lang, "register.ask_details", phone=result.request.phone, body=body))


async def on_details(chat: Chat, env: Env, text: str) -> bool:
    """Typed text from an unregistered person; True when it answered the details question."""
    if not text:
        return False
    lang = _lang(chat)
    with env.uow() as session:
        request = registration.open_request(session, chat.account, now=env.deps.clock.now())
        if request is None or request.status != registration.RequestStatus.AWAITING_DETAILS.value:
            return False
        try:
            registration.submit_details(session, request=request, text=text)
        except ValueError:
            invalid = True
        else:
            invalid = False
            admins = [a for a in people.admins(session) if a.reachable]
    if invalid:
        await chat.say(t(lang, "register.details_invalid"))
        return True
    await chat.say(t(lang, "register.wait_admin"))
    delivered = await _tell_admins(env, request, admins)
    if not delivered:
        await chat.say(t(lang, "register.no_admin_yet", body=env.deps.body_name))
    return True


async def _send(env: Env, account: Account, text: str, buttons: keyboards.Keyboard = ()) -> bool:
    messenger = env.deps.messengers.get(account.channel.value)
    if messenger is None:
        log.warning("no %s sender configured; cannot reach %s", account.channel, account.key)
        return False
    try:
        await messenger.send(account, text, buttons)
    except Exception as exc:  # a channel's error: logged, the rest goes on
        log.warning("could not send to %s on %s: %s", account.key, account.channel, exc)
        return False
    return True


async def _tell_admins(
    env: Env, request: registration.RegistrationRequest, admins: list[Person]
) -> int:
    """Send the request to every registered admin; the first to decide wins.

    A handful of admins are messaged directly here: it answers what the person just did.
    Bulk and scheduled messages go through the delivery engine.
    """
    delivered = 0
    with env.uow() as session:
        named = registration.organization_named(session, request)
    for admin in admins:
        accounts = admin.accounts()
        if not accounts or request.id is None:
            continue
        account = accounts[0]
        organization = (
            organization_name(admin.language, named)
            if named is not None
            else t(admin.language, "admin.request_org_unknown")
        )
        text = t(
            admin.language,
            "admin.request",
            contact_name=request.contact_name or t(admin.language, "value.empty"),
            phone=request.phone,
            details=request.details,
            organization=organization,
        )
        buttons = keyboards.registration_decision(admin.language, request.id)
        if await _send(env, account, text, buttons):
            delivered += 1
    return delivered


async def on_decision(
    chat: Chat, env: Env, data: callbacks.RegistrationDecision | None
) -> str | None:
    """An admin's Approve (kader/OPD) or Reject on a registration request. Returns the status
    line to show under the request (Telegram edits it into the admin's message)."""
    request_id = data.request_id if data else None
    code = data.decision if data else None
    if not request_id or code not in ("k", "o", "x"):  # ids start at 1
        await chat.ack(t_plain(_lang(chat), "button.expired"))
        return None
    admin = env.person_of(chat.account)
    result, status = await decide_and_tell(env, admin, request_id, code)
    lang = _lang(chat, admin)
    if result.decision == Decision.NOT_ADMIN:
        await chat.ack(t_plain(lang, "admin.only"), alert=True)
        return None
    if result.decision == Decision.NOT_FOUND:
        await chat.ack(t_plain(lang, "admin.request_gone"))
        return None
    empty = t_plain(lang, "value.empty")
    decided_by = result.decided_by.name if result.decided_by else empty
    if result.decision == Decision.ALREADY_DECIDED:
        await chat.ack(t_plain(lang, "admin.request_already", admin=decided_by), alert=True)
        await chat.buttons_used()
        return None
    await chat.ack()
    return status


async def decide_and_tell(
    env: Env, admin: Person | None, request_id: int, code: str, *, via: audit.Via = audit.Via.CHAT
) -> tuple[registration.DecisionResult, str | None]:
    """An admin's decision on a request (a chat button or the console): saved, then the
    requester told on their channel. The status line says who decided what (None when
    nothing was decided)."""
    with env.uow() as session:
        result = registration.decide(
            session,
            request_id=request_id,
            admin=admin,
            approve=code != "x",
            role=Role.OPD if code == "o" else Role.KADER,
            now=env.deps.clock.now(),
        )
        if result.decision in (Decision.APPROVED, Decision.REJECTED):
            approved = result.decision == Decision.APPROVED
            audit.record(
                session,
                act=audit.Act.REGISTRATION_APPROVE if approved else audit.Act.REGISTRATION_REJECT,
                via=via,
                now=env.deps.clock.now(),
                actor_id=admin.id if admin is not None else None,
                target=f"request:{request_id}",
                people=1,
            )
    request = result.request
    if result.decision not in (Decision.APPROVED, Decision.REJECTED) or request is None:
        return result, None
    lang = admin.language if admin is not None else "id"
    decided_by = result.decided_by.name if result.decided_by else t_plain(lang, "value.empty")
    if result.decision == Decision.APPROVED and result.person is not None:
        role = role_label(lang, result.person.role)  # the roster's role wins when it had one
        with env.uow() as session:
            organization = organization_of(session, result.person.organization_id)
        where = (
            organization_name(lang, organization)
            if organization is not None
            else t(lang, "admin.request_no_org")
        )
        status = t(lang, "admin.request_approved", admin=decided_by, role=role, organization=where)
        note = t(request.language, "register.approved", name=result.person.name)
    else:
        status = t(lang, "admin.request_rejected", admin=decided_by)
        note = t(request.language, "register.rejected", body=env.deps.body_name)
    # The requester first: the decision is already saved, and their news matters most.
    await _send(env, registration.account_of(request), note)
    if result.decision == Decision.APPROVED:
        env.deps.wake_delivery()  # the invitations of meetings made before they joined
    return result, status


async def on_cancel(chat: Chat, env: Env) -> bool:
    """/batal while writing a registration request. True when there was one."""
    with env.uow() as session:
        cancelled = registration.cancel_open_request(
            session, chat.account, now=env.deps.clock.now()
        )
    if cancelled:
        await chat.say(t(_lang(chat), "register.cancelled"))
    return cancelled


# -- Telegram ------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/start, optionally with a deep-link payload (an invite token or a check-in code)."""
    if update.effective_user is None or update.effective_chat is None:
        return
    token = context.args[0] if context.args else None
    if token and token.startswith(checkin.DEEP_LINK_PREFIX):
        # The QR code on the hall's wall: check in (or, unregistered, learn to register first).
        await checkin.record(update, context, token.removeprefix(checkin.DEEP_LINK_PREFIX))
        return
    chat = TelegramChat(update, context)
    chat.remove_reply_keyboard = True  # a contact button left from before goes away
    await on_start(chat, context, token)


async def consent_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    await on_consent(TelegramChat(update, context), context, callbacks.Consent.decode(query.data))


async def contact(update: Update, context: BotContext) -> None:
    """A shared contact: link it when it is the sender's own number on the roster."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.contact is None or user is None:
        return
    shared = message.contact
    chat = TelegramChat(update, context)
    lang = _lang(chat)
    with context.uow() as session:
        result = registration.link_by_contact(
            session,
            account=chat.account,
            contact_user_id=shared.user_id,
            phone_raw=shared.phone_number,
            contact_name=" ".join(filter(None, [shared.first_name, shared.last_name])),
            language=lang,
            now=context.deps.clock.now(),
        )
    chat.remove_reply_keyboard = result.outcome != Outcome.NOT_OWN_CONTACT
    await _tell_link(chat, context, lang, result)


async def details_text(update: Update, context: BotContext) -> bool:
    message = update.effective_message
    if message is None or not message.text or update.effective_user is None:
        return False
    return await on_details(TelegramChat(update, context), context, message.text)


async def decision_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    data = callbacks.RegistrationDecision.decode(query.data)
    status = await on_decision(TelegramChat(update, context), context, data)
    if status is None:
        return
    if isinstance(query.message, Message) and query.message.text is not None:
        try:
            await query.message.edit_text(
                query.message.text_html + "\n\n" + status, reply_markup=None
            )
        except TelegramError as exc:
            log.warning("could not mark the request decided in the admin's chat: %s", exc)


async def cancel_registration(update: Update, context: BotContext) -> bool:
    if update.effective_user is None:
        return False
    chat = TelegramChat(update, context)
    chat.remove_reply_keyboard = True
    return await on_cancel(chat, context)
