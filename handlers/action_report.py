"""/tindaklanjut: report on one of my organization's follow-ups.

Pick the action → status → note → photos or documents as evidence → preview → send. The draft
is in the database step by step (models.action_drafts), so a restart loses nothing; evidence is
downloaded to the file store as it arrives, and /batal drops the draft and its files.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, datetime

from sqlmodel import Session
from telegram import Message, Update
from telegram.error import BadRequest, TelegramError

from handlers import action_views, callbacks
from handlers.action_views import STATUS_CODES
from handlers.chat import (
    end_other_conversations,
    fallback_language,
    keyboard,
    person_of,
    say,
    say_ended,
    say_not_registered,
)
from handlers.context import BotContext
from handlers.i18n import Markup, t, t_plain
from handlers.recap import split_message
from models import action_drafts, actions
from models.action_drafts import ReportDraft, Stage
from models.actions import Action, ActionError, Evidence
from models.conversations import Conversation
from models.file_store import FileRefused, FileStore, evidence_type
from models.messages import Button
from models.people import Person

log = logging.getLogger(__name__)
PAGE = 8  # actions per page of /tindaklanjut: one screen, well under 4096 characters


def _button(lang: str, key: str, data: callbacks.CallbackData, **values: object) -> Button:
    """Button labels are not parsed by Telegram: plain text, never HTML-escaped."""
    return Button(t_plain(lang, key, **values), data.encode())


def _today(context: BotContext, session: Session, action: Action) -> date:
    return action_views.today_for(session, action, context.deps.clock.now(), context.deps.timezone)


async def tindaklanjut(update: Update, context: BotContext) -> None:
    """/tindaklanjut: my organization's open follow-ups, a page at a time, a button each."""
    person = person_of(context, update)
    if person is None:
        await say_not_registered(update)
        return
    await _page(update, context, person, 0)


