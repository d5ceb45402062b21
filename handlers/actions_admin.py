"""/rtlbaru and the admins' check of Selesai reports.

/rtlbaru: meeting (or none) → title → owner, found by typing part of its name → due date typed
the Indonesian way → preview → save. A Selesai report reaches the admins with Accept / Return;
Return asks for a comment. Drafts live in the database (models.action_drafts).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select
from telegram import InputFile, Message, Update
from telegram.error import BadRequest, TelegramError

from handlers import action_views, callbacks
from handlers.chat import (
    admin_of,
    end_other_conversations,
    keyboard,
    reply_language,
    say,
    say_ended,
    with_lead,
)
from handlers.context import BotContext
from handlers.i18n import t, t_plain
from handlers.people_view import date_examples, format_day, format_when, local_today
from models import action_drafts, action_owners, actions, audit, organizations
from models.action_drafts import ActionDraft, Stage
from models.actions import ActionError, Evidence
from models.conversations import Conversation, Ended
from models.meetings import Meeting, MeetingStatus
from models.messages import LABEL_TITLE, Button, short_label
from models.people import Person

log = logging.getLogger(__name__)
EVIDENCE_TITLE = 300  # a caption holds 1024 characters: the title, cut if it must be
RECENT_MEETINGS = 6
BUTTON_STAGES = (Stage.MEETING.value, Stage.PREVIEW.value)
QUESTIONS = {
    Stage.MEETING: "rtl.ask.meeting",
    Stage.TITLE: "rtl.ask.title",
    Stage.OWNER: "rtl.ask.owner",
    Stage.DUE: "rtl.ask.due",
    Stage.RETURN_COMMENT: "rtl.ask.return_comment",
}


def _button(label: str, data: callbacks.CallbackData) -> Button:
    return Button(label, data.encode())


def _meeting_buttons(session: Session, lang: str, version: int) -> list[list[Button]]:
    """The latest meetings (held or coming, not cancelled), newest first, and "no meeting"."""
    query = select(Meeting).where(Meeting.status != MeetingStatus.CANCELLED.value)
    recent = session.exec(query.order_by(col(Meeting.starts_at).desc()).limit(RECENT_MEETINGS))
    rows = [
        [
            _button(
                f"{short_label(m.title, LABEL_TITLE)} "
                f"({format_when(lang, m.starts_at, m.timezone)})",
                callbacks.ActionMeeting(m.id or 0, version),
            )
        ]
        for m in recent
    ]
    rows.append([_button(t_plain(lang, "rtl.no_meeting"), callbacks.ActionMeeting(0, version))])
    return rows


def _preview(session: Session, lang: str, draft: ActionDraft) -> str:
    owner = action_drafts.owner_of(session, draft)
    meeting = session.get(Meeting, draft.meeting_id) if draft.meeting_id else None
    assert draft.due is not None
    owner_label: str
    if owner.group_key:
        owner_label = t(
            lang, "rtl.owner_group", group=owner.group_label, count=len(owner.organizations)
        )
    else:
        owner_label = action_owners.owner_name(owner.organizations[0])
    return t(
        lang,
        "rtl.preview_action",
        title=draft.title,
        owner=owner_label,
        due=format_day(lang, draft.due),
        meeting=meeting.title if meeting else t(lang, "rtl.no_meeting"),
    )


async def _ask(
    update: Update, context: BotContext, admin: Person, draft: ActionDraft, *, lead: str = ""
) -> None:
    """The draft's question with its buttons; ``lead`` says first what was wrong (one message)."""
    lang, stage, draft_id = admin.language, Stage(draft.stage), draft.id or 0
    rows: list[list[Button]] = []
    if stage == Stage.PREVIEW:
        with context.uow() as session:
            text = _preview(session, lang, draft)
        rows = [
            [
                _button(t_plain(lang, "rtl.save"), callbacks.ActionSave(draft_id, draft.version)),
                _button(t_plain(lang, "rtl.cancel"), callbacks.ActionDrop(draft_id, draft.version)),
            ]
        ]
    else:
        text = t(lang, QUESTIONS[stage], **_examples(context, lang))
        if stage == Stage.MEETING:
            with context.uow() as session:
                rows = _meeting_buttons(session, lang, draft.version)
    await say(update, with_lead(lead, text), keyboard(rows))


