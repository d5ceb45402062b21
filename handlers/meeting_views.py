"""How meetings and answers read in a chat: the invitation, its buttons, the answer."""

from __future__ import annotations

from datetime import datetime

from handlers import callbacks
from handlers.i18n import Markup, t, t_plain
from handlers.people_view import format_when
from handlers.port import Keyboard
from models.meetings import Answer, Invitation, Meeting
from models.messages import LABEL_TITLE, Button, Rendered, short_label
from models.people import Person, Reach

# rsvp:1:<invitation id>:h|w|t|s  (hadir, wakil, tidak, skip a step)
CODES = {Answer.HADIR: "h", Answer.DIWAKILKAN: "w", Answer.TIDAK_HADIR: "t"}
ANSWERS = {code: answer for answer, code in CODES.items()}


def reach_text(lang: str, reach: Reach, lead: str = "invite.reach.sending") -> Markup:
    """ "1 sedang dikirim; 10 belum terdaftar di bot (akan menerima saat mendaftar)": what an
    admin is told instead of the audience's size. ``lead`` words the part the bot sends
    (now, or after a move's confirmation); the split by app is shown once WhatsApp is in it."""
    channels = ""
    if reach.whatsapp:
        channels = t(
            lang, "invite.reach.channels", telegram=reach.telegram, whatsapp=reach.whatsapp
        )
    parts = [t(lang, lead, count=reach.reachable, channels=Markup(channels))]
    if reach.unregistered:
        parts.append(t(lang, "invite.reach.unregistered", count=reach.unregistered))
    if reach.blocked:
        parts.append(t(lang, "invite.reach.blocked", count=reach.blocked))
    return Markup("; ".join(parts))


def answer_label(lang: str, invitation: Invitation) -> Markup:
    if invitation.answer == Answer.DIWAKILKAN.value:
        return t(
            lang,
            "rsvp.answer.diwakilkan",
            name=invitation.representative_name,
            position=invitation.representative_position,
        )
    label = t(lang, f"rsvp.answer.{invitation.answer}")
    if invitation.answer == Answer.TIDAK_HADIR.value and invitation.reason:
        label = Markup(label + t(lang, "rsvp.answer.reason", reason=invitation.reason))
    return label


def invitation_text(lang: str, meeting: Meeting, invitation: Invitation, body: str) -> Markup:
    agenda = t(lang, "meeting.agenda", agenda=meeting.agenda) if meeting.agenda else ""
    text = t(
        lang,
        "meeting.invitation",
        body=body,
        title=meeting.title,
        when=format_when(lang, meeting.starts_at, meeting.timezone),
        venue=meeting.venue,
        agenda=Markup(agenda),
        deadline=format_when(lang, meeting.rsvp_deadline, meeting.timezone),
    )
    if invitation.answer != Answer.PENDING.value:
        text = Markup(
            text + t(lang, "meeting.current_answer", answer=answer_label(lang, invitation))
        )
    return text


CHOSEN = "✓ "


def answer_buttons(lang: str, invitation: Invitation, *, marked: bool = True) -> list[Button]:
    """Hadir / Diwakilkan / Tidak hadir, the stored answer marked ✓ (``marked``), so the
    invitation itself shows what was chosen."""
    assert invitation.id is not None
    chosen = invitation.answer if marked else None
    return [
        Button(
            (CHOSEN if answer.value == chosen else "") + t(lang, f"rsvp.{answer.value}"),
            callbacks.RsvpButton(invitation.id, code).encode(),
        )
        for answer, code in CODES.items()
    ]


def render_invitation(
    lang: str,
    meeting: Meeting,
    invitation: Invitation,
    body: str,
    moved_from: datetime | None = None,
) -> Rendered:
    """The outbox's invitation message: rendered when it is sent, with today's details."""
    hadir, wakil, tidak = answer_buttons(lang, invitation)
    text = invitation_text(lang, meeting, invitation, body)
    if moved_from is not None:
        old = format_when(lang, moved_from, meeting.timezone)
        text = Markup(t(lang, "meeting.moved", old=old) + "\n\n" + text)
    params = (
        body,
        meeting.title,
        format_when(lang, meeting.starts_at, meeting.timezone),
        meeting.venue,
        format_when(lang, meeting.rsvp_deadline, meeting.timezone),
    )
    return Rendered(
        text=text, buttons=((hadir,), (wakil, tidak)), template="invitation", params=params
    )


