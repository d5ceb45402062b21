"""/rekap (admin): a meeting's recap as text, a chart, and a button that nudges non-responders.

``/rekap`` lists the upcoming and recent meetings as buttons; ``/rekap <id>`` or a tap on one
sends the recap (split under Telegram's 4096-character limit), then the chart of answers by
organization as a photo carrying the **Ingatkan yang belum menjawab** button.

Buttons carry everything they need (``rk:1:m|n:<meeting id>``), so they work days later and
after a restart. Register with ``register(app)``.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters
from telegram.ext import BaseHandler as TelegramHandler

from handlers import callbacks
from handlers.action_views import carry_over_lines
from handlers.chat import person_of
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t, t_plain
from handlers.meeting_views import minutes_summary
from handlers.people_view import format_when, organization_name
from handlers.recap_chart import Bar, answers_chart
from models.errors import NotFound
from models.meetings import Answer, Meeting, MeetingStatus
from models.recap import (
    PersonLine,
    Recap,
    get_meeting,
    is_open_for_answers,
    nudge_non_responders,
    recap,
    recent_meetings,
)

COMMAND = "rekap"
MESSAGE_LIMIT = 4096
SHOW, NUDGE = "m", "n"  # rk:1:m:<meeting id> (show the recap), rk:1:n:<meeting id> (nudge)
ANSWER_ORDER = (Answer.HADIR, Answer.DIWAKILKAN, Answer.TIDAK_HADIR, Answer.PENDING)
BUTTON_TITLE = 40  # characters of a meeting's title on a list button

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


# --------------------------------------------------------------------------- splitting
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>")
_TOKEN = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>|&#?\w+;|.", re.S)
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
Stack = tuple[tuple[str, str], ...]  # open tags: (name, the opening tag as written)


def utf16_len(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


def _after(stack: Stack, match: re.Match[str]) -> Stack:
    name = match.group(2).lower()
    if not match.group(1):
        return (*stack, (name, match.group(0)))
    for index in range(len(stack) - 1, -1, -1):  # tolerant: close the innermost of that name
        if stack[index][0] == name:
            return stack[:index] + stack[index + 1 :]
    return stack


def _closers(stack: Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: Stack) -> str:
    return "".join(tag for _, tag in stack)


def _blocks(text: str) -> list[str]:
    """Runs of whole lines at whose end no tag is open: the places a message may be cut."""
    blocks: list[str] = []
    block, stack = "", Stack()
    for line in _LINE.findall(text):
        block += line
        for match in _TAG.finditer(line):
            stack = _after(stack, match)
        if not stack:
            blocks.append(block)
            block = ""
    if block:
        blocks.append(block)
    return blocks


def _hard_split(block: str, limit: int) -> list[str]:
    """A block too long for one message: cut after a space (or anywhere, for one huge word),
    never inside a tag or an entity; tags open at a cut are closed there and reopened after."""
    pieces: list[str] = []
    current, stack, start = "", Stack(), 0  # start: the reopened tags at the head of ``current``
    spaces: list[tuple[int, Stack]] = []  # cut points after whitespace, with the tags open there
    for match in _TOKEN.finditer(block):
        before = (len(current), stack)
        token = match.group(0)
        current += token
        if match.group(2):
            stack = _after(stack, match)
        elif token.isspace():
            spaces.append((len(current), stack))
        while utf16_len(current) + utf16_len(_closers(stack)) > limit:
            position, open_tags = next(
                (
                    (at, tags)
                    for at, tags in reversed(spaces)
                    if start < at and utf16_len(current[:at] + _closers(tags)) <= limit
                ),
                before,
            )
            if position <= start:
                break  # a single token longer than a message: cannot happen with 4096
            pieces.append(current[:position] + _closers(open_tags))
            prefix = _openers(open_tags)
            shift = len(prefix) - position
            current, start = prefix + current[position:], len(prefix)
            spaces = [(at + shift, tags) for at, tags in spaces if at > position]
            before = (before[0] + shift, before[1]) if before[0] > position else (start, open_tags)
    pieces.append(current)
    return pieces


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML text into messages of at most ``limit`` UTF-16 units (measured on the markup,
    which is never shorter than what Telegram counts), on line boundaries where no tag is open.
    """
    chunks: list[str] = []
    current = ""
    for block in _blocks(text):
        if utf16_len(current + block) <= limit:
            current += block
            continue
        if current.strip():
            chunks.append(current)
        current = block
        if utf16_len(block) > limit:
            *whole, current = _hard_split(block, limit)
            chunks.extend(whole)
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


