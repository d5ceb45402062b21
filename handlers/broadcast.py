"""/siaran (admin): audience → text → preview → send, then a delivery report to refresh.

The draft is kept in the database at every step (models.broadcasts.BroadcastDraft), so the
buttons and the next typed text still work after a restart of the bot.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers import callbacks
from handlers.chat import admin_of, end_other_conversations, reply_language, say_ended
from handlers.context import BotContext
from handlers.i18n import Markup, escape, t, t_plain
from handlers.people_view import organization_name
from models import audit, broadcasts
from models.audience import UnknownAudience
from models.broadcasts import DraftStage
from models.conversations import Conversation
from models.organizations import Organization, kecamatan_list, organization_of, search
from models.people import Person

ROLE_CODES = ("all", "kader", "opd", "admin")


def _button(lang: str, key: str, data: callbacks.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, key), callback_data=data.encode())


def _audience_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(lang, "siaran.aud_all", callbacks.SiaranRole("all")),
                _button(lang, "siaran.aud_kader", callbacks.SiaranRole("kader")),
            ],
            [
                _button(lang, "siaran.aud_opd", callbacks.SiaranRole("opd")),
                _button(lang, "siaran.aud_admin", callbacks.SiaranRole("admin")),
            ],
            [_button(lang, "siaran.aud_kecamatan", callbacks.SiaranKecamatanList())],
            [_button(lang, "siaran.aud_org", callbacks.SiaranOrgSearch())],
        ]
    )


def _org_keyboard(
    lang: str,
    orgs: list[Organization],
    kind: type[callbacks.SiaranKecamatan] | type[callbacks.SiaranOrg],
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    organization_name(lang, org),
                    callback_data=kind(org.id or 0).encode(),
                )
            ]
            for org in orgs
        ]
    )


def audience_label(session: Session, lang: str, specs: str) -> Markup:
    labels: list[str] = []
    for spec in filter(None, specs.split(",")):
        kind, _, ref = spec.partition(":")
        if kind in ROLE_CODES:
            labels.append(t(lang, f"audience.{kind}"))
        elif kind == "phone":
            labels.append(ref)
        else:
            org = organization_of(session, int(ref)) if ref.isdigit() else None
            labels.append(organization_name(lang, org))
    # The parts are catalogue texts already escaped by t(); escape the joined phone refs only.
    return Markup(", ".join(escape(label) if label.startswith("+") else label for label in labels))


async def siaran(update: Update, context: BotContext) -> None:
    """/siaran: start a broadcast (admins only)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    admin = admin_of(context, update)
    if admin is None:
        await chat.send_message(t(reply_language(context, update), "admin.only"))
        return
    assert admin.id is not None
    with context.uow() as session:
        ended = end_other_conversations(session, context, admin, Conversation.BROADCAST)
        broadcasts.start_draft(session, author_id=admin.id, now=context.deps.clock.now())
    await say_ended(update, context, admin, ended)
    await chat.send_message(
        t(admin.language, "siaran.choose_audience"), reply_markup=_audience_keyboard(admin.language)
    )


