"""/profil with the language switch, /dataku and /hapusdata (the person's rights, UU 27/2022)."""

from __future__ import annotations

from telegram import Message, Update

from handlers import callbacks, keyboards
from handlers.context import BotContext
from handlers.i18n import LANGUAGES, Markup, language_of, t, t_plain
from handlers.people_view import format_when, organization_label, role_label
from models import privacy, registration
from models.people import Person


def _profile_text(context: BotContext, person: Person) -> Markup:
    lang = person.language
    with context.uow() as session:
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


async def _registered(update: Update, context: BotContext) -> Person | None:
    """The sender's person, or None after telling them how to register."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    person = context.person_for(user.id)
    if person is None:
        await chat.send_message(t(language_of(user.language_code), "register.prompt"))
    return person


async def profile(update: Update, context: BotContext) -> None:
    """/profil: my data and the language buttons."""
    person = await _registered(update, context)
    if person is None or update.effective_chat is None:
        return
    await update.effective_chat.send_message(
        _profile_text(context, person), reply_markup=keyboards.languages(person.language)
    )


async def language_button(update: Update, context: BotContext) -> None:
    """A language button under /profil: switch, and redraw the profile in the new language."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = callbacks.LanguageChoice.decode(query.data)
    chosen = data.code if data else None
    person = context.person_for(user.id)
    with context.uow() as session:
        if person is not None and chosen in LANGUAGES:
            registration.set_language(session, person, chosen, now=context.deps.clock.now())
    if person is None or chosen not in LANGUAGES:
        await query.answer(t_plain(language_of(user.language_code), "button.expired"))
        return
    await query.answer(t_plain(chosen, "profile.language_set"))
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _profile_text(context, person), reply_markup=keyboards.languages(chosen)
        )


async def my_data(update: Update, context: BotContext) -> None:
    """/dataku: everything stored about me, at once (the law gives 3x24 hours)."""
    person = await _registered(update, context)
    if person is None or update.effective_chat is None:
        return
    lang, zone = person.language, context.deps.timezone
    empty = t(lang, "value.empty")
    with context.uow() as session:
        organization = organization_label(session, lang, person)
        assert person.telegram_user_id is not None
        requests = privacy.registration_requests_of(session, person.telegram_user_id)
        consents = privacy.consents_of(session, person.telegram_user_id)
    extra = "".join(
        t(
            lang,
            "mydata.request",
            when=format_when(lang, r.created_at, zone),
            details=r.details or empty,
            contact_name=r.contact_name or empty,
            status=r.status,
        )
        for r in requests
    ) + "".join(
        t(
            lang,
            "mydata.consent",
            when=format_when(lang, c.given_at, zone),
            version=c.notice_version,
        )
        for c in consents
    )
    await update.effective_chat.send_message(
        t(
            lang,
            "mydata.show",
            name=person.name,
            phone=person.phone or empty,
            telegram_id=person.telegram_user_id or empty,
            role=role_label(lang, person.role),
            organization=organization,
            position=person.position or t(lang, "value.empty"),
            language=t(lang, f"language.{lang}"),
            registered_at=format_when(lang, person.registered_at, zone),
            consent_at=format_when(lang, person.consent_at, zone),
            consent_version=person.consent_version or empty,
        )
        + extra
    )


async def erase_request(update: Update, context: BotContext) -> None:
    """/hapusdata: ask for confirmation first; erasure cannot be undone."""
    person = await _registered(update, context)
    if person is None or update.effective_chat is None:
        return
    await update.effective_chat.send_message(
        t(person.language, "erase.confirm"), reply_markup=keyboards.erase_confirm(person.language)
    )


async def erase_button(update: Update, context: BotContext) -> None:
    """Ya / Tidak jadi under /hapusdata."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    data = callbacks.EraseAnswer.decode(query.data)
    answer = data.answer if data else None
    files: list[str] = []
    person = context.person_for(user.id)
    with context.uow() as session:
        if person is not None and answer == "y":
            files = privacy.erase_person(session, person, now=context.deps.clock.now())
    for path in files:  # a half-written report's photos go with the rest
        context.deps.files.remove(path)
    if person is None or answer not in ("y", "n"):
        await query.answer(t_plain(language_of(user.language_code), "button.expired"))
        return
    lang = person.language
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(t(lang, "erase.done" if answer == "y" else "erase.kept"))
