"""/rekap (admin): a meeting's recap on one phone screen, for an admin on the road.

``/rekap`` lists the upcoming and recent meetings as buttons; ``/rekap <id>`` or a tap on one
sends a single photo: the chart of answers per *kind* of organization (OPD, Puskesmas,
kecamatan, desa, Posyandu) with, as its caption, the funnel, the answers, each kind's numbers
and the few organizations holding it back. Under it: **Belum menjawab (N)** (a paged list),
**Ingatkan yang belum menjawab**, **Unduh daftar hadir** (the XLSX and the PDF as documents)
and **Buka konsol** (a one-time link to the meeting's page in the web console, where the
whole table is). Before, the recap of 111 invitees was five long messages and a chart whose
one "lainnya" bar squashed the rest: about 22 phone screens.

Buttons carry everything they need (``rk:1:<step>:<meeting id>[:<page>]``), so they work days
later and after a restart. Register with ``register(app)``.
"""

from __future__ import annotations

import asyncio
import html
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters
from telegram.ext import BaseHandler as TelegramHandler

from handlers import callbacks
from handlers.attendance_export import attendance_file, attendance_rows
from handlers.chat import person_of
from handlers.console_link import console_link
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.message_split import visible_len, visible_text
from handlers.people_view import format_when, organization_name
from handlers.recap_chart import kinds_chart
from handlers.telegram_chat import TelegramChat
from models import actions, audit
from models.errors import NotFound
from models.meetings import Meeting, MeetingStatus
from models.people import Person
from models.recap import (
    LAGGARDS,
    KindLine,
    PersonLine,
    Recap,
    get_meeting,
    is_open_for_answers,
    nudge_non_responders,
    recap,
    recent_meetings,
)

COMMAND = "rekap"
CAPTION_LIMIT = 1024  # Telegram's, counted on the parsed text
BUTTON_TITLE = 40  # characters of a meeting's title on a list button
NAME_ROOM = 28  # characters of an organization's name among a kind's laggards
VENUE_ROOM = 40
PAGE_SIZE = 15  # names per page of "Belum menjawab": one phone screen
LINE_ROOM = 60  # characters of a name, and of an organization, on one line of that list

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


# --------------------------------------------------------------------------- registration
def _ours(handler: TelegramHandler[Any, Any, Any]) -> bool:
    if isinstance(handler, CommandHandler):
        return COMMAND in handler.commands
    if isinstance(handler, CallbackQueryHandler):
        return getattr(handler.pattern, "pattern", None) == callbacks.pattern(callbacks.RECAP)
    return False


def is_registered(app: AnyApplication) -> bool:
    return any(_ours(h) for group in app.handlers.values() for h in group)


