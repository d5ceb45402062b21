"""An admin sends the roster or an RTL sheet as a document: the row-by-row check, then Simpan.

For the secretariat on the road: the sheet arrives from a colleague in the chat, and is
forwarded to the bot as it is. The bot tells a roster from an RTL sheet by its headers, checks
every row in a transaction it rolls back, and answers with the same report as
``pokjanal roster import --dry-run`` (or ``action import``) and a **Simpan** button. The file
waits in the file store (``lembar/``, named after the admin) for half an hour, so Simpan
imports the very file that was checked, after a restart too; it is deleted once saved, and
sheets left unsaved are cleared at the next upload.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Update

from handlers import callbacks
from handlers.action_report import telegram_file
from handlers.chat import person_of
from handlers.context import BotContext
from handlers.i18n import Markup, t, t_plain
from handlers.import_reports import reasons_of, row_lines, summary, too_large
from handlers.port import Chat, Env, FileFailed, FileTooBig, IncomingFile
from handlers.telegram_chat import TelegramChat
from models.action_import import ActionImportReport
from models.file_store import FileRefused, FileStore
from models.messages import Button
from models.organizations import zone_of
from models.people import Person
from models.sheet_import import SheetResult, import_sheet
from models.sheets import MissingColumns

log = logging.getLogger(__name__)
SUFFIXES = (".csv", ".xlsx")
FOLDER = "lembar"
KEEP_SECONDS = 30 * 60
ERRORS_SHOWN = 20  # refused rows listed in the chat; the rest are counted


def _path(env: Env, admin: Person, token: str, suffix: str) -> Path:
    return env.deps.files.path_of(f"{FOLDER}/{admin.id}-{token}{suffix}")


def _kept(env: Env, admin: Person, token: str) -> Path | None:
    """The admin's own sheet of that token, while it is fresh."""
    for suffix in SUFFIXES:
        path = _path(env, admin, token, suffix)
        if path.is_file():
            if time.time() - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink(missing_ok=True)
                return None
            return path
    return None


def clear_stale(files: FileStore) -> int:
    """Sheets checked and never saved: they hold phone numbers, so they go after half an hour
    (at the next upload, and at the hourly sweep). Returns how many went."""
    folder = files.path_of(FOLDER)
    removed = 0
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and time.time() - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def report_text(lang: str, result: SheetResult, *, saved: bool) -> Markup:
    """What kind of sheet, the refused rows and why (the CLI's words), the counts."""
    errors = result.report.errors
    lines = [
        t(lang, "lembar.row", text=line)
        for line in row_lines(lang, errors[:ERRORS_SHOWN], reasons_of(result.report))
    ]
    if len(errors) > ERRORS_SHOWN:
        lines.append(t(lang, "lembar.more_rows", count=len(errors) - ERRORS_SHOWN))
    head = t(lang, f"lembar.kind.{result.kind.value}", summary=summary(lang, result.report))
    tail = t(lang, "lembar.saved" if saved else "lembar.not_saved_yet")
    return Markup("\n".join([head, *lines, tail]))


def _run(
    env: Env, admin: Person, path: Path, *, save: bool, name: str = ""
) -> tuple[list[str], list[list[str]]] | SheetResult | str:
    """Read and import the sheet (rolled back unless ``save``); a text when it cannot be."""
    lang = admin.language
    read_sheet = env.deps.read_sheet
    if read_sheet is None:
        return t_plain(lang, "lembar.unavailable")
    try:
        headers, rows = read_sheet(path)
    except Exception as exc:  # the reader's UnreadableTable, or a damaged file
        log.info("a sheet sent in the chat could not be read: %s", exc)
        return too_large(lang, exc, name) or t_plain(lang, "lembar.damaged")
    now = env.deps.clock.now()
    with Session(env.deps.engine, expire_on_commit=False) as session:
        zone = zone_of(session, admin.organization_id, env.deps.timezone)
        today = now.astimezone(ZoneInfo(zone)).date()
        try:
            result = import_sheet(session, headers, rows, now=now, today=today)
        except MissingColumns as exc:
            return t_plain(lang, "lembar.unknown_columns", columns=", ".join(exc.missing))
        if save:
            session.commit()
        else:
            session.rollback()
    return result


async def on_file(chat: Chat, env: Env, incoming: IncomingFile) -> bool:
    """A document that is a sheet, from an admin: checked, with Simpan. False otherwise (the
    file is someone else's business: a report's evidence, the minutes)."""
    admin = env.person_of(chat.account)
    suffix = Path(incoming.name or "").suffix.lower()
    if admin is None or not admin.is_admin or admin.id is None or suffix not in SUFFIXES:
        return False
    lang = admin.language
    try:
        env.deps.files.check_size(incoming.size)
        data = await incoming.download()
        env.deps.files.check_size(len(data))
    except (FileTooBig, FileRefused):
        await chat.say(t(lang, "lembar.too_big"))
        return True
    except FileFailed:
        await chat.say(t(lang, "lembar.failed"))
        return True
    clear_stale(env.deps.files)
    token = secrets.token_urlsafe(12)
    path = _path(env, admin, token, suffix)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError:
        await chat.say(t(lang, "lembar.failed"))
        return True
    result = await asyncio.to_thread(_run, env, admin, path, save=False, name=incoming.name)
    if not isinstance(result, SheetResult):
        path.unlink(missing_ok=True)
        await chat.say(t(lang, "lembar.unreadable", reason=str(result)))
        return True
    buttons: list[list[Button]] = []
    if result.savable:
        label = t_plain(lang, "lembar.save", count=result.savable)
        buttons.append([Button(label, callbacks.SheetSave(token).encode())])
    else:
        path.unlink(missing_ok=True)
    await chat.say(report_text(lang, result, saved=False), buttons or None)
    return True


async def on_save(chat: Chat, env: Env, data: callbacks.SheetSave) -> None:
    """Simpan: the checked file imported for real, once."""
    admin = env.person_of(chat.account)
    if admin is None or not admin.is_admin or admin.id is None:
        lang = admin.language if admin else None
        await chat.ack(t_plain(lang, "admin.only"), alert=True)
        return
    lang = admin.language
    path = _kept(env, admin, data.token)
    if path is None:
        await chat.ack(t_plain(lang, "lembar.gone"), alert=True)
        await chat.buttons_used()
        return
    # Taken before importing: a second tap finds no file and imports nothing twice.
    taken = path.with_name("simpan-" + path.name)
    try:
        path.rename(taken)
    except OSError:
        await chat.ack(t_plain(lang, "lembar.gone"), alert=True)
        return
    await chat.ack()
    await chat.buttons_used()
    try:
        result = await asyncio.to_thread(_run, env, admin, taken, save=True)
    finally:
        taken.unlink(missing_ok=True)
    if not isinstance(result, SheetResult):
        await chat.say(t(lang, "lembar.unreadable", reason=str(result)))
        return
    if isinstance(result.report, ActionImportReport) and result.report.created:
        env.deps.wake_delivery()  # the owners' assignment notices
    await chat.say(report_text(lang, result, saved=True))


# -- Telegram ------------------------------------------------------------------------------


async def document(update: Update, context: BotContext) -> bool:
    incoming = telegram_file(update, context)
    if incoming is None or incoming.kind != "document" or update.effective_user is None:
        return False
    return await on_file(TelegramChat(update, context), context, incoming)


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    data = callbacks.SheetSave.decode(query.data)
    if data is None:
        person = person_of(context, update)
        await query.answer(t_plain(person.language if person else None, "button.expired"))
        return
    await on_save(TelegramChat(update, context), context, data)
