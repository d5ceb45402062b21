"""/tindaklanjut: report on one of my organization's follow-ups.

Pick the action → status → note → photos or documents as evidence → preview → send. The draft
is in the database step by step (models.action_drafts), so a restart loses nothing; evidence is
downloaded to the file store as it arrives, and /batal drops the draft and its files.

The steps are written against the ``Chat`` port (``on_*``) and serve both channels; a file
arrives as an ``IncomingFile`` whichever app sent it. The Telegram handlers at the end only
wrap an ``Update``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlmodel import Session
from telegram import Update
from telegram.error import BadRequest, TelegramError

from handlers import action_views, callbacks
from handlers.action_views import STATUS_CODES
from handlers.chat import end_other_conversations, say_ended_in, with_lead
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.message_split import split_message
from handlers.port import Chat, Env, FileFailed, FileTooBig, IncomingFile, Keyboard
from handlers.telegram_chat import TelegramChat
from models import action_drafts, actions
from models.action_drafts import ReportDraft, Stage
from models.actions import Action, ActionError, Evidence
from models.conversations import Conversation
from models.file_store import (
    IMAGE_TYPES,
    FileRefused,
    FileStore,
    evidence_type,
    verified_type,
)
from models.messages import Button
from models.people import Person

log = logging.getLogger(__name__)
PAGE = 8  # actions per page of /tindaklanjut: one screen, well under 4096 characters


def _button(lang: str, key: str, data: callbacks.CallbackData, **values: object) -> Button:
    """Button labels are not parsed by Telegram: plain text, never HTML-escaped."""
    return Button(t_plain(lang, key, **values), data.encode())


def _today(env: Env, session: Session, action: Action) -> date:
    return action_views.today_for(session, action, env.deps.clock.now(), env.deps.timezone)


async def on_tindaklanjut(chat: Chat, env: Env) -> None:
    """/tindaklanjut: my organization's open follow-ups, a page at a time, a button each."""
    person = env.person_of(chat.account)
    if person is None:
        await chat.say(t(language_of(chat.language_hint), "register.prompt"))
        return
    await _page(chat, env, person, 0)