def render_notice(
    lang: str,
    meeting: Meeting,
    notice: str,
    invitee: str = "",
    organization: str = "",
    reason: str = "",
) -> Rendered:
    """News about a meeting: its cancellation, that you represent someone at it, or (for the
    organiser) a late decline."""
    when = format_when(lang, meeting.starts_at, meeting.timezone)
    text = t(
        lang,
        f"meeting.notice.{notice}",
        title=meeting.title,
        when=when,
        venue=meeting.venue,
        invitee=invitee,
        code=meeting.attendance_code,
        organization=organization,
        reason=reason or t(lang, "value.empty"),
    )
    return Rendered(text=text)


def invitation_keyboard(lang: str, invitation: Invitation, *, marked: bool = True) -> Keyboard:
    hadir, wakil, tidak = answer_buttons(lang, invitation, marked=marked)
    return ((hadir,), (wakil, tidak))


def skip_keyboard(lang: str, invitation: Invitation) -> Keyboard:
    assert invitation.id is not None
    data = callbacks.RsvpButton(invitation.id, "s").encode()
    return ((Button(t(lang, "rsvp.skip"), data),),)


def render_reminder(
    lang: str,
    meeting: Meeting,
    invitation: Invitation,
    *,
    for_representative: bool,
    invitee: Person | None,
) -> Rendered:
    key = "meeting.reminder_representative" if for_representative else "meeting.reminder"
    text = t(
        lang,
        key,
        title=meeting.title,
        when=format_when(lang, meeting.starts_at, meeting.timezone),
        venue=meeting.venue,
        answer=answer_label(lang, invitation),
        invitee=invitee.name if invitee else "",
        code=meeting.attendance_code,
    )
    return Rendered(text=text)


def nudge_item(lang: str, meeting: Meeting, invitation: Invitation) -> tuple[str, Button]:
    """One line of a bundled nudge, with a button that opens the invitation to answer it."""
    assert invitation.id is not None
    text = t(
        lang,
        "rsvp.nudge_item",
        title=meeting.title,
        when=format_when(lang, meeting.starts_at, meeting.timezone),
    )
    assert invitation.id is not None
    data = callbacks.RsvpButton(invitation.id, "o").encode()
    return text, Button(
        t_plain(lang, "rsvp.open", title=short_label(meeting.title, LABEL_TITLE)), data
    )


def closing_item(lang: str, meeting: Meeting) -> tuple[str, Button]:
    """A held meeting still waiting for its minutes: a line of the organiser's daily nudge."""
    assert meeting.id is not None
    when = format_when(lang, meeting.starts_at, meeting.timezone)
    text = t(lang, "notulen.nudge_item", title=meeting.title, when=when)
    data = callbacks.MeetingClose(meeting.id).encode()
    return text, Button(
        t_plain(lang, "notulen.button", title=short_label(meeting.title, LABEL_TITLE)), data
    )


def minutes_summary(lang: str, meeting: Meeting, *, limit: int = 800) -> str | None:
    """The minutes as plain text for the recap and the exports, or None before closing."""
    if meeting.minutes:
        text = meeting.minutes
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if meeting.minutes_file_name or meeting.minutes_file_id:
        return t_plain(lang, "notulen.document", name=meeting.minutes_file_name or "-")
    return None


def move_refused(lang: str, code: str) -> Markup:
    """Why a meeting could not be moved, in the chat's and the console's words alike (a start
    in the past reads as a move, not as a new meeting)."""
    key = "rapat.invalid.move_start_in_past" if code == "start_in_past" else None
    return t(lang, key or f"rapat.invalid.meeting_{code}")