async def rtlbaru(update: Update, context: BotContext) -> None:
    """/rtlbaru: record a follow-up action (admins only)."""
    admin = admin_of(context, update)
    if admin is None or admin.id is None:
        await say(update, t(reply_language(context, update), "admin.only"))
        return
    with context.uow() as session:
        ended = end_other_conversations(session, context, admin, Conversation.ACTION)
        draft = action_drafts.start_action(
            session, author_id=admin.id, now=context.deps.clock.now()
        )
    await say_ended(update, context, admin, ended)
    await _ask(update, context, admin, draft)


def _owner_choices(session: Session, lang: str, text: str, version: int) -> list[list[Button]]:
    """Groups whose name holds the typed words, then organizations whose name does."""
    rows = []
    for group in action_owners.search_groups(session, text):
        label = t_plain(
            lang, "rtl.owner_group", group=group.group_label, count=len(group.organizations)
        )
        rows.append([_button(label, callbacks.ActionOwnerGroup(group.group_key, version))])
    for org in organizations.search(session, text):
        name = short_label(action_owners.owner_name(org), 60)
        rows.append([_button(name, callbacks.ActionOwnerOrg(org.id or 0, version))])
    return rows


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text while an admin writes an action or a return comment. True when taken."""
    message = update.effective_message
    admin = admin_of(context, update)
    if message is None or not message.text or admin is None or admin.id is None:
        return False
    lang, now = admin.language, context.deps.clock.now()
    with context.uow() as session:
        draft = action_drafts.action_draft_of(session, admin.id, now=now)
        if draft is None or draft.stage in BUTTON_STAGES:
            return False  # a button is awaited: the text may be for another feature
        stage = Stage(draft.stage)
        problem: str | None = None
        detail = ""
        choices: list[list[Button]] = []
        try:
            if stage == Stage.TITLE:
                action_drafts.give_title(session, draft, message.text, now=now)
            elif stage == Stage.OWNER:
                choices = _owner_choices(session, lang, message.text, draft.version)
                if not choices:
                    raise ActionError(code="owner_not_found")
            elif stage == Stage.DUE:
                action_drafts.give_due(
                    session, draft, message.text, now=now, zone=context.deps.timezone
                )
            elif stage == Stage.RETURN_COMMENT:
                try:
                    actions.review(
                        session, draft.report_id, admin, accept=False, now=now, comment=message.text
                    )
                    _audit_review(session, audit.Act.REPORT_RETURN, admin, draft.report_id, now)
                except ActionError as error:
                    if error.code in ("already_checked", "gone"):
                        # Decided meanwhile (another admin): nothing left to comment on.
                        action_drafts.drop_action(session, admin.id)
                    raise
                action_drafts.drop_action(session, admin.id)
            else:
                raise ActionError(code="use_buttons")
        except ActionError as error:
            problem, detail = error.code, error.detail
    if problem is not None:
        value = _day_text(lang, detail)
        refusal = t(lang, f"rtl.invalid.{problem}", value=value, **_examples(context, lang))
        if problem in ("already_checked", "gone"):
            await say(update, refusal)  # nothing left to ask
        else:
            await _ask(update, context, admin, draft, lead=refusal)
        return True
    if stage == Stage.OWNER:
        await say(update, t(lang, "rtl.ask.owner_pick"), keyboard(choices))
        return True
    if stage == Stage.RETURN_COMMENT:
        context.deps.wake_delivery()
        await say(update, t(lang, "rtl.returned_ok"))
        return True
    await _ask(update, context, admin, draft)
    return True


async def hint_text(update: Update, context: BotContext) -> bool:
    """Typed text nobody else took while /rtlbaru waits for a button: ask again."""
    admin = admin_of(context, update)
    if admin is None or admin.id is None:
        return False
    with context.uow() as session:
        draft = action_drafts.action_draft_of(session, admin.id, now=context.deps.clock.now())
    if draft is None or draft.stage not in BUTTON_STAGES:
        return False
    await _ask(update, context, admin, draft, lead=t(admin.language, "rtl.invalid.use_buttons"))
    return True


BUTTONS: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.ActionMeeting,
    callbacks.ActionOwnerOrg,
    callbacks.ActionOwnerGroup,
    callbacks.ActionSave,
    callbacks.ActionDrop,
    callbacks.ReportAccept,
    callbacks.ReportReturn,
    callbacks.ReportEvidence,
)


async def button(update: Update, context: BotContext) -> None:
    """Every admin button of follow-up actions (ac:…); stale or forged ones change nothing."""
    query = update.callback_query
    if query is None:
        return
    admin = admin_of(context, update)
    data = callbacks.parse(query.data, *BUTTONS)
    if admin is None or admin.id is None or data is None:
        await query.answer(t_plain(reply_language(context, update), "button.expired"))
        return
    lang, now = admin.language, context.deps.clock.now()
    if isinstance(data, callbacks.ReportEvidence):
        await _show_evidence(update, context, admin, data.report_id or None)
        return
    problem: str | None = None
    created: actions.Created | None = None
    replaced = False
    ended = Ended()
    text = ""
    with context.uow() as session:
        draft = action_drafts.action_draft_of(session, admin.id, now=now)
        try:
            if isinstance(data, callbacks.ReportAccept):
                actions.review(session, data.report_id or None, admin, accept=True, now=now)
                _audit_review(session, audit.Act.REPORT_ACCEPT, admin, data.report_id, now)
                text = t(lang, "rtl.accepted_ok")
            elif isinstance(data, callbacks.ReportReturn):
                _check_pending(session, data.report_id or None)
                draft, replaced = action_drafts.start_return(
                    session, author_id=admin.id, report_id=data.report_id, now=now
                )
                ended = end_other_conversations(session, context, admin, Conversation.ACTION)
            elif draft is None or getattr(data, "version", None) != draft.version:
                raise ActionError(code="stale")  # an old message's button, or another draft's
            else:
                match data:
                    case callbacks.ActionDrop():
                        action_drafts.drop_action(session, admin.id)
                        text = t(lang, "rtl.cancelled")
                    case callbacks.ActionMeeting(meeting_id=meeting_id):
                        chosen = meeting_id or None  # 0: not from a meeting
                        action_drafts.choose_meeting(session, draft, chosen, now=now)
                    case callbacks.ActionOwnerOrg(org_id=org_id):
                        action_drafts.choose_owner(
                            session, draft, org_id=org_id or None, group_key="", now=now
                        )
                    case callbacks.ActionOwnerGroup(group=group):
                        if group not in action_owners.GROUP_LABELS:
                            raise ActionError(code="unknown_owner")
                        action_drafts.choose_owner(
                            session, draft, org_id=None, group_key=group, now=now
                        )
                    case callbacks.ActionSave():
                        created = action_drafts.save_action(
                            session, draft, admin, version=draft.version, now=now
                        )
                        text = action_views.created_text(session, lang, created)
        except ActionError as error:
            problem = error.code
    if problem is not None:
        key = "button.expired" if problem == "stale" else f"rtl.invalid.{problem}"
        await query.answer(t_plain(lang, key), show_alert=problem != "stale")
        return
    await query.answer()
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):  # a double tap: the buttons are already gone
            await query.message.edit_reply_markup(reply_markup=None)
    if (created is not None and created.created) or isinstance(data, callbacks.ReportAccept):
        context.deps.wake_delivery()
    if replaced:
        await say(update, t(lang, "rtl.draft_replaced"))
    await say_ended(update, context, admin, ended)
    if text:
        await say(update, text)
    elif draft is not None:
        await _ask(update, context, admin, draft)


def _check_pending(session: Session, report_id: int | None) -> None:
    report = session.get(actions.ActionReport, report_id) if report_id else None
    if report is None:
        raise ActionError(code="gone")
    if report.verdict != actions.Verdict.PENDING.value:
        raise ActionError(code="already_checked")


async def _show_evidence(
    update: Update, context: BotContext, admin: Person, report_id: int | None
) -> None:
    """Send a report's photos and documents to the admin (by Telegram's file id; from the file
    store when Telegram no longer knows it)."""
    query = update.callback_query
    assert query is not None
    lang = admin.language
    with context.uow() as session:
        files = actions.evidence_of(session, report_id) if report_id else []
        captions = _evidence_captions(session, lang, report_id, len(files), context.deps.timezone)
    if not files:
        await query.answer(t_plain(lang, "button.expired"))
        return
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    for item, caption in zip(files, captions, strict=True):
        await _send_file(context, chat.id, item, caption)


def _evidence_captions(
    session: Session, lang: str, report_id: int | None, count: int, zone: str
) -> list[str]:
    """Each file's caption: which action and report it belongs to, who sent it and when, so a
    photo among other reviews' photos in the chat still says what it proves."""
    report = session.get(actions.ActionReport, report_id) if report_id else None
    action = session.get(actions.Action, report.action_id) if report is not None else None
    if report is None or action is None:
        return [""] * count
    reporter = session.get(Person, report.reporter_id) if report.reporter_id else None
    return [
        t(
            lang,
            "rtl.evidence_caption",
            number=number,
            count=count,
            id=action.id,
            title=short_label(action.title, EVIDENCE_TITLE),
            reporter=reporter.name if reporter is not None else "-",
            when=format_when(lang, report.created_at, zone),
        )
        for number in range(1, count + 1)
    ]