# --------------------------------------------------------------------------- rendering
def _percent(lang: str, count: int, total: int) -> Markup:
    return t(lang, "rekap.percent", count=count, percent=round(100 * count / total) if total else 0)


def _parts(lang: str, counts: dict[str, int]) -> Markup:
    """``1 hadir, 2 belum menjawab``: the answers that occur, in a fixed order."""
    present = [answer.value for answer in ANSWER_ORDER if counts.get(answer.value)]
    return Markup(", ".join(t(lang, f"rekap.part.{a}", count=counts[a]) for a in present))


def _person_line(lang: str, line: PersonLine, *, reason: bool) -> Markup:
    name: str = line.name or t(lang, "rekap.erased_name")
    organization = organization_name(lang, line.organization)
    if reason and line.unreachable is not None:
        why = t(lang, f"rekap.reason.{line.unreachable.value}")
        return t(lang, "rekap.person_unreachable", name=name, organization=organization, reason=why)
    return t(lang, "rekap.person_line", name=name, organization=organization)


def recap_text(lang: str, data: Recap, *, now_text: str, carried: Sequence[str] = ()) -> str:
    """The recap as one HTML text (split it with ``split_message``); ``carried`` are the open
    follow-ups of earlier meetings, one line each."""
    meeting = data.meeting
    header = [
        t(
            lang,
            "rekap.header",
            title=meeting.title,
            when=format_when(lang, meeting.starts_at, meeting.timezone),
            venue=meeting.venue,
            now=now_text,
        )
    ]
    if meeting.status != MeetingStatus.SCHEDULED.value:
        header.append(t(lang, f"rekap.status.{meeting.status}"))
    elif not data.open_for_answers:
        header.append(t(lang, "rekap.status.closed"))
    funnel, invited = data.funnel, data.funnel.invited
    flow = [
        t(
            lang,
            "rekap.funnel",
            invited=invited,
            delivered=_percent(lang, funnel.delivered, invited),
            answered=_percent(lang, funnel.answered, invited),
            checked_in=_percent(lang, funnel.checked_in, invited),
        )
    ]
    if any(line.channel != "telegram" for line in funnel.channels):
        for line in funnel.channels:  # with WhatsApp in play: what each channel achieved
            key = "rekap.channel.read" if line.read is not None else "rekap.channel.sent"
            flow.append(
                t(
                    lang,
                    key,
                    channel=t_plain(lang, f"channel.{line.channel}"),
                    sent=line.sent,
                    delivered=line.delivered,
                    read=line.read or 0,
                )
            )
    if data.walk_ins:
        flow.append(t(lang, "rekap.walk_ins", count=data.walk_ins))
    answers = [t(lang, "rekap.answers", **data.answers)]
    orgs = [t(lang, "rekap.orgs_header", covered=data.covered, total=len(data.organizations))]
    for org in data.organizations:
        key = "rekap.org_line.covered" if org.covered else "rekap.org_line.uncovered"
        name = organization_name(lang, org.organization)
        orgs.append(t(lang, key, name=name, invited=org.invited, parts=_parts(lang, org.counts)))
    blocks: list[Sequence[str]] = [header, flow, answers, orgs]
    minutes = minutes_summary(lang, meeting)
    if minutes:
        blocks.append([t(lang, "rekap.minutes", minutes=minutes)])
    if carried:
        header_line: str = t(lang, "rtl.carry_over_header", count=len(carried))
        blocks.append([header_line, *carried])
    if data.fields:
        fields = [t(lang, "rekap.fields_header")]
        for item in data.fields:
            fields.append(
                t(
                    lang,
                    "rekap.field_line",
                    name=item.name,
                    covered=item.covered,
                    organizations=item.organizations,
                    parts=_parts(lang, item.counts),
                )
            )
        blocks.append(fields)
    pending = [t(lang, "rekap.pending_header", count=len(data.non_responders))]
    pending += [_person_line(lang, line, reason=False) for line in data.non_responders]
    unreachable = [t(lang, "rekap.undeliverable_header", count=len(data.undeliverable))]
    unreachable += [_person_line(lang, line, reason=True) for line in data.undeliverable]
    for block in (pending, unreachable):
        blocks.append(block if len(block) > 1 else [*block, t(lang, "rekap.nobody")])
    return "\n\n".join("\n".join(block) for block in blocks)


