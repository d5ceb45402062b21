"""How follow-up actions read in a chat: an action's card, its nudges, notices and the line
the next meeting's invitation carries about open follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import callbacks
from handlers.i18n import Markup, t, t_plain
from handlers.meeting_views import render_invitation
from handlers.message_split import MESSAGE_LIMIT
from handlers.people_view import format_day
from models import action_owners, actions
from models.actions import Action, ActionReport, Verdict
from models.meetings import Invitation, Meeting
from models.messages import LABEL_TITLE, Button, Rendered, short_label
from models.organizations import Organization, zone_of
from models.outbox import Kind, OutboxMessage
from models.people import Person

STATUS_CODES = {"b": "belum_mulai", "j": "sedang_berjalan", "s": "selesai", "k": "terkendala"}


def status_label(lang: str, action_or_status: Action | str) -> Markup:
    """Belum mulai / Sedang berjalan / Selesai / Terkendala; a Selesai waiting for the admins'
    check says so, and an accepted one says it was checked."""
    if isinstance(action_or_status, str):
        return t(lang, f"rtl.status.{action_or_status}")
    action = action_or_status
    if action.status == "selesai" and action.verdict == Verdict.PENDING.value:
        return t(lang, "rtl.status.selesai_pending")
    if action.status == "selesai" and action.verdict == Verdict.ACCEPTED.value:
        return t(lang, "rtl.status.selesai_accepted")
    if action.verdict == Verdict.RETURNED.value:
        return t(lang, "rtl.status.returned")
    return t(lang, f"rtl.status.{action.status}")


def owner_text(session: Session, action: Action) -> str:
    org = session.get(Organization, action.owner_org_id)
    return action_owners.owner_name(org) if org is not None else "-"


def today_for(session: Session, action: Action, now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone_of(session, action.owner_org_id, zone))).date()


def action_card(
    session: Session, lang: str, action: Action, *, today: date, with_meeting: bool = True
) -> Markup:
    """Title, owner, due date (overdue marked), status, and the meeting it came from."""
    meeting = session.get(Meeting, action.meeting_id) if action.meeting_id else None
    text = t(
        lang,
        "rtl.card",
        title=action.title,
        owner=owner_text(session, action),
        due=format_day(lang, action.due),
        status=status_label(lang, action),
    )
    if actions.is_overdue(action, today):
        text = Markup(text + t(lang, "rtl.card_overdue", days=(today - action.due).days))
    if action.detail:
        text = Markup(text + t(lang, "rtl.card_detail", detail=action.detail[:300]))
    if with_meeting and meeting is not None:
        text = Markup(text + t(lang, "rtl.card_meeting", meeting=meeting.title))
    return text


def report_button(lang: str, action: Action, *, number: int | None = None) -> Button:
    """Opens the report on this action; numbered like its line in a list."""
    assert action.id is not None
    title = short_label(action.title, LABEL_TITLE)
    label = t_plain(lang, "rtl.report_button", title=title)
    if number is not None:
        label = t_plain(lang, "rtl.report_button_numbered", number=number, title=title)
    return Button(label, callbacks.ReportOpen(action.id or 0).encode())


def list_line(session: Session, lang: str, action: Action, *, number: int, today: date) -> Markup:
    """One action in /tindaklanjut: short, so a page of them fits one message."""
    late = t(lang, "rtl.overdue_mark") if actions.is_overdue(action, today) else ""
    return t(
        lang,
        "rtl.list_line",
        number=number,
        title=action.title,
        owner=owner_text(session, action),
        due=format_day(lang, action.due),
        status=status_label(lang, action),
        late=Markup(late),
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nudge_item(
    session: Session, lang: str, action: Action, slot: str, today: date
) -> tuple[str, Button]:
    """One line of a bundled nudge: due in three days, due today, or overdue by N days."""
    key = "rtl.nudge.before" if slot == "before" else "rtl.nudge.due"
    if slot.startswith("overdue"):
        key = "rtl.nudge.overdue"
    text = t(
        lang,
        key,
        title=_short(action.title, 150),
        owner=_short(owner_text(session, action), 60),
        due=format_day(lang, action.due),
        days=max((today - action.due).days, 0),
    )
    return text, report_button(lang, action)


def _report_summary(session: Session, lang: str, report: ActionReport) -> Markup:
    reporter = session.get(Person, report.reporter_id) if report.reporter_id else None
    files = len(actions.evidence_of(session, report.id or 0))
    return t(
        lang,
        "rtl.report_summary",
        reporter=(reporter.name or t(lang, "rtl.reporter_erased")) if reporter is not None else "-",
        status=status_label(lang, report.status),
        note=report.note or "-",
        files=files,
    )


def render_row(
    session: Session, lang: str, row: OutboxMessage, *, now: datetime, zone: str
) -> Rendered | None:
    """An action's own message (not a nudge): assignment, review request, verdict, escalation."""
    payload = row.payload or {}
    action = session.get(Action, payload.get("action_id"))
    if action is None or action.id is None:
        return None
    today = today_for(session, action, now, zone)
    card = action_card(session, lang, action, today=today)
    notice = payload.get("notice")
    if row.kind == Kind.ESCALATION.value:
        key = "rtl.escalation_unreachable" if payload.get("unreachable") else "rtl.escalation"
        return Rendered(text=Markup(t(lang, key) + "\n\n" + card))
    if notice == "assigned":
        text = Markup(t(lang, "rtl.assigned") + "\n\n" + card)
        return Rendered(text=text, buttons=((report_button(lang, action),),))
    report = session.get(ActionReport, payload.get("report_id"))
    if report is None or report.id is None:
        return None
    summary = _report_summary(session, lang, report)
    if notice == "review":
        buttons: list[tuple[Button, ...]] = [
            (
                Button(
                    t_plain(lang, "rtl.accept"), callbacks.ReportAccept(report.id or 0).encode()
                ),
                Button(
                    t_plain(lang, "rtl.return"), callbacks.ReportReturn(report.id or 0).encode()
                ),
            )
        ]
        if actions.evidence_of(session, report.id):
            label = t_plain(lang, "rtl.show_evidence")
            buttons.append((Button(label, callbacks.ReportEvidence(report.id or 0).encode()),))
        text = Markup(t(lang, "rtl.review") + "\n\n" + card + "\n\n" + summary)
        return Rendered(text=text, buttons=tuple(buttons))
    if notice == "verdict":
        key = "rtl.verdict.accepted"
        if report.verdict == Verdict.RETURNED.value:
            key = "rtl.verdict.returned"
        text = Markup(t(lang, key, comment=report.verdict_comment or "-") + "\n\n" + card)
        buttons = [(report_button(lang, action),)] if action.is_open else []
        return Rendered(text=text, buttons=tuple(buttons))
    return None


