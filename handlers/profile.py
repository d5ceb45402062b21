"""/profil with the language switch, /dataku and /hapusdata (the person's rights, UU 27/2022).

Written against the ``Chat`` port: on WhatsApp the same rights are the words PROFIL, DATAKU and
HAPUSDATA, with the same buttons.
"""

from __future__ import annotations

from telegram import Update

from handlers import callbacks, keyboards
from handlers.action_views import status_label
from handlers.context import BotContext
from handlers.i18n import LANGUAGES, Markup, language_of, t, t_plain
from handlers.message_split import split_message
from handlers.people_view import format_when, organization_label, role_label
from handlers.port import Chat, Env
from handlers.telegram_chat import TelegramChat
from models import audit, privacy, registration
from models.meetings import AnswerChange, Invitation
from models.organizations import zone_of
from models.people import Person


def _profile_text(env: Env, person: Person) -> Markup:
    lang = person.language
    with env.uow() as session:
        organization = organization_label(session, lang, person)
    return t(
        lang,
        "profile.show",
        name=person.name,
        phone=person.phone or t(lang, "value.empty"),
        role=role_label(lang, person.role),
        organization=organization,
        position=person.position or t(lang, "value.empty"),
        language=t(lang, f"language.{lang}"),
    )


async def _registered(chat: Chat, env: Env) -> Person | None:
    """The sender's person, or None after telling them how to register."""
    person = env.person_of(chat.account)
    if person is None:
        await chat.say(t(language_of(chat.language_hint), "register.prompt"))
    return person


async def on_profile(chat: Chat, env: Env) -> None:
    """/profil: my data and the language buttons."""
    person = await _registered(chat, env)
    if person is not None:
        await chat.say(_profile_text(env, person), keyboards.languages(person.language))


async def on_language(chat: Chat, env: Env, data: callbacks.LanguageChoice | None) -> None:
    """A language button under /profil: switch, and show the profile in the new language."""
    chosen = data.code if data else None
    person = env.person_of(chat.account)
    if person is None or chosen not in LANGUAGES:
        await chat.ack(t_plain(language_of(chat.language_hint), "button.expired"))
        return
    if chosen == person.language:
        # Nothing changes, so nothing is edited (Telegram refuses an identical edit); the
        # buttons are brought up to date only if the message shows an older choice.
        await chat.ack(t_plain(chosen, "profile.language_same"))
        await chat.show_buttons(keyboards.languages(chosen))
        return
    with env.uow() as session:
        registration.set_language(session, person, chosen, now=env.deps.clock.now())
    await chat.ack(t_plain(chosen, "profile.language_set"))
    await chat.replace(_profile_text(env, person), keyboards.languages(chosen))


async def on_my_data(chat: Chat, env: Env) -> None:
    """/dataku: everything stored about me, at once (the law gives 3x24 hours), in as many
    messages as it takes."""
    person = await _registered(chat, env)
    if person is None:
        return
    lang = person.language
    empty = t(lang, "value.empty")
    with env.uow() as session:
        zone = zone_of(session, person.organization_id, env.deps.timezone)
        organization = organization_label(session, lang, person)
        requests = privacy.registration_requests_of(session, person)
        consents = privacy.consents_of(session, person)
        answers = privacy.answers_of(session, person)
        reports = privacy.reports_of(session, person)
    text: str = t(
        lang,
        "mydata.show",
        name=person.name,
        phone=person.phone or empty,
        telegram_id=person.telegram_user_id or empty,
        whatsapp=person.whatsapp_id or empty,
        role=role_label(lang, person.role),
        organization=organization,
        position=person.position or t(lang, "value.empty"),
        language=t(lang, f"language.{lang}"),
        registered_at=format_when(lang, person.registered_at, zone),
        consent_at=format_when(lang, person.consent_at, zone),
        consent_version=person.consent_version or empty,
    )
    shown_consent = (format_when(lang, person.consent_at, zone), person.consent_version)
    for c in consents:  # the one shown above is not repeated; another account's is
        if (format_when(lang, c.given_at, zone), c.notice_version) != shown_consent:
            when = format_when(lang, c.given_at, zone)
            text += t(lang, "mydata.consent", when=when, version=c.notice_version)
    if answers:
        text += t(lang, "mydata.answers")
    for meeting, invitation, history in answers:
        text += t(
            lang,
            "mydata.answer",
            title=meeting.title,
            when=format_when(lang, meeting.starts_at, meeting.timezone),
            answer=_answer_text(lang, invitation.answer, invitation, invitation.reason),
        )
        for change in history:
            text += t(
                lang,
                "mydata.history",
                when=format_when(lang, change.at, zone),
                answer=_answer_text(lang, change.answer, None, change.reason, change),
            )
    if reports:
        text += t(lang, "mydata.reports")
    for report, action in reports:
        text += t(
            lang,
            "mydata.report",
            when=format_when(lang, report.created_at, zone),
            title=action.title,
            status=status_label(lang, report.status),
            note=report.note or empty,
        )
    if requests:
        text += t(lang, "mydata.requests")
    for r in requests:
        text += t(
            lang,
            "mydata.request",
            when=format_when(lang, r.created_at, zone),
            details=r.details or empty,
            contact_name=r.contact_name or empty,
            status=t_plain(lang, f"mydata.request_status.{r.status}"),
        )
    for chunk in split_message(text):
        await chat.say(Markup(chunk))