def chart_bars(lang: str, data: Recap) -> list[Bar]:
    """The chart's bars: plain organization names (a chart is not HTML)."""
    return [
        Bar(html.unescape(organization_name(lang, line.organization)), dict(line.counts))
        for line in data.organizations
    ]


def meetings_keyboard(lang: str, meetings: list[Meeting]) -> InlineKeyboardMarkup:
    rows = []
    for meeting in meetings:
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
        title = meeting.title if len(meeting.title) <= BUTTON_TITLE else meeting.title[:39] + "…"
        date = format_date(local.date(), "d MMM yyyy", locale=lang)
        label = t_plain(lang, "rekap.meeting_button", title=title, date=date)
        assert meeting.id is not None
        data = callbacks.RecapShow(meeting.id).encode()
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def nudge_keyboard(lang: str, meeting_id: int) -> InlineKeyboardMarkup:
    data = callbacks.RecapNudge(meeting_id).encode()
    label = t_plain(lang, "rekap.nudge_button")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


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


async def _send_recap(chat: Chat, context: BotContext, lang: str, meeting_id: int | None) -> None:
    now = context.deps.clock.now()
    with context.uow() as session:
        try:
            data = recap(session, meeting_id, now=now) if meeting_id is not None else None
        except NotFound:
            data = None
        carried: list[str] = []
        if data is not None:
            today = now.astimezone(ZoneInfo(data.meeting.timezone)).date()
            carried = carry_over_lines(session, lang, data.meeting, today=today)
    if data is None:
        await chat.send_message(t(lang, "rekap.not_found"))
        return
    meeting = data.meeting
    assert meeting.id is not None
    now_text = format_when(lang, now, meeting.timezone)
    for chunk in split_message(recap_text(lang, data, now_text=now_text, carried=carried)):
        await chat.send_message(chunk)
    if not data.funnel.invited:
        return
    keyboard = (
        nudge_keyboard(lang, meeting.id) if data.open_for_answers and data.nudgeable else None
    )
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    # Drawing takes a moment of CPU: off the event loop, so other chats are not kept waiting.
    png = await asyncio.to_thread(answers_chart, chart_bars(lang, data), lang, title=meeting.title)
    await chat.send_photo(
        InputFile(png, filename=f"rekap-{meeting.id}.png"),
        caption=t(lang, "rekap.chart_caption", title=meeting.title),
        reply_markup=keyboard,
    )


async def button(update: Update, context: BotContext) -> None:
    """``rk:`` buttons: a meeting from the list, or the nudge under a recap."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    person = person_of(context, update)
    lang = person.language if person else language_of(user.language_code)
    if person is None or not person.is_admin:
        await query.answer(t_plain(lang, "admin.only"), show_alert=True)
        return
    data = callbacks.parse(query.data, callbacks.RecapShow, callbacks.RecapNudge)
    if not isinstance(data, callbacks.RecapShow | callbacks.RecapNudge) or not data.meeting_id:
        await query.answer(t_plain(lang, "button.expired"))
        return
    meeting_id = data.meeting_id
    if isinstance(data, callbacks.RecapShow):
        await query.answer()
        await _send_recap(chat, context, lang, meeting_id)
        return
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