async def button(update: Update, context: BotContext) -> None:
    """Every /siaran button: audience choices, send, cancel, refresh of a report."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    admin = admin_of(context, update)
    data = callbacks.parse(query.data, *BUTTONS)
    lang = reply_language(context, update)
    if admin is None:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    if isinstance(data, callbacks.SiaranRefresh):
        await _refresh(update, context, admin, data.broadcast_id)
        return
    assert admin.id is not None
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = broadcasts.draft_of(session, admin.id, now=now)
    if draft is None or data is None:
        await query.answer(t_plain(lang, "button.expired"))
        return
    await query.answer()
    match data:
        case callbacks.SiaranRole(role=role) if role in ROLE_CODES:
            await _chosen(update, context, admin, [role])
        case callbacks.SiaranKecamatan(org_id=org_id) | callbacks.SiaranOrg(org_id=org_id) if (
            org_id
        ):
            scope = "kecamatan" if isinstance(data, callbacks.SiaranKecamatan) else "org"
            await _chosen(update, context, admin, [f"{scope}:{org_id}"])
        case callbacks.SiaranKecamatanList():
            with context.uow() as session:
                places = kecamatan_list(session)
            await _say(
                update,
                t(lang, "siaran.choose_kecamatan"),
                reply_markup=_org_keyboard(lang, places, callbacks.SiaranKecamatan),
            )
        case callbacks.SiaranOrgSearch():
            with context.uow() as session:
                current = broadcasts.draft_of(session, admin.id, now=now)
                if current is not None:
                    broadcasts.await_org_search(session, current, now=now)
            await _say(update, t(lang, "siaran.ask_org"))
        case callbacks.SiaranSend(draft_id=draft_id, shown=shown):
            # The preview's version (1-based) must be the draft's: an older preview cannot send
            # a broadcast whose text or audience has changed since.
            current_preview = draft.stage == DraftStage.PREVIEW.value
            if not current_preview or (draft_id, shown) != (draft.id, draft.version + 1):
                await _say(update, t(lang, "siaran.stale_preview"))
                return
            await _send(update, context, admin)
        case callbacks.SiaranCancel():
            with context.uow() as session:
                broadcasts.discard_draft(session, admin.id)
            await _say(update, t(lang, "siaran.cancelled"))
    if isinstance(query.message, Message) and isinstance(data, CLOSING):
        await query.message.edit_reply_markup(reply_markup=None)


# Every /siaran button, and those after which the keyboard they sat on is removed.
BUTTONS: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.SiaranRole,
    callbacks.SiaranKecamatanList,
    callbacks.SiaranOrgSearch,
    callbacks.SiaranKecamatan,
    callbacks.SiaranOrg,
    callbacks.SiaranSend,
    callbacks.SiaranCancel,
    callbacks.SiaranRefresh,
)
CLOSING = (
    callbacks.SiaranRole,
    callbacks.SiaranKecamatan,
    callbacks.SiaranOrg,
    callbacks.SiaranSend,
    callbacks.SiaranCancel,
)


async def _say(update: Update, text: str, **kwargs: object) -> None:
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text, **kwargs)  # type: ignore[arg-type]


async def _chosen(update: Update, context: BotContext, admin: Person, specs: list[str]) -> None:
    assert admin.id is not None
    lang, now = admin.language, context.deps.clock.now()
    with context.uow() as session:
        draft = broadcasts.draft_of(session, admin.id, now=now)
        if draft is None:
            return
        try:
            count = broadcasts.choose_audience(session, draft, specs, now=now)
        except UnknownAudience:
            count = 0
        label = audience_label(session, lang, ",".join(specs))
    if not count:
        await _say(update, t(lang, "siaran.nobody"), reply_markup=_audience_keyboard(lang))
        return
    await _say(
        update, t(lang, "siaran.ask_text", audience=label, count=count, max=broadcasts.TEXT_MAX)
    )


def _templates_note(lang: str, count: int) -> Markup:
    """How many go as WhatsApp templates (billed per message by Meta), when any do."""
    return t(lang, "preview.templates", count=count) if count else Markup("")


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text from an admin with a draft waiting for text; True when it was used."""
    message = update.effective_message
    admin = admin_of(context, update)
    if message is None or not message.text or admin is None or admin.id is None:
        return False
    lang, now = admin.language, context.deps.clock.now()
    with context.uow() as session:
        draft = broadcasts.draft_of(session, admin.id, now=now)
        stage = draft.stage if draft else None
        if draft is None or stage not in (DraftStage.TEXT.value, DraftStage.ORG_SEARCH.value):
            return False
        if stage == DraftStage.ORG_SEARCH.value:
            found = search(session, message.text)
        else:
            try:
                broadcasts.write_text(session, draft, message.text, now=now)
            except ValueError:
                stage = "invalid"
            else:
                specs = draft.specs.split(",")
                reach = broadcasts.reach(session, specs, now=now)
                label = audience_label(session, lang, draft.specs)
                text, draft_id, version = draft.text, draft.id, draft.version
    if stage == DraftStage.ORG_SEARCH.value:
        if not found:
            await _say(update, t(lang, "siaran.org_none", query=message.text[:60]))
        else:
            await _say(
                update,
                t(lang, "siaran.org_pick"),
                reply_markup=_org_keyboard(lang, found, callbacks.SiaranOrg),
            )
        return True
    if stage == "invalid":
        await _say(update, t(lang, "siaran.text_invalid", max=broadcasts.TEXT_MAX))
        return True
    preview = t(
        lang,
        "siaran.preview",
        audience=label,
        registered=reach.registered,
        unregistered=reach.unregistered,
        templates=_templates_note(lang, reach.templates),
        text=text,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(lang, "siaran.send", callbacks.SiaranSend(draft_id or 0, version + 1)),
                _button(lang, "siaran.cancel", callbacks.SiaranCancel()),
            ]
        ]
    )
    await _say(update, preview, reply_markup=keyboard)
    return True


