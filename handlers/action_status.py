"""/statusrtl: where the follow-up actions (RTL) stand, and the weekly digest to the admins.

An admin gets every owner organization's actions by status (the most overdue first), a line
per fanned-out action ("Camat se-Kabupaten"), then the chart as a photo. Anyone else who is
registered (an OPD focal point, a cadre) gets their own organization's actions, one line each,
and no chart. Long texts are split under Telegram's 4096-character limit.

``render_digest`` is the admins' weekly digest (upcoming meetings with their answers, overdue
actions by organization) as an outbox message; None when there is nothing to say.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InputFile, Update
from telegram.constants import ChatAction

from handlers import action_views
from handlers.action_status_chart import status_chart
from handlers.context import BotContext
from handlers.i18n import Markup, language_of, t
from handlers.message_split import split_message
from handlers.people_view import format_day, format_when, organization_name
from models.action_status import (
    STATUS_ORDER,
    Digest,
    GroupSummary,
    OrgSummary,
    digest,
    group_summaries,
    org_summaries,
)
from models.actions import Action, ReportStatus, actions_of, is_overdue
from models.messages import Rendered
from models.organizations import organization_of, zone_of
from models.people import Person


# --------------------------------------------------------------------------- words
def status_label(lang: str, action: Action) -> str:
    """The one way an action's status reads (see action_views.status_label)."""
    return action_views.status_label(lang, action)


def _parts(lang: str, line: OrgSummary) -> Markup:
    """``1 belum mulai, 2 selesai (1 menunggu pemeriksaan)``: the statuses that occur."""
    parts = []
    for status in STATUS_ORDER:
        if not line.counts.get(status):
            continue
        part = t(lang, f"statusrtl.part.{status}", count=line.counts[status])
        if status == ReportStatus.SELESAI.value and line.awaiting_check:
            awaiting = t(lang, "statusrtl.part.awaiting", count=line.awaiting_check)
            part = Markup(f"{part} ({awaiting})")
        parts.append(part)
    return Markup(", ".join(parts))


def _group_line(lang: str, line: GroupSummary) -> Markup:
    return t(
        lang,
        "statusrtl.group_line",
        label=line.label,
        title=line.title,
        due=format_day(lang, line.due),
        done=line.done,
        organizations=line.organizations,
        overdue=line.overdue,
    )


# --------------------------------------------------------------------------- texts
def overview_text(
    lang: str, summaries: list[OrgSummary], groups: list[GroupSummary], *, today: date
) -> str:
    """The admin's view: totals, one line per organization (most overdue first), the groups."""
    totals = {status: sum(line.counts[status] for line in summaries) for status in STATUS_ORDER}
    header = [
        t(lang, "statusrtl.header", today=format_day(lang, today)),
        t(
            lang,
            "statusrtl.totals",
            total=sum(totals.values()),
            overdue=sum(line.overdue for line in summaries),
            **totals,
        ),
    ]
    orgs = [t(lang, "statusrtl.orgs_header", count=len(summaries))]
    for line in summaries:
        key = "statusrtl.org_line.overdue" if line.overdue else "statusrtl.org_line.ok"
        orgs.append(
            t(
                lang,
                key,
                name=line.name,
                total=line.total,
                overdue=line.overdue,
                parts=_parts(lang, line),
            )
        )
    blocks = [header, orgs]
    if groups:
        blocks.append([t(lang, "statusrtl.groups_header")] + [_group_line(lang, g) for g in groups])
    return "\n\n".join("\n".join(block) for block in blocks)


def own_text(lang: str, organization: str, actions: list[Action], *, today: date) -> str:
    """A member's view: their organization's actions, nearest due first."""
    day = format_day(lang, today)
    lines = [t(lang, "statusrtl.own_header", organization=organization, today=day)]
    for action in actions:
        key = "statusrtl.own_line_overdue" if is_overdue(action, today) else "statusrtl.own_line"
        lines.append(
            t(
                lang,
                key,
                title=action.title,
                due=format_day(lang, action.due),
                status=status_label(lang, action),
            )
        )
    return "\n\n".join(lines)


# One message however far behind the district is: the rest is in /statusrtl and /rekap.
DIGEST_MEETINGS, DIGEST_ORGS, DIGEST_TITLES, DIGEST_TITLE_MAX = 5, 10, 2, 80