async def _page(update: Update, context: BotContext, person: Person, page: int) -> None:
    lang, now = person.language, context.deps.clock.now()
    with context.uow() as session:
        mine = actions.actions_of(session, person)
        pages = max(1, -(-len(mine) // PAGE))
        page = min(max(page, 0), pages - 1)
        lines, rows = [], []
        for number, action in enumerate(mine[page * PAGE : (page + 1) * PAGE], page * PAGE + 1):
            today = action_views.today_for(session, action, now, context.deps.timezone)
            lines.append(action_views.list_line(session, lang, action, number=number, today=today))
            rows.append([action_views.report_button(lang, action, number=number)])
    if not mine:
        await say(update, t(lang, "rtl.none_mine"))
        return
    if page + 1 < pages:
        rows.append(
            [
                _button(
                    lang,
                    "rtl.next_page",
                    callbacks.ReportPage(page + 2),
                    page=page + 2,
                    pages=pages,
                )
            ]
        )
    header = t(lang, "rtl.pick", count=len(mine))
    if pages > 1:
        header = Markup(header + t(lang, "rtl.page", page=page + 1, pages=pages))
    chunks = split_message(Markup(header + "\n\n" + "\n".join(lines)))
    for chunk in chunks[:-1]:
        await say(update, chunk)
    await say(update, chunks[-1], keyboard(rows))


async def button(update: Update, context: BotContext) -> None:
    """Every button of the report conversation (tl:…); stale or forged ones change nothing."""
    query = update.callback_query
    if query is None:
        return
    person = person_of(context, update)
    data = callbacks.parse(query.data, *BUTTONS)
    if person is None or person.id is None or data is None:
        await query.answer(t_plain(fallback_language(update), "button.expired"))
        return
    match data:
        case callbacks.ReportOpen(action_id=action_id):
            await _open(update, context, person, action_id or None)
        case callbacks.ReportPage(page=page):
            await query.answer()
            await _page(update, context, person, max(page, 1) - 1)
        case callbacks.ReportDrop(draft_id=draft_id, version=version):
            if not await _drop(context, person, draft_id, version):
                # An old message's Batal: the report being written now stays.
                await query.answer(t_plain(person.language, "button.expired"))
                return
            await query.answer()
            await say(update, t(person.language, "rtl.cancelled"))
        case (
            callbacks.ReportStatus()
            | callbacks.ReportSkipNote()
            | callbacks.ReportEvidenceDone()
            | callbacks.ReportSend()
        ):
            await _step(update, context, person, data)


BUTTONS: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.ReportOpen,
    callbacks.ReportPage,
    callbacks.ReportStatus,
    callbacks.ReportSkipNote,
    callbacks.ReportEvidenceDone,
    callbacks.ReportSend,
    callbacks.ReportDrop,
)


async def _open(update: Update, context: BotContext, person: Person, action_id: int | None) -> None:
    """Start a report on this action (refused for another organization's)."""
    query = update.callback_query
    assert query is not None
    lang, now = person.language, context.deps.clock.now()
    with context.uow() as session:
        try:
            draft = action_drafts.start_report(session, person, action_id, now=now)
            ended = end_other_conversations(session, context, person, Conversation.REPORT)
        except ActionError as error:
            problem: str | None = error.code
        else:
            problem = None
            action = session.get(Action, draft.action_id)
            assert action is not None
            today = _today(context, session, action)
            card = action_views.action_card(session, lang, action, today=today)
    if problem is not None:
        await query.answer(t_plain(lang, f"rtl.invalid.{problem}"), show_alert=True)
        return
    await query.answer()
    await say_ended(update, context, person, ended)
    await _ask(update, person, draft, card)


def _status_keyboard(lang: str, draft: ReportDraft) -> list[list[Button]]:
    def status(code: str) -> Button:
        data = callbacks.ReportStatus(draft.id or 0, draft.version, code)
        return _button(lang, f"rtl.status.{STATUS_CODES[code]}", data)

    return [
        [status("b"), status("j")],
        [status("s"), status("k")],
        [_button(lang, "rtl.cancel", callbacks.ReportDrop(draft.id or 0, draft.version))],
    ]


async def _ask(update: Update, person: Person, draft: ReportDraft, card: str = "") -> None:
    """The question of the draft's current step, with its buttons."""
    lang, stage = person.language, Stage(draft.stage)
    rows: list[list[Button]] = []
    if stage == Stage.STATUS:
        text = (
            Markup(card + "\n\n" + t(lang, "rtl.ask.status")) if card else t(lang, "rtl.ask.status")
        )
        rows = _status_keyboard(lang, draft)
    elif stage == Stage.NOTE:
        required = draft.status in actions.NOTE_REQUIRED
        text = t(lang, "rtl.ask.note_required" if required else "rtl.ask.note")
        if not required:
            rows = [
                [_button(lang, "rtl.skip", callbacks.ReportSkipNote(draft.id or 0, draft.version))]
            ]
    elif stage == Stage.EVIDENCE:
        text = t(lang, "rtl.ask.evidence")
        rows = [
            [_button(lang, "rtl.skip", callbacks.ReportEvidenceDone(draft.id or 0, draft.version))]
        ]
    else:
        return
    await say(update, text, keyboard(rows))


async def _step(
    update: Update,
    context: BotContext,
    person: Person,
    data: callbacks.ReportStatus
    | callbacks.ReportSkipNote
    | callbacks.ReportEvidenceDone
    | callbacks.ReportSend,
) -> None:
    """A status chosen, the note skipped, the evidence done, or the report sent."""
    query = update.callback_query
    assert query is not None and person.id is not None
    lang, now = person.language, context.deps.clock.now()
    problem: str | None = None
    preview = ""
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=now)
        try:
            if draft is None or draft.id != data.draft_id:
                raise ActionError(code="stale")
            version = data.version
            if isinstance(data, callbacks.ReportStatus) and data.code in STATUS_CODES:
                action_drafts.choose_status(
                    session, draft, STATUS_CODES[data.code], version=version, now=now
                )
            elif isinstance(data, callbacks.ReportSkipNote):
                action_drafts.skip_note(session, draft, version=version, now=now)
            elif isinstance(data, callbacks.ReportEvidenceDone):
                action_drafts.finish_evidence(session, draft, version=version, now=now)
                preview = _preview(session, lang, draft)
            elif isinstance(data, callbacks.ReportSend):
                report = action_drafts.send_report(session, draft, person, version=version, now=now)
                selesai = report.status == actions.ReportStatus.SELESAI.value
            else:
                raise ActionError(code="stale")
        except ActionError as error:
            problem = error.code
    if problem is not None:
        key = "button.expired" if problem == "stale" else f"rtl.invalid.{problem}"
        await query.answer(t_plain(lang, key), show_alert=problem != "stale")
        return
    await query.answer()
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):  # already without buttons (a double tap)
            await query.message.edit_reply_markup(reply_markup=None)
    assert draft is not None
    if isinstance(data, callbacks.ReportSend):
        context.deps.wake_delivery()
        await say(update, t(lang, "rtl.sent_selesai" if selesai else "rtl.sent"))
        return
    if isinstance(data, callbacks.ReportEvidenceDone):
        await _send_preview(update, person, draft, preview)
        return
    await _ask(update, person, draft)