def _answer_text(
    lang: str,
    answer: str,
    invitation: Invitation | None,
    reason: str,
    change: AnswerChange | None = None,
) -> Markup:
    """Hadir / Diwakilkan oleh … (with the phone given) / Tidak hadir (alasan: …)."""
    if answer == "diwakilkan":
        name = (
            invitation.representative_name
            if invitation
            else (change.representative_name if change else "")
        )
        position = invitation.representative_position if invitation else ""
        text: str = t(lang, "rsvp.answer.diwakilkan", name=name, position=position)
        if invitation is not None and invitation.representative_phone:
            text += t(lang, "mydata.rep_phone", phone=invitation.representative_phone)
        return Markup(text)
    shown: str = t(lang, f"rsvp.answer.{answer}")
    if reason:
        shown += t(lang, "rsvp.answer.reason", reason=reason)
    return Markup(shown)


async def on_erase_request(chat: Chat, env: Env) -> None:
    """/hapusdata: ask for confirmation first; erasure cannot be undone."""
    person = await _registered(chat, env)
    if person is not None:
        await chat.say(
            t(person.language, "erase.confirm"), keyboards.erase_confirm(person.language)
        )


async def on_erase(chat: Chat, env: Env, data: callbacks.EraseAnswer | None) -> None:
    """Ya / Tidak jadi under /hapusdata."""
    answer = data.answer if data else None
    files: list[str] = []
    person = env.person_of(chat.account)
    with env.uow() as session:
        if person is not None and answer == "y":
            now = env.deps.clock.now()
            files = privacy.erase_person(session, person, now=now)
            # That an erasure happened, by whom (an anonymous row id now), nothing more.
            audit.record(
                session,
                act=audit.Act.ERASURE,
                via=audit.Via.CHAT,
                now=now,
                actor_id=person.id,
                target=f"person:{person.id}",
                people=1,
            )
    for path in files:  # a half-written report's photos go with the rest
        env.deps.files.remove(path)
    if person is None or answer not in ("y", "n"):
        await chat.ack(t_plain(language_of(chat.language_hint), "button.expired"))
        return
    await chat.ack()
    await chat.replace(t(person.language, "erase.done" if answer == "y" else "erase.kept"))


# -- Telegram ------------------------------------------------------------------------------


def _chat(update: Update, context: BotContext) -> TelegramChat | None:
    return TelegramChat(update, context) if update.effective_user is not None else None


async def profile(update: Update, context: BotContext) -> None:
    if (chat := _chat(update, context)) is not None:
        await on_profile(chat, context)


async def language_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None and (chat := _chat(update, context)) is not None:
        await on_language(chat, context, callbacks.LanguageChoice.decode(query.data))


async def my_data(update: Update, context: BotContext) -> None:
    if (chat := _chat(update, context)) is not None:
        await on_my_data(chat, context)


async def erase_request(update: Update, context: BotContext) -> None:
    if (chat := _chat(update, context)) is not None:
        await on_erase_request(chat, context)


async def erase_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None and (chat := _chat(update, context)) is not None:
        await on_erase(chat, context, callbacks.EraseAnswer.decode(query.data))