def _report_text(session: Session, lang: str, broadcast_id: int) -> Markup | None:
    broadcast = session.get(broadcasts.Broadcast, broadcast_id)
    if broadcast is None:
        return None
    counts = broadcasts.report(session, broadcast_id)
    return t(
        lang,
        "siaran.report",
        id=broadcast_id,
        audience=audience_label(session, lang, broadcast.audience),
        sent=counts.sent,
        waiting=counts.waiting,
        unreachable=counts.unreachable,
        failed=counts.failed,
        skipped=counts.skipped,
    )


def _refresh_keyboard(lang: str, broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(lang, "siaran.refresh", callbacks.SiaranRefresh(broadcast_id))]]
    )


async def _send(update: Update, context: BotContext, admin: Person) -> None:
    assert admin.id is not None
    lang, now = admin.language, context.deps.clock.now()
    with context.uow() as session:
        draft = broadcasts.draft_of(session, admin.id, now=now)
        if draft is None:
            return
        try:
            created = broadcasts.send_draft(session, draft, now=now)
        except UnknownAudience:  # the organization went away since it was chosen
            broadcast_id = None
        else:
            session.flush()
            broadcast_id = created.id
            audit.record(
                session,
                act=audit.Act.BROADCAST,
                via=audit.Via.CHAT,
                now=now,
                actor_id=admin.id,
                target=f"broadcast:{broadcast_id}",
                people=created.recipients,
            )
            report = _report_text(session, lang, broadcast_id) if broadcast_id else None
    if broadcast_id is None:
        await _say(update, t(lang, "siaran.nobody"), reply_markup=_audience_keyboard(lang))
        return
    context.deps.wake_delivery()
    # One message, not two: on a 2G phone every message counts.
    await _say(
        update,
        t(lang, "siaran.queued") + "\n\n" + (report or ""),
        reply_markup=_refresh_keyboard(lang, broadcast_id),
    )


async def _refresh(
    update: Update, context: BotContext, admin: Person, broadcast_id: int | None
) -> None:
    query = update.callback_query
    assert query is not None
    with context.uow() as session:
        report = _report_text(session, admin.language, broadcast_id) if broadcast_id else None
    if report is None or broadcast_id is None:
        await query.answer(t_plain(admin.language, "button.expired"))
        return
    await query.answer()
    if isinstance(query.message, Message) and not query.message.text_html.endswith(report):
        await query.message.edit_text(
            report, reply_markup=_refresh_keyboard(admin.language, broadcast_id)
        )


async def cancel_draft(update: Update, context: BotContext) -> bool:
    """/batal while writing a broadcast. True when there was a draft."""
    admin = admin_of(context, update)
    if admin is None or admin.id is None:
        return False
    with context.uow() as session:
        dropped = broadcasts.discard_draft(session, admin.id)
    if dropped:
        await _say(update, t(admin.language, "siaran.cancelled"))
    return dropped