async def _send_preview(update: Update, person: Person, draft: ReportDraft, preview: str) -> None:
    lang = person.language
    rows = [
        [
            _button(lang, "rtl.send", callbacks.ReportSend(draft.id or 0, draft.version)),
            _button(lang, "rtl.cancel", callbacks.ReportDrop(draft.id or 0, draft.version)),
        ]
    ]
    await say(update, preview, keyboard(rows))


def _preview(session: Session, lang: str, draft: ReportDraft) -> str:
    action = session.get(Action, draft.action_id)
    assert action is not None
    files = action_drafts.evidence_in(session, draft)
    return t(
        lang,
        "rtl.preview",
        title=action.title,
        status=action_views.status_label(lang, draft.status),
        note=draft.note or "-",
        files=len(files),
    )


async def draft_text(update: Update, context: BotContext) -> bool:
    """Typed text while a report waits for its note. True when taken; at the other steps the
    text goes on to the other features (a typed HADIR still answers an invitation)."""
    message = update.effective_message
    person = person_of(context, update)
    if message is None or not message.text or person is None or person.id is None:
        return False
    now = context.deps.clock.now()
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=now)
        if draft is None or draft.stage != Stage.NOTE.value:
            return False
        try:
            action_drafts.give_note(session, draft, message.text, now=now)
        except ActionError as error:
            problem: str | None = error.code
        else:
            problem = None
    if problem is not None:
        await say(update, t(person.language, f"rtl.invalid.{problem}"))
    await _ask(update, person, draft)
    return True


async def hint_text(update: Update, context: BotContext) -> bool:
    """Typed text nobody else took while a report waits for a button or a file: ask again."""
    person = person_of(context, update)
    if person is None or person.id is None:
        return False
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=context.deps.clock.now())
        at_preview = draft is not None and draft.stage == Stage.PREVIEW.value
        preview = _preview(session, person.language, draft) if at_preview and draft else ""
    if draft is None:
        return False
    if draft.stage == Stage.EVIDENCE.value:
        await _reask_evidence(update, person, draft, "rtl.invalid.evidence_text")
    elif draft.stage == Stage.PREVIEW.value:
        await say(update, t(person.language, "rtl.invalid.use_buttons"))
        await _send_preview(update, person, draft, preview)
    else:
        await say(update, t(person.language, "rtl.invalid.use_buttons"))
        await _ask(update, person, draft)
    return True


async def _reask_evidence(
    update: Update,
    person: Person,
    draft: ReportDraft,
    key: str,
    store: FileStore | None = None,
) -> None:
    lang = person.language
    rows = [[_button(lang, "rtl.skip", callbacks.ReportEvidenceDone(draft.id or 0, draft.version))]]
    limit = _size_text(store.max_bytes) if store is not None else ""
    await say(update, t(lang, key, limit=limit), keyboard(rows))