async def _send_file(context: BotContext, chat_id: int, item: Evidence, caption: str) -> None:
    send = context.bot.send_photo if item.kind == "photo" else context.bot.send_document
    if item.telegram_file_id:  # none for evidence sent on WhatsApp: from the store
        try:
            await send(chat_id, item.telegram_file_id, caption=caption or None)
            return
        except BadRequest as error:
            log.info("file id not accepted, sending from the store: %s", error)
    path: Path = context.deps.files.path_of(item.path)
    try:
        with open(path, "rb") as handle:
            upload = InputFile(handle, filename=item.file_name or path.name)
            await send(chat_id, upload, caption=caption or None)
    except (OSError, TelegramError) as error:
        log.warning("evidence %s could not be sent: %s", item.id, error)


async def cancel_draft(update: Update, context: BotContext) -> bool:
    """/batal while writing an action or a return comment. True when there was a draft."""
    admin = admin_of(context, update)
    if admin is None or admin.id is None:
        return False
    with context.uow() as session:
        dropped = action_drafts.drop_action(session, admin.id)
    if dropped:
        await say(update, t(admin.language, "rtl.cancelled"))
    return dropped


# A due date's example: a month on, a usual time to carry out what a meeting agreed.
DUE_EXAMPLE_AHEAD = timedelta(days=30)


def _examples(context: BotContext, lang: str) -> dict[str, str]:
    today = local_today(context.deps.clock.now(), context.deps.timezone)
    return date_examples(lang, today + DUE_EXAMPLE_AHEAD)


def _day_text(lang: str, detail: str) -> str:
    """An ISO date in an error's detail, as people read dates; anything else as it is."""
    try:
        return format_day(lang, date.fromisoformat(detail))
    except ValueError:
        return detail


def _audit_review(
    session: Session, act: audit.Act, admin: Person, report_id: int | None, now: datetime
) -> None:
    audit.record(
        session,
        act=act,
        via=audit.Via.CHAT,
        now=now,
        actor_id=admin.id,
        target=f"report:{report_id}",
        people=1,
    )