def register(app: AnyApplication) -> None:
    """Add /rekap and its buttons to group 0, ahead of that group's catch-alls.

    Group 0 ends with handlers that take any message or any button (``common.anything_else``,
    ``common.expired_button``); a handler appended after them would never run. These two
    handlers match only ``/rekap`` and ``rk:`` buttons, so putting them first changes nothing
    for any other update, and this works whether it is called inside ``register_all`` or after
    it. Calling it twice adds nothing.
    """
    if is_registered(app):
        return
    ours: list[TelegramHandler[Any, Any, Any]] = [
        CommandHandler(COMMAND, rekap, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(button, pattern=callbacks.pattern(callbacks.RECAP)),
    ]
    for handler in ours:
        app.add_handler(handler)  # the library's checks, and group 0 created if missing
    group = app.handlers[0]
    for handler in ours:
        group.remove(handler)
    group[0:0] = ours


# --------------------------------------------------------------------------- rendering
def _percent(lang: str, count: int, total: int) -> Markup:
    return t(lang, "rekap.percent", count=count, percent=round(100 * count / total) if total else 0)


def _short(text: str, room: int) -> str:
    """Cut at a word with "…" (a name cut mid-word reads as another name)."""
    text = " ".join(text.split())
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    if text[room - 1] not in " ,.;:-" and " " in cut[room // 2 :]:  # mid-word: back to a space
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.-") + "…"


def _laggards(lang: str, line: KindLine, count: int) -> Markup | None:
    named = line.laggards[:count]
    if not named:
        return None
    names = ", ".join(
        str(
            t(
                lang,
                "rekap.laggard",
                name=_short(html.unescape(organization_name(lang, org.organization)), NAME_ROOM),
                count=org.counts["pending"],
            )
        )
        for org in named
    )
    more = line.more_laggards + len(line.laggards) - len(named)
    tail = t(lang, "rekap.laggards_more", count=more) if more else Markup("")
    return Markup(t(lang, "rekap.laggards", names=Markup(names)) + tail)


def _kind_lines(lang: str, data: Recap, laggards: int) -> list[Markup]:
    lines = [t(lang, "rekap.kinds_header")]
    for line in data.kinds:
        key = "rekap.kind_line" if line.organizations else "rekap.kind_line.none"
        lines.append(
            t(
                lang,
                key,
                kind=t_plain(lang, f"rekap.kind.{line.kind}"),
                answered=line.answered,
                invited=line.invited,
                covered=line.covered,
                organizations=line.organizations,
            )
        )
        lagging = _laggards(lang, line, laggards)
        if lagging is not None:
            lines.append(lagging)
    return lines


def _head(lang: str, data: Recap, now_text: str) -> list[Markup]:
    meeting = data.meeting
    lines = [
        t(
            lang,
            "rekap.header",
            title=_short(meeting.title, 80),
            when=format_when(lang, meeting.starts_at, meeting.timezone),
            venue=_short(meeting.venue, VENUE_ROOM),
        )
    ]
    if meeting.status != MeetingStatus.SCHEDULED.value:
        lines.append(t(lang, f"rekap.status.{meeting.status}"))
    elif not data.open_for_answers:
        lines.append(t(lang, "rekap.status.closed"))
    funnel, invited = data.funnel, data.funnel.invited
    lines.append(
        t(
            lang,
            "rekap.funnel",
            invited=invited,
            delivered=_percent(lang, funnel.delivered, invited),
            answered=_percent(lang, funnel.answered, invited),
            checked_in=_percent(lang, funnel.checked_in, invited),
        )
    )
    lines.append(t(lang, "rekap.answers", **data.answers))
    if any(line.channel != "telegram" for line in funnel.channels):
        for line in funnel.channels:  # with WhatsApp in play: what each channel achieved
            key = "rekap.channel.read" if line.read is not None else "rekap.channel.sent"
            channel = t_plain(lang, f"channel.{line.channel}")
            lines.append(
                t(
                    lang,
                    key,
                    channel=channel,
                    sent=line.sent,
                    delivered=line.delivered,
                    read=line.read or 0,
                )
            )
    if data.walk_ins:
        lines.append(t(lang, "rekap.walk_ins", count=data.walk_ins))
    return lines


def recap_caption(
    lang: str, data: Recap, *, now_text: str, carried: int = 0, overdue: int = 0
) -> str:
    """The recap as a photo caption: within Telegram's 1,024 characters whatever the numbers,
    by naming fewer laggards per kind when the names are long. ``carried`` and ``overdue``
    count the open follow-ups of earlier meetings (their list is /statusrtl's)."""
    tail: list[Markup] = []
    if data.meeting.minutes or data.meeting.minutes_file_id or data.meeting.minutes_file_name:
        tail.append(t(lang, "rekap.minutes_kept"))
    if carried:
        tail.append(t(lang, "rekap.carried", count=carried, overdue=overdue))
    tail.append(t(lang, "rekap.as_of", now=now_text))
    head = "\n".join(_head(lang, data, now_text))
    for laggards in range(LAGGARDS, -1, -1):
        text = "\n\n".join([head, "\n".join(_kind_lines(lang, data, laggards)), "\n".join(tail)])
        if visible_len(text) <= CAPTION_LIMIT:
            return text
    return "\n\n".join([head, "\n".join(tail)])  # some dozen kinds of organization: no room


def recap_keyboard(lang: str, data: Recap, *, console: bool) -> InlineKeyboardMarkup | None:
    meeting_id = data.meeting.id
    assert meeting_id is not None
    rows: list[list[InlineKeyboardButton]] = []
    silent = len(data.non_responders)
    if silent:
        label = t_plain(lang, "rekap.pending_button", count=silent)
        rows.append([_button(label, callbacks.RecapPending(meeting_id, 1))])
    if data.open_for_answers and data.nudgeable:
        rows.append(
            [_button(t_plain(lang, "rekap.nudge_button"), callbacks.RecapNudge(meeting_id))]
        )
    last = [_button(t_plain(lang, "rekap.download_button"), callbacks.RecapDownload(meeting_id))]
    if console:
        last.append(
            _button(t_plain(lang, "rekap.console_button"), callbacks.RecapConsole(meeting_id))
        )
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def _button(label: str, data: callbacks.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.encode())


def _person_line(lang: str, line: PersonLine) -> Markup:
    """One line of the list, names cut so fifteen of them stay one message whatever was typed."""
    name: str = _short(line.name, LINE_ROOM) if line.name else t(lang, "rekap.erased_name")
    organization = _short(html.unescape(organization_name(lang, line.organization)), LINE_ROOM)
    if line.unreachable is not None:
        why = t(lang, f"rekap.reason.{line.unreachable.value}")
        return t(lang, "rekap.person_unreachable", name=name, organization=organization, reason=why)
    return t(lang, "rekap.person_line", name=name, organization=organization)


def pending_page(lang: str, data: Recap, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of who has not answered, by organization then name, with ◀ ▶ to turn."""
    meeting_id = data.meeting.id
    assert meeting_id is not None
    lines = data.non_responders
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    text = [
        t(
            lang,
            "rekap.pending_title",
            title=_short(data.meeting.title, 80),
            count=len(lines),
            page=page,
            pages=pages,
        )
    ]
    text += [_person_line(lang, line) for line in shown] or [t(lang, "rekap.nobody")]
    turn = []
    if page > 1:
        turn.append(
            _button(t_plain(lang, "rekap.page_back"), callbacks.RecapPending(meeting_id, page - 1))
        )
    if page < pages:
        turn.append(
            _button(t_plain(lang, "rekap.page_next"), callbacks.RecapPending(meeting_id, page + 1))
        )
    return "\n".join(text), InlineKeyboardMarkup([turn]) if turn else None


def meetings_keyboard(lang: str, meetings: list[Meeting]) -> InlineKeyboardMarkup:
    rows = []
    for meeting in meetings:
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
        date = format_date(local.date(), "d MMM yyyy", locale=lang)
        label = t_plain(
            lang, "rekap.meeting_button", title=_short(meeting.title, BUTTON_TITLE), date=date
        )
        assert meeting.id is not None
        rows.append([_button(label, callbacks.RecapShow(meeting.id))])
    return InlineKeyboardMarkup(rows)


# --------------------------------------------------------------------------- handlers
async def rekap(update: Update, context: BotContext) -> None:
    """/rekap [meeting id] (admins only)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    person = person_of(context, update)
    if person is None:
        await chat.send_message(t(language_of(user.language_code), "register.prompt"))
        return
    lang = person.language
    if not person.is_admin:
        await chat.send_message(t(lang, "admin.only"))
        return
    args = context.args or []
    if args:
        ref = args[0].removeprefix("#")
        meeting_id = int(ref) if ref.isdigit() and len(ref) < 18 else None
        await _send_recap(chat, context, lang, meeting_id)
        return
    with context.uow() as session:
        meetings = recent_meetings(session, now=context.deps.clock.now())
    if not meetings:
        await chat.send_message(t(lang, "rekap.no_meetings"))
        return
    await chat.send_message(t(lang, "rekap.choose"), reply_markup=meetings_keyboard(lang, meetings))


def _load(context: BotContext, meeting_id: int | None) -> tuple[Recap, int, int] | None:
    """The recap, and the open follow-ups of earlier meetings (all, and overdue)."""
    now = context.deps.clock.now()
    if meeting_id is None:
        return None
    with context.uow() as session:
        try:
            data = recap(session, meeting_id, now=now)
        except NotFound:
            return None
        today = now.astimezone(ZoneInfo(data.meeting.timezone)).date()
        carried = actions.carried_over(session, data.meeting)
        overdue = sum(1 for action in carried if actions.is_overdue(action, today))
    return data, len(carried), overdue


async def _send_recap(chat: Chat, context: BotContext, lang: str, meeting_id: int | None) -> None:
    loaded = _load(context, meeting_id)
    if loaded is None:
        await chat.send_message(t(lang, "rekap.not_found"))
        return
    data, carried, overdue = loaded
    meeting = data.meeting
    now_text = format_when(lang, context.deps.clock.now(), meeting.timezone)
    caption = recap_caption(lang, data, now_text=now_text, carried=carried, overdue=overdue)
    keyboard = recap_keyboard(lang, data, console=bool(context.deps.public_url))
    if not data.kinds:  # nobody invited: nothing to draw
        await chat.send_message(caption, reply_markup=keyboard)
        return
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    # Drawing takes a moment of CPU: off the event loop, so other chats are not kept waiting.
    png = await asyncio.to_thread(kinds_chart, data.kinds, lang)
    await chat.send_photo(
        InputFile(png, filename=f"rekap-{meeting.id}.png"), caption=caption, reply_markup=keyboard
    )


async def button(update: Update, context: BotContext) -> None:
    """``rk:`` buttons: a meeting from the list, or one of the buttons under a recap."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    person = person_of(context, update)
    lang = person.language if person else language_of(user.language_code)
    if person is None or not person.is_admin:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    data = callbacks.parse(
        query.data,
        callbacks.RecapShow,
        callbacks.RecapNudge,
        callbacks.RecapPending,
        callbacks.RecapDownload,
        callbacks.RecapConsole,
    )
    if data is None or not getattr(data, "meeting_id", 0):
        await query.answer(t_plain(lang, "button.expired"))
        return
    if isinstance(data, callbacks.RecapShow):
        await query.answer()
        await _send_recap(chat, context, lang, data.meeting_id)
    elif isinstance(data, callbacks.RecapNudge):
        await _nudge(update, context, lang, data.meeting_id)
    elif isinstance(data, callbacks.RecapPending):
        await _pending(update, context, lang, data)
    elif isinstance(data, callbacks.RecapDownload):
        await _download(update, context, lang, data.meeting_id, person)
    elif isinstance(data, callbacks.RecapConsole):
        await query.answer()
        await console_link(TelegramChat(update, context), context, meeting_id=data.meeting_id)


async def _nudge(update: Update, context: BotContext, lang: str, meeting_id: int) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    now = context.deps.clock.now()
    with context.uow() as session:
        try:
            meeting = get_meeting(session, meeting_id)
        except NotFound:
            meeting = None
        is_open = meeting is not None and is_open_for_answers(meeting, now)
        count = nudge_non_responders(session, meeting_id, now=now) if is_open else 0
    if meeting is None:
        await query.answer(t_plain(lang, "button.expired"))
        return
    if not is_open:
        await query.answer(t_plain(lang, "rekap.nudge_closed"), show_alert=True)
        return
    if count:
        context.deps.wake_delivery()
    await query.answer(t_plain(lang, "rekap.nudged_short", count=count))
    await chat.send_message(t(lang, "rekap.nudged" if count else "rekap.nudged_none", count=count))


async def _pending(
    update: Update, context: BotContext, lang: str, data: callbacks.RecapPending
) -> None:
    """The first tap sends the list; ◀ ▶ on it turn its page in place."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    loaded = _load(context, data.meeting_id)
    if loaded is None:
        await query.answer(t_plain(lang, "button.expired"))
        return
    text, keyboard = pending_page(lang, loaded[0], data.page)
    await query.answer()
    message = query.message
    if not isinstance(message, Message) or message.photo:  # from under the recap: a new list
        await chat.send_message(text, reply_markup=keyboard)
    elif message.text != visible_text(text) or message.reply_markup != keyboard:
        # ◀ ▶ turn the list in place; the same page again would be refused as "not modified".
        await query.edit_message_text(text, reply_markup=keyboard)


async def _download(
    update: Update, context: BotContext, lang: str, meeting_id: int, admin: Person
) -> None:
    """The daftar hadir as the XLSX and the PDF, as documents (the CLI's files)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    with context.uow() as session:
        try:
            meeting, rows = attendance_rows(session, meeting_id, lang)
        except NotFound:
            await query.answer(t_plain(lang, "button.expired"))
            return
        audit.record(
            session,
            act=audit.Act.EXPORT_ATTENDANCE,
            via=audit.Via.CHAT,
            now=context.deps.clock.now(),
            actor_id=admin.id,
            target=f"meeting:{meeting_id}",
            people=len(rows),
        )
    await query.answer(t_plain(lang, "rekap.downloading"))
    await chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)
    for fmt in ("xlsx", "pdf"):
        name, data = await asyncio.to_thread(attendance_file, meeting, rows, lang, fmt)
        await chat.send_document(InputFile(data, filename=name))