def _size_text(size: int) -> str:
    """10 MB, or 500 KB for a limit under a megabyte."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def _evidence_draft(
    context: BotContext, person: Person, now: datetime
) -> tuple[ReportDraft | None, set[str]]:
    """The draft waiting for evidence, and the files it already holds (by Telegram's unique
    id, so the same photo sent twice is not downloaded twice)."""
    assert person.id is not None
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=now)
        if draft is None or draft.stage != Stage.EVIDENCE.value:
            return None, set()
        return draft, {e.file_unique_id for e in action_drafts.evidence_in(session, draft)}


async def file_before_note(update: Update, context: BotContext) -> bool:
    """A photo or document nobody else took while a report waits for its note (after the
    minutes of a meeting being closed had their chance): ask for the note first."""
    person = person_of(context, update)
    if person is None or person.id is None:
        return False
    return await _note_first(update, context, person)


async def _note_first(update: Update, context: BotContext, person: Person) -> bool:
    """A file while the note is awaited: say so, and ask for the note again."""
    assert person.id is not None
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=context.deps.clock.now())
    if draft is None or draft.stage != Stage.NOTE.value:
        return False
    await say(update, t(person.language, "rtl.invalid.note_first"))
    await _ask(update, person, draft)
    return True


async def evidence(update: Update, context: BotContext) -> bool:
    """A photo or document while a report waits for evidence: checked, downloaded, kept.

    Too big or the wrong kind gets a clear re-ask; a download or disk failure says "send it
    again" and keeps the draft as it was.
    """
    message = update.effective_message
    person = person_of(context, update)
    if message is None or person is None or (not message.photo and message.document is None):
        return False
    if person.id is None:
        return False
    now = context.deps.clock.now()
    draft, held = _evidence_draft(context, person, now)
    if draft is None:
        return False
    store, lang = context.deps.files, person.language
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        kind, file_id, unique, size = "photo", photo.file_id, photo.file_unique_id, photo.file_size
        name, mime = "", "image/jpeg"
    else:
        document = message.document
        assert document is not None
        kind, file_id, unique = "document", document.file_id, document.file_unique_id
        size, name = document.file_size, document.file_name or ""
        try:
            mime = evidence_type(document.mime_type, name)
        except FileRefused:
            await _reask_evidence(update, person, draft, "rtl.invalid.file_type")
            return True
    if unique in held:  # the same file again: already kept
        rows = [
            [
                _button(
                    lang,
                    "rtl.evidence_done",
                    callbacks.ReportEvidenceDone(draft.id or 0, draft.version),
                    count=len(held),
                )
            ]
        ]
        await say(update, t(lang, "rtl.evidence_added", count=len(held)), keyboard(rows))
        return True
    try:
        store.check_size(size)
        tg_file = await context.bot.get_file(file_id)
        data = bytes(await tg_file.download_as_bytearray())
        if kind == "photo" and data[:8] == b"\x89PNG\r\n\x1a\n":
            mime = "image/png"  # Telegram sends JPEG; a local server may keep the upload
        path = store.save(f"actions/{draft.action_id}", data, mime_type=mime, hint=kind)
    except FileRefused:
        log.info("evidence refused: %s bytes, the limit is %s", size, store.max_bytes)
        await _reask_evidence(update, person, draft, "rtl.invalid.file_size", store)
        return True
    except BadRequest as error:  # "file is too big" past Telegram's 20 MB download limit
        log.info("evidence not downloadable: %s", error)
        await _reask_evidence(update, person, draft, "rtl.invalid.file_size", store)
        return True
    except (TelegramError, OSError) as error:
        log.warning("evidence not saved: %s", error)
        await _reask_evidence(update, person, draft, "rtl.invalid.file_failed")
        return True
    row = Evidence(
        kind=kind,
        telegram_file_id=file_id,
        file_unique_id=unique,
        file_name=name[:200],
        mime_type=mime,
        size=len(data),
        path=path,
        created_at=now,
    )
    with context.uow() as session:
        current = session.get(ReportDraft, draft.id)
        try:
            if current is None:
                raise ActionError(code="stale")
            count = action_drafts.add_evidence(session, current, row, now=now)
        except ActionError as error:
            problem: str | None = error.code
        else:
            problem = None
    if problem is not None:
        store.remove(path)
        await say(update, t(lang, f"rtl.invalid.{problem}"))
        return True
    rows = [
        [
            _button(
                lang,
                "rtl.evidence_done",
                callbacks.ReportEvidenceDone(draft.id or 0, draft.version),
                count=count,
            )
        ]
    ]
    await say(update, t(lang, "rtl.evidence_added", count=count), keyboard(rows))
    return True


async def other_message(update: Update, context: BotContext) -> bool:
    """A sticker, voice note or video while evidence is awaited: say what is accepted."""
    person = person_of(context, update)
    if person is None or person.id is None:
        return False
    draft, _ = _evidence_draft(context, person, context.deps.clock.now())
    if draft is None:
        return await _note_first(update, context, person)
    await _reask_evidence(update, person, draft, "rtl.invalid.file_type")
    return True


async def _drop(
    context: BotContext,
    person: Person,
    draft_id: int | None = None,
    version: int | None = None,
) -> bool:
    """Delete the person's report draft and its downloaded files. With a button's draft id and
    version, only that very draft (a Batal under an old message changes nothing)."""
    assert person.id is not None
    with context.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=context.deps.clock.now())
        if (
            draft is not None
            and draft_id is not None
            and (draft.id, draft.version)
            != (
                draft_id,
                version,
            )
        ):
            draft = None
        paths = action_drafts.drop_report(session, draft) if draft is not None else None
    for path in paths or []:
        context.deps.files.remove(path)
    return paths is not None


async def cancel_draft(update: Update, context: BotContext) -> bool:
    """/batal during a report: the draft and its files are dropped. True when there was one."""
    person = person_of(context, update)
    if person is None or person.id is None or not await _drop(context, person):
        return False
    await say(update, t(person.language, "rtl.cancelled"))
    return True