async def _page(chat: Chat, env: Env, person: Person, page: int) -> None:
    lang, now = person.language, env.deps.clock.now()
    with env.uow() as session:
        mine = actions.actions_of(session, person)
        pages = max(1, -(-len(mine) // PAGE))
        page = min(max(page, 0), pages - 1)
        lines, rows = [], []
        for number, action in enumerate(mine[page * PAGE : (page + 1) * PAGE], page * PAGE + 1):
            today = action_views.today_for(session, action, now, env.deps.timezone)
            lines.append(action_views.list_line(session, lang, action, number=number, today=today))
            rows.append([action_views.report_button(lang, action, number=number)])
    if not mine:
        await chat.say(t(lang, "rtl.none_mine"))
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
        await chat.say(chunk)
    await chat.say(chunks[-1], rows)


BUTTONS: tuple[type[callbacks.CallbackData], ...] = (
    callbacks.ReportOpen,
    callbacks.ReportPage,
    callbacks.ReportStatus,
    callbacks.ReportSkipNote,
    callbacks.ReportEvidenceDone,
    callbacks.ReportSend,
    callbacks.ReportDrop,
)


async def on_button(chat: Chat, env: Env, data: callbacks.CallbackData | None) -> None:
    """Every button of the report conversation (tl:…); stale or forged ones change nothing."""
    person = env.person_of(chat.account)
    if person is None or person.id is None or data is None:
        await chat.ack(t_plain(language_of(chat.language_hint), "button.expired"))
        return
    match data:
        case callbacks.ReportOpen(action_id=action_id):
            await _open(chat, env, person, action_id or None)
        case callbacks.ReportPage(page=page):
            await chat.ack()
            await _page(chat, env, person, max(page, 1) - 1)
        case callbacks.ReportDrop(draft_id=draft_id, version=version):
            if not await _drop(env, person, draft_id, version):
                # An old message's Batal: the report being written now stays.
                await chat.ack(t_plain(person.language, "button.expired"))
                return
            await chat.ack()
            await chat.say(t(person.language, "rtl.cancelled"))
        case (
            callbacks.ReportStatus()
            | callbacks.ReportSkipNote()
            | callbacks.ReportEvidenceDone()
            | callbacks.ReportSend()
        ):
            await _step(chat, env, person, data)
        case _:
            await chat.ack(t_plain(person.language, "button.expired"))


async def _open(chat: Chat, env: Env, person: Person, action_id: int | None) -> None:
    """Start a report on this action (refused for another organization's)."""
    lang, now = person.language, env.deps.clock.now()
    with env.uow() as session:
        try:
            draft = action_drafts.start_report(session, person, action_id, now=now)
            ended = end_other_conversations(session, env, person, Conversation.REPORT)
        except ActionError as error:
            problem: str | None = error.code
        else:
            problem = None
            action = session.get(Action, draft.action_id)
            assert action is not None
            today = _today(env, session, action)
            card = action_views.action_card(session, lang, action, today=today)
    if problem is not None:
        await chat.ack(t_plain(lang, f"rtl.invalid.{problem}"), alert=True)
        return
    await chat.ack()
    await say_ended_in(chat, env, person, ended)
    await _ask(chat, person, draft, card)


def _status_keyboard(lang: str, draft: ReportDraft) -> list[list[Button]]:
    def status(code: str) -> Button:
        data = callbacks.ReportStatus(draft.id or 0, draft.version, code)
        return _button(lang, f"rtl.status.{STATUS_CODES[code]}", data)

    return [
        [status("b"), status("j")],
        [status("s"), status("k")],
        # Last and alone, labelled as leaving: on WhatsApp the five are rows of one list,
        # where a bare "Batal" read as a fifth status.
        [_button(lang, "rtl.report_cancel", callbacks.ReportDrop(draft.id or 0, draft.version))],
    ]


async def _ask(
    chat: Chat, person: Person, draft: ReportDraft, card: str = "", *, lead: str = ""
) -> None:
    """The question of the draft's current step, with its buttons; ``lead`` (what was wrong
    with the last answer) opens the same message, so a refusal is one message, not two."""
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
    await chat.say(with_lead(lead, text), rows)


async def _step(
    chat: Chat,
    env: Env,
    person: Person,
    data: callbacks.ReportStatus
    | callbacks.ReportSkipNote
    | callbacks.ReportEvidenceDone
    | callbacks.ReportSend,
) -> None:
    """A status chosen, the note skipped, the evidence done, or the report sent."""
    assert person.id is not None
    lang, now = person.language, env.deps.clock.now()
    problem: str | None = None
    preview = ""
    with env.uow() as session:
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
        await chat.ack(t_plain(lang, key), alert=problem != "stale")
        return
    await chat.ack()
    await chat.buttons_used()
    assert draft is not None
    if isinstance(data, callbacks.ReportSend):
        env.deps.wake_delivery()
        await chat.say(t(lang, "rtl.sent_selesai" if selesai else "rtl.sent"))
        return
    if isinstance(data, callbacks.ReportEvidenceDone):
        await _send_preview(chat, person, draft, preview)
        return
    await _ask(chat, person, draft)


async def _send_preview(chat: Chat, person: Person, draft: ReportDraft, preview: str) -> None:
    lang = person.language
    rows = [
        [
            _button(lang, "rtl.send", callbacks.ReportSend(draft.id or 0, draft.version)),
            _button(lang, "rtl.report_cancel", callbacks.ReportDrop(draft.id or 0, draft.version)),
        ]
    ]
    await chat.say(preview, rows)


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


async def on_text(chat: Chat, env: Env, text: str) -> bool:
    """Typed text while a report waits for its note. True when taken; at the other steps the
    text goes on to the other features (a typed HADIR still answers an invitation)."""
    person = env.person_of(chat.account)
    if not text or person is None or person.id is None:
        return False
    now = env.deps.clock.now()
    with env.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=now)
        if draft is None or draft.stage != Stage.NOTE.value:
            return False
        try:
            action_drafts.give_note(session, draft, text, now=now)
        except ActionError as error:
            problem: str | None = error.code
        else:
            problem = None
    lead = t(person.language, f"rtl.invalid.{problem}") if problem is not None else ""
    await _ask(chat, person, draft, lead=lead)
    return True


async def on_hint(chat: Chat, env: Env) -> bool:
    """Typed text nobody else took while a report waits for a button or a file: ask again."""
    person = env.person_of(chat.account)
    if person is None or person.id is None:
        return False
    with env.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=env.deps.clock.now())
        at_preview = draft is not None and draft.stage == Stage.PREVIEW.value
        preview = _preview(session, person.language, draft) if at_preview and draft else ""
    if draft is None:
        return False
    if draft.stage == Stage.EVIDENCE.value:
        await _reask_evidence(chat, person, draft, "rtl.invalid.evidence_text")
    elif draft.stage == Stage.PREVIEW.value:
        lead = t(person.language, "rtl.invalid.use_buttons")
        await _send_preview(chat, person, draft, with_lead(lead, preview))
    else:
        await _ask(chat, person, draft, lead=t(person.language, "rtl.invalid.use_buttons"))
    return True