ESCALATION_BUDGET = 3500  # characters of lines: header and "and N more" fit under 4096


def render_escalations(
    session: Session, lang: str, rows: list[OutboxMessage], *, now: datetime, zone: str
) -> Rendered | None:
    """Escalations that came due together for one admin, as one list: the first admin to link
    (or a long weekend) would otherwise get one message per late action at once."""
    lines: list[Markup] = []
    for row in sorted(rows, key=lambda r: r.id or 0):
        payload = row.payload or {}
        action = session.get(Action, payload.get("action_id"))
        if action is None:
            continue
        today = today_for(session, action, now, zone)
        line = t(
            lang,
            "rtl.escalation_item",
            title=_short(action.title, 150),
            owner=_short(owner_text(session, action), 60),
            due=format_day(lang, action.due),
            days=max((today - action.due).days, 0),
        )
        if payload.get("unreachable"):
            line = Markup(line + t(lang, "rtl.escalation_item_unreachable"))
        lines.append(line)
    if not lines:
        return None
    shown: list[Markup] = []
    used = 0
    for line in lines:  # whole lines within the budget, never cut inside one
        if shown and used + len(line) > ESCALATION_BUDGET:
            break
        shown.append(line)
        used += len(line) + 1
    text = t(lang, "rtl.escalation_list", count=len(lines)) + "\n\n" + "\n".join(shown)
    if len(lines) > len(shown):
        text += "\n" + t(lang, "rtl.escalation_more", count=len(lines) - len(shown))
    return Rendered(text=Markup(text))


def carry_over_line(
    session: Session, lang: str, meeting: Meeting, person: Person, *, today: date
) -> str:
    """The short line in a meeting's invitation about follow-ups still open from earlier ones."""
    counts = actions.carry_over_counts(session, meeting, person, today=today)
    if not counts.open:
        return ""
    text = t(lang, "rtl.carry_over", count=counts.open, overdue=counts.overdue)
    if counts.mine:
        text = Markup(text + t(lang, "rtl.carry_over_mine", mine=counts.mine))
    return text


def invitation_card(
    session: Session,
    lang: str,
    meeting: Meeting,
    invitation: Invitation,
    person: Person,
    body: str,
    *,
    now: datetime,
    moved_from: datetime | None = None,
) -> Rendered:
    """The invitation as its invitee gets it, queued or shown on registering (one delivery,
    one card): the meeting, the answer buttons and the line on follow-ups still open."""
    rendered = render_invitation(lang, meeting, invitation, body, moved_from)
    today = now.astimezone(ZoneInfo(meeting.timezone)).date()
    carried = carry_over_line(session, lang, meeting, person, today=today)
    text = Markup(rendered.text + "\n\n" + carried)
    if not carried or len(text) > MESSAGE_LIMIT:  # the invitation whole, never cut
        return rendered
    return Rendered(text=text, buttons=rendered.buttons)  # the general template carries it


def carry_over_lines(session: Session, lang: str, meeting: Meeting, *, today: date) -> list[str]:
    """For the recap: each open follow-up of earlier meetings, with its owner and status."""
    return [
        t(
            lang,
            "rtl.carry_over_item",
            title=action.title,
            owner=owner_text(session, action),
            due=format_day(lang, action.due),
            status=status_label(lang, action),
        )
        + (t(lang, "rtl.overdue_mark") if actions.is_overdue(action, today) else "")
        for action in actions.carried_over(session, meeting)
    ]


def created_text(session: Session, lang: str, created: actions.Created) -> Markup:
    """What /rtlbaru says after saving: one action, a group fanned out into several, or that
    it already existed (nothing new, nobody told again)."""
    if not created.created:
        if not created.existing:
            return t(lang, "rtl.invalid.unknown_owner")
        first = created.existing[0]
        return t(
            lang,
            "rtl.exists",
            title=first.title,
            owner=owner_text(session, first),
            status=status_label(lang, first),
        )
    first = created.created[0]
    if not first.group_key:
        return t(lang, "rtl.created_one", title=first.title, owner=owner_text(session, first))
    return t(
        lang,
        "rtl.created_many",
        title=first.title,
        count=len(created.created),
        group=first.group_label,
    )
