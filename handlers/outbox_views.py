"""Rendering outbox rows into messages, in the recipient's language, at send time.

The dispatcher (scheduler/) is handed this renderer by bot/, so time and presentation stay
apart. Rows other than broadcasts describe themselves in their payload: a catalogue key, its
parameters, and optionally one button (a catalogue key and callback data).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers import action_views
from handlers.action_status import render_digest
from handlers.i18n import t, t_plain
from handlers.meeting_views import (
    closing_item,
    nudge_item,
    render_notice,
    render_reminder,
)
from handlers.people_view import organization_label
from models.actions import Action
from models.broadcasts import Broadcast
from models.clock import SystemClock
from models.meetings import Invitation, Meeting
from models.messages import Button, Rendered
from models.outbox import Kind, OutboxMessage
from models.people import Person

MESSAGE_LIMIT = 4096
BUNDLE_MAX = 8  # items in one nudge message (each a line and a button)
BUNDLE_BUDGET = 3500  # characters of items: header and "and N more" fit under 4096


class OutboxRenderer:
    def __init__(
        self,
        body_name: str,
        *,
        clock: Callable[[], datetime] | None = None,
        zone: str = "Asia/Jakarta",
    ) -> None:
        self.body_name = body_name
        self.clock, self.zone = clock or SystemClock().now, zone

    def render(
        self, session: Session, person: Person, rows: list[OutboxMessage]
    ) -> Rendered | None:
        lang = person.language
        now = self.clock()
        if len(rows) == 1 and rows[0].kind == Kind.DIGEST.value:
            zone = str((rows[0].payload or {}).get("zone") or self.zone)
            return render_digest(session, lang, now=now, zone=zone)
        if len(rows) > 1 and all(row.kind == Kind.ESCALATION.value for row in rows):
            return action_views.render_escalations(session, lang, rows, now=now, zone=self.zone)
        action_row = rows[0].subject.startswith("action:") and rows[0].kind != Kind.NUDGE
        if len(rows) == 1 and action_row:
            return action_views.render_row(session, lang, rows[0], now=now, zone=self.zone)
        if len(rows) == 1 and rows[0].kind == Kind.BROADCAST.value:
            return self._broadcast(session, lang, rows[0])
        if len(rows) == 1 and rows[0].kind == Kind.INVITATION.value:
            return self._invitation(session, lang, person, rows[0])
        if len(rows) == 1 and rows[0].kind == Kind.REMINDER.value:
            return self._reminder(session, lang, person, rows[0])
        if len(rows) == 1 and "notice" in (rows[0].payload or {}):
            return self._notice(session, lang, rows[0])
        items = self._items(session, lang, rows)
        if len(items) == 1:
            button = items[0][1]
            return Rendered(text=items[0][0], buttons=((button,),) if button else ())
        # A bundle lists at most BUNDLE_MAX items (cut at an item, never inside one): a
        # Posyandu with 25 overdue actions gets a readable message, not a 400 from Telegram.
        shown: list[tuple[str, Button | None]] = []
        used = 0
        for item in items[:BUNDLE_MAX]:  # and within a character budget, items whole
            if shown and used + len(item[0]) > BUNDLE_BUDGET:
                break
            shown.append(item)
            used += len(item[0]) + 3
        header = t(lang, "nudge.bundle_header", count=len(items))
        lines = "\n".join(f"• {text}" for text, _ in shown)
        text = f"{header}\n\n{lines}"
        if len(items) > len(shown):
            text += "\n" + t(lang, "nudge.bundle_more", count=len(items) - len(shown))
        buttons = tuple((button,) for _, button in shown if button is not None)
        return Rendered(text=text, buttons=buttons)

    def _items(
        self, session: Session, lang: str, rows: list[OutboxMessage]
    ) -> list[tuple[str, Button | None]]:
        """One line per thing to do: two moments of one action (after a long weekend) are one."""
        seen: set[int] = set()
        items = []
        for row in sorted(rows, key=lambda r: r.id or 0, reverse=True):
            action_id = (row.payload or {}).get("action_id")
            if isinstance(action_id, int):
                if action_id in seen:
                    continue
                seen.add(action_id)
            items.append(self._item(session, lang, row))
        items.reverse()
        return items

    def _broadcast(self, session: Session, lang: str, row: OutboxMessage) -> Rendered | None:
        broadcast_id = int(row.subject.partition(":")[2])
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return None
        return Rendered(text=t(lang, "broadcast.message", body=self.body_name, text=broadcast.text))

    def _notice(self, session: Session, lang: str, row: OutboxMessage) -> Rendered | None:
        payload = row.payload or {}
        meeting = session.get(Meeting, int(payload.get("meeting_id", 0)))
        if meeting is None:
            return None
        invitee = session.get(Person, int(payload.get("invitee_id", 0)))
        name = invitee.name if invitee is not None else ""
        organization = organization_label(session, lang, invitee) if invitee is not None else ""
        return render_notice(
            lang,
            meeting,
            str(payload["notice"]),
            invitee=name,
            organization=organization,
            reason=str(payload.get("reason") or ""),
        )

    def _invitation(
        self, session: Session, lang: str, person: Person, row: OutboxMessage
    ) -> Rendered | None:
        found = _invited(session, row.payload or {})
        if found is None:
            return None
        invitation, meeting = found
        moved = row.payload.get("moved_from")
        moved_from = datetime.fromisoformat(moved) if isinstance(moved, str) else None
        return action_views.invitation_card(
            session,
            lang,
            meeting,
            invitation,
            person,
            self.body_name,
            now=self.clock(),
            moved_from=moved_from,
        )

    def _reminder(
        self, session: Session, lang: str, person: Person, row: OutboxMessage
    ) -> Rendered | None:
        found = _invited(session, row.payload or {})
        if found is None:
            return None
        invitation, meeting = found
        return render_reminder(
            lang,
            meeting,
            invitation,
            for_representative=person.id != invitation.person_id,
            invitee=session.get(Person, invitation.person_id),
        )

    def _item(self, session: Session, lang: str, row: OutboxMessage) -> tuple[str, Button | None]:
        payload: dict[str, Any] = row.payload or {}
        if "close_meeting_id" in payload:
            closing = session.get(Meeting, int(payload["close_meeting_id"]))
            if closing is not None:
                return closing_item(lang, closing)
        if "action_id" in payload:
            action = session.get(Action, int(payload["action_id"]))
            if action is not None:
                today = action_views.today_for(session, action, self.clock(), self.zone)
                return action_views.nudge_item(session, lang, action, row.slot, today)
        found = _invited(session, payload)
        if found is not None:
            return nudge_item(lang, found[1], found[0])
        text = t(lang, str(payload["key"]), **dict(payload.get("params") or {}))
        button = payload.get("button")
        if not button:
            return text, None
        label = t_plain(lang, str(button["key"]))  # a label is shown raw, never as HTML
        return text, Button(label=label, callback_data=str(button["data"]))


def _invited(session: Session, payload: dict[str, Any]) -> tuple[Invitation, Meeting] | None:
    """The invitation a row is about, and its meeting; None when either is gone."""
    invitation_id = payload.get("invitation_id")
    invitation = session.get(Invitation, int(invitation_id)) if invitation_id else None
    meeting = session.get(Meeting, invitation.meeting_id) if invitation else None
    return (invitation, meeting) if invitation is not None and meeting is not None else None