async def _reask_evidence(
    chat: Chat,
    person: Person,
    draft: ReportDraft,
    key: str,
    store: FileStore | None = None,
) -> None:
    lang = person.language
    rows = [[_button(lang, "rtl.skip", callbacks.ReportEvidenceDone(draft.id or 0, draft.version))]]
    limit = _size_text(store.max_bytes) if store is not None else ""
    await chat.say(t(lang, key, limit=limit), rows)


def _size_text(size: int) -> str:
    """10 MB, or 500 KB for a limit under a megabyte."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def _evidence_draft(env: Env, person: Person, now: datetime) -> tuple[ReportDraft | None, set[str]]:
    """The draft waiting for evidence, and the files it already holds (by the channel's unique
    id, so the same photo sent twice is not downloaded twice)."""
    assert person.id is not None
    with env.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=now)
        if draft is None or draft.stage != Stage.EVIDENCE.value:
            return None, set()
        return draft, {e.file_unique_id for e in action_drafts.evidence_in(session, draft)}


async def on_file_before_note(chat: Chat, env: Env) -> bool:
    """A photo or document nobody else took while a report waits for its note (after the
    minutes of a meeting being closed had their chance): ask for the note first."""
    person = env.person_of(chat.account)
    if person is None or person.id is None:
        return False
    return await _note_first(chat, env, person)


async def _note_first(chat: Chat, env: Env, person: Person) -> bool:
    """A file while the note is awaited: say so, and ask for the note again."""
    assert person.id is not None
    with env.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=env.deps.clock.now())
    if draft is None or draft.stage != Stage.NOTE.value:
        return False
    await _ask(chat, person, draft, lead=t(person.language, "rtl.invalid.note_first"))
    return True


def _evidence_done(lang: str, draft: ReportDraft, count: int) -> Keyboard:
    data = callbacks.ReportEvidenceDone(draft.id or 0, draft.version)
    return [[_button(lang, "rtl.evidence_done", data, count=count)]]


async def on_evidence(chat: Chat, env: Env, incoming: IncomingFile) -> bool:
    """A photo or document while a report waits for evidence: checked, downloaded, kept.

    Too big or the wrong kind gets a clear re-ask; a download or disk failure says "send it
    again" and keeps the draft as it was.
    """
    person = env.person_of(chat.account)
    if person is None or person.id is None:
        return False
    now = env.deps.clock.now()
    draft, held = _evidence_draft(env, person, now)
    if draft is None:
        return False
    store, lang = env.deps.files, person.language
    if incoming.kind == "photo":  # an image by the channel's word; its bytes say which
        mime = incoming.mime if incoming.mime in IMAGE_TYPES else "image/jpeg"
    else:
        try:
            mime = evidence_type(incoming.mime, incoming.name)
        except FileRefused:
            await _reask_evidence(chat, person, draft, "rtl.invalid.file_type")
            return True
    if incoming.unique_id in held:  # the same file again: already kept
        count = len(held)
        await chat.say(
            t(lang, "rtl.evidence_added", count=count), _evidence_done(lang, draft, count)
        )
        return True
    try:
        store.check_size(incoming.size)
        data = await incoming.download()
        store.check_size(len(data))
        # The first bytes decide, not the type the app declared (checked before anything is
        # written); a photo Telegram calls JPEG may be the PNG a local server kept.
        mime = verified_type(mime, data)
        path = store.save(f"actions/{draft.action_id}", data, mime_type=mime, hint=incoming.kind)
    except (FileRefused, FileTooBig) as error:
        if isinstance(error, FileRefused) and error.code == "type":
            log.info("evidence refused: %r does not start as %s does", incoming.name, mime)
            await _reask_evidence(chat, person, draft, "rtl.invalid.file_type")
            return True
        log.info(
            "evidence refused (%s bytes, the limit is %s): %s",
            incoming.size,
            store.max_bytes,
            error,
        )
        await _reask_evidence(chat, person, draft, "rtl.invalid.file_size", store)
        return True
    except (FileFailed, OSError) as error:
        log.warning("evidence not saved: %s", error)
        await _reask_evidence(chat, person, draft, "rtl.invalid.file_failed")
        return True
    row = Evidence(
        kind=incoming.kind,
        telegram_file_id=incoming.channel_file_id,
        file_unique_id=incoming.unique_id,
        file_name=incoming.name[:200],
        mime_type=mime,
        size=len(data),
        path=path,
        created_at=now,
    )
    with env.uow() as session:
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
        await chat.say(t(lang, f"rtl.invalid.{problem}"))
        return True
    await chat.say(t(lang, "rtl.evidence_added", count=count), _evidence_done(lang, draft, count))
    return True


async def on_other(chat: Chat, env: Env) -> bool:
    """A sticker, voice note or video while evidence is awaited: say what is accepted."""
    person = env.person_of(chat.account)
    if person is None or person.id is None:
        return False
    draft, _ = _evidence_draft(env, person, env.deps.clock.now())
    if draft is None:
        return await _note_first(chat, env, person)
    await _reask_evidence(chat, person, draft, "rtl.invalid.file_type")
    return True


async def _drop(
    env: Env,
    person: Person,
    draft_id: int | None = None,
    version: int | None = None,
) -> bool:
    """Delete the person's report draft and its downloaded files. With a button's draft id and
    version, only that very draft (a Batal under an old message changes nothing)."""
    assert person.id is not None
    with env.uow() as session:
        draft = action_drafts.report_draft_of(session, person.id, now=env.deps.clock.now())
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
        env.deps.files.remove(path)
    return paths is not None


async def on_cancel(chat: Chat, env: Env) -> bool:
    """/batal during a report: the draft and its files are dropped. True when there was one."""
    person = env.person_of(chat.account)
    if person is None or person.id is None or not await _drop(env, person):
        return False
    await chat.say(t(person.language, "rtl.cancelled"))
    return True


# -- Telegram ------------------------------------------------------------------------------


def _chat(update: Update, context: BotContext) -> TelegramChat | None:
    return TelegramChat(update, context) if update.effective_user is not None else None


async def tindaklanjut(update: Update, context: BotContext) -> None:
    if (chat := _chat(update, context)) is not None:
        await on_tindaklanjut(chat, context)


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None and (chat := _chat(update, context)) is not None:
        await on_button(chat, context, callbacks.parse(query.data, *BUTTONS))


async def draft_text(update: Update, context: BotContext) -> bool:
    message = update.effective_message
    chat = _chat(update, context)
    if message is None or not message.text or chat is None:
        return False
    return await on_text(chat, context, message.text)


async def hint_text(update: Update, context: BotContext) -> bool:
    chat = _chat(update, context)
    return chat is not None and await on_hint(chat, context)


async def file_before_note(update: Update, context: BotContext) -> bool:
    chat = _chat(update, context)
    return chat is not None and await on_file_before_note(chat, context)


def telegram_file(update: Update, context: BotContext) -> IncomingFile | None:
    """The photo (its largest size) or document of a Telegram message, as a channel-neutral
    file whose download maps Telegram's errors."""
    message = update.effective_message
    if message is None or (not message.photo and message.document is None):
        return None
    mime: str | None = "image/jpeg"
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        kind, file_id, unique, size = "photo", photo.file_id, photo.file_unique_id, photo.file_size
        name = ""
    else:
        document = message.document
        assert document is not None
        kind, file_id, unique = "document", document.file_id, document.file_unique_id
        size, name, mime = document.file_size, document.file_name or "", document.mime_type

    async def download() -> bytes:
        try:
            tg_file = await context.bot.get_file(file_id)
            return bytes(await tg_file.download_as_bytearray())
        except BadRequest as error:  # "file is too big" past Telegram's 20 MB download limit
            raise FileTooBig(str(error)) from error
        except TelegramError as error:
            raise FileFailed(str(error)) from error

    return IncomingFile(kind, unique, size, name, mime, download, channel_file_id=file_id)


async def evidence(update: Update, context: BotContext) -> bool:
    chat = _chat(update, context)
    incoming = telegram_file(update, context)
    if chat is None or incoming is None:
        return False
    return await on_evidence(chat, context, incoming)


async def other_message(update: Update, context: BotContext) -> bool:
    chat = _chat(update, context)
    return chat is not None and await on_other(chat, context)


async def cancel_draft(update: Update, context: BotContext) -> bool:
    chat = _chat(update, context)
    return chat is not None and await on_cancel(chat, context)