def digest_text(lang: str, data: Digest, *, today: date) -> str:
    blocks = [[t(lang, "digest.header", today=format_day(lang, today))]]
    meetings = [t(lang, "digest.meetings_header")]
    for line in data.meetings[:DIGEST_MEETINGS]:
        meeting = line.meeting
        meetings.append(
            t(
                lang,
                "digest.meeting_line",
                title=_short(meeting.title),
                when=format_when(lang, meeting.starts_at, meeting.timezone),
                invited=line.invited,
                **line.answers,
            )
        )
    if len(data.meetings) > DIGEST_MEETINGS:
        meetings.append(t(lang, "digest.more_meetings", count=len(data.meetings) - DIGEST_MEETINGS))
    if not data.meetings:
        meetings.append(t(lang, "digest.no_meetings"))
    blocks.append(meetings)
    count = sum(len(group.actions) for group in data.overdue)
    overdue = [t(lang, "digest.overdue_header", count=count)]
    # A district can have hundreds overdue: the most overdue organizations, a few titles
    # each, so the digest stays one message; the rest is in /statusrtl.
    for group in data.overdue[:DIGEST_ORGS]:
        overdue.append(t(lang, "digest.overdue_org", name=group.name, count=len(group.actions)))
        overdue += [
            t(lang, "digest.overdue_line", title=_short(a.title), due=format_day(lang, a.due))
            for a in group.actions[:DIGEST_TITLES]
        ]
        if len(group.actions) > DIGEST_TITLES:
            overdue.append(t(lang, "digest.more", count=len(group.actions) - DIGEST_TITLES))
    if len(data.overdue) > DIGEST_ORGS:
        overdue.append(t(lang, "digest.more_orgs", count=len(data.overdue) - DIGEST_ORGS))
    if not data.overdue:
        overdue.append(t(lang, "digest.no_overdue"))
    blocks.append(overdue)
    blocks.append([t(lang, "digest.footer")])
    return "\n\n".join("\n".join(block) for block in blocks)


def _short(title: str) -> str:
    return title if len(title) <= DIGEST_TITLE_MAX else title[: DIGEST_TITLE_MAX - 1] + "…"


def render_digest(session: Session, lang: str, *, now: datetime, zone: str) -> Rendered | None:
    """The admins' weekly digest, or None when no meeting is coming and nothing is overdue.

    ``zone`` decides which day "today" is (an action due today is not overdue yet). One
    message: the lists are capped (``DIGEST_ORGS``, ``DIGEST_TITLES``) to fit it; the split is
    only a safety net.
    """
    today = now.astimezone(ZoneInfo(zone)).date()
    data = digest(session, now=now, today=today)
    if data.is_empty:
        return None
    return Rendered(text=split_message(digest_text(lang, data, today=today))[0])


# --------------------------------------------------------------------------- the command
async def statusrtl(update: Update, context: BotContext) -> None:
    """/statusrtl: the overview and chart for admins, the own organization's list for others."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    now = context.deps.clock.now()
    person = context.person_for(user.id)
    if person is None:
        await chat.send_message(t(language_of(user.language_code), "register.prompt"))
        return
    with context.uow() as session:
        lang, zone = person.language, context.deps.timezone
        if not person.is_admin:
            zone = zone_of(session, person.organization_id, zone)
        today = now.astimezone(ZoneInfo(zone)).date()
        summaries: list[OrgSummary] = []
        if person.is_admin:
            summaries = org_summaries(session, today=today)
            groups = group_summaries(session, today=today)
            text = overview_text(lang, summaries, groups, today=today) if summaries else None
        else:
            text = _own(session, lang, person, today=today)
    if text is None:
        await chat.send_message(t(lang, "statusrtl.empty"))
        return
    for chunk in split_message(text):
        await chat.send_message(chunk)
    if not summaries:
        return
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    # Drawing takes a moment of CPU: off the event loop, so other chats are not kept waiting.
    png = await asyncio.to_thread(status_chart, summaries, lang)
    await chat.send_photo(
        InputFile(png, filename="statusrtl.png"),
        caption=t(lang, "statusrtl.chart_caption", today=format_day(lang, today)),
    )


def _own(session: Session, lang: str, person: Person, *, today: date) -> str | None:
    """A member's own list, or the "none for your organization" text; None without either
    an organization or an action."""
    actions = actions_of(session, person, only_open=False)
    organization = organization_of(session, person.organization_id)
    if not actions:
        if organization is None:
            return None
        return t(lang, "statusrtl.empty_own", organization=organization_name(lang, organization))
    return own_text(lang, organization_name(lang, organization), actions, today=today)
