"""The console's routes for making and changing meetings: /rapatbaru, /pindahrapat,
/batalrapat and /notulen on the web, with the chat's rules and the chat's words.

Every answer is checked by the domain (``models.meeting_drafts``' form checks read dates and
times as the chat's steps do; ``models.meetings`` creates, moves, cancels and closes), and
nothing is done on a GET or without a preview: a new meeting and a move are shown first, a
cancellation asked again. A new meeting is made from the preview's token, once: a double
click, a refresh or a second tab makes nothing more.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from aiohttp import web
from sqlmodel import Session

from console.meeting_admin_page import (
    NEW,
    back,
    cancel_question,
    form_of,
    minutes_form,
    minutes_recorded,
    move_form,
    move_preview,
    new_form,
    new_preview,
    said,
)
from console.pages import page
from handlers.broadcast import audience_label
from handlers.i18n import t, t_plain
from handlers.meeting_views import invitation_text, move_refused, reach_text
from handlers.people_view import EXAMPLE_AHEAD, date_examples, format_when, local_today
from models import audience, audit, meeting_drafts, meetings
from models.console import SignedIn
from models.db import unit_of_work
from models.file_store import (
    ALLOWED_TYPES,
    EXTENSION_TYPES,
    FileRefused,
    evidence_type,
    verified_type,
)
from models.meeting_drafts import FormErrors, MeetingForm, NewMeeting
from models.meetings import Invitation, Meeting, MeetingError
from models.people import goes_as_template, reach_of

if TYPE_CHECKING:
    from console.web import Console

PREVIEW_TTL_SECONDS = 30 * 60
MAX_PREVIEWS = 200
# Minutes are a report, a scan or a photo of one: no sheets.
MINUTES_TYPES = {
    mime
    for mime, ext in ALLOWED_TYPES.items()
    if ext in ("pdf", "doc", "docx", "jpg", "png", "webp")
}
ONE = "/konsol/rapat/{meeting_id:[0-9]{1,9}}"


@dataclass
class Previewed:
    """A new meeting shown to its author: what "Buat rapat" makes, and then which it made."""

    person_id: int
    form: MeetingForm
    new: NewMeeting
    at: float = field(default_factory=time.monotonic)
    meeting_id: int | None = None


class Previews:
    """The previews shown, by a random token, for their author only; in memory for half an
    hour (after a restart the form is shown again, filled in). A preview that made its meeting
    stays, so a second "Buat rapat" says so instead of making another."""

    def __init__(self) -> None:
        self._items: dict[str, Previewed] = {}

    def keep(self, person_id: int, form: MeetingForm, new: NewMeeting) -> str:
        now = time.monotonic()
        for key in [k for k, v in self._items.items() if now - v.at > PREVIEW_TTL_SECONDS]:
            del self._items[key]
        while len(self._items) >= MAX_PREVIEWS:
            del self._items[next(iter(self._items))]
        token = secrets.token_urlsafe(16)
        self._items[token] = Previewed(person_id, form, new)
        return token

    def get(self, token: str, person_id: int) -> Previewed | None:
        found = self._items.get(token)
        if found is None or found.person_id != person_id:
            return None
        if time.monotonic() - found.at > PREVIEW_TTL_SECONDS:
            del self._items[token]
            return None
        return found


class MeetingAdminRoutes:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.deps = console.deps
        self.previews = Previews()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(NEW, self.new_meeting)
        app.router.add_post(NEW, self.check_new)
        app.router.add_post(NEW + "/buat", self.create)
        app.router.add_get(ONE + "/dibuat", self.created)
        app.router.add_get(ONE + "/pindah", self.move_asked)
        app.router.add_post(ONE + "/pindah", self.check_move)
        app.router.add_post(ONE + "/pindah/ya", self.move)
        app.router.add_get(ONE + "/batal", self.cancel_asked)
        app.router.add_post(ONE + "/batal", self.cancel)
        app.router.add_get(ONE + "/notulen", self.minutes)
        app.router.add_post(ONE + "/notulen", self.close)
        app.router.add_get(ONE + "/notulen/berkas", self.minutes_file)

    # -- pages -------------------------------------------------------------------------------

    def _page(self, signed: SignedIn, title: str, body: str, status: int = 200) -> web.Response:
        lang, csrf = signed.person.language, signed.csrf
        shown = page(lang, title, body, signed_in=signed.person.name, csrf=csrf)
        return self.console.html(shown, status)

    def _forged(self, signed: SignedIn, key: str = "konsol.forged") -> web.Response:
        """A form without the session's token (or too big): refused, nothing read."""
        lang = signed.person.language
        body = said(_plain(lang, key), refused=True)
        return self._page(signed, t_plain(lang, "konsol.refused_title"), body, 403)

    def _missing(self, signed: SignedIn) -> web.Response:
        lang = signed.person.language
        body = said(_plain(lang, "konsol.not_found"), refused=True)
        return self._page(signed, t_plain(lang, "konsol.not_found_title"), body, 404)

    def _refused(self, signed: SignedIn, meeting: Meeting, text: str) -> web.Response:
        """The chat's refusal (HTML) for this meeting, and the way back to it."""
        assert meeting.id is not None
        body = said(text, [back(signed.person.language, meeting.id)], refused=True)
        return self._page(signed, meeting.title, body, 409)

    def _refusal(self, signed: SignedIn, meeting: Meeting, error: MeetingError) -> web.Response:
        """Why the meeting cannot be moved, cancelled or closed, as the chat says it."""
        return self._refused(
            signed, meeting, t(signed.person.language, f"notulen.invalid.{error.code}")
        )

    def _meeting(self, request: web.Request) -> Meeting | None:
        with unit_of_work(self.deps.engine) as session:
            return session.get(Meeting, int(request.match_info["meeting_id"]))

    def _signed_meeting(self, request: web.Request) -> tuple[SignedIn, Meeting] | web.Response:
        """The signed-in admin and the meeting of the path; else the page saying why not."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        meeting = self._meeting(request)
        if meeting is None or meeting.id is None:
            return self._missing(signed)
        return signed, meeting

    def _examples(self, lang: str, day: date | None = None) -> dict[str, str]:
        """The chat's dated examples: a week ahead, or the meeting's eve for its deadline."""
        today = local_today(self.deps.clock.now(), self.deps.timezone)
        ahead = today + EXAMPLE_AHEAD if day is None else max(today, day - timedelta(days=1))
        return date_examples(lang, ahead)

    # -- a new meeting -----------------------------------------------------------------------

    def _new_page(
        self,
        signed: SignedIn,
        form: MeetingForm,
        errors: FormErrors | None = None,
        *,
        lead: str = "",
        status: int = 200,
    ) -> web.Response:
        lang = signed.person.language
        problems: dict[str, str] = {}
        if errors is not None:
            examples = self._examples(lang)
            deadline_examples = self._examples(lang, errors.day)
            for name, code in errors.problems.items():
                values = deadline_examples if name == "deadline" else examples
                problems[name] = t(lang, f"rapat.invalid.{code}", **values)
        body = new_form(lang, signed.csrf, form, problems, self._examples(lang), lead=lead)
        return self._page(signed, t_plain(lang, "konsol.new_meeting"), body, status)

    async def new_meeting(self, request: web.Request) -> web.Response:
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        return self._new_page(signed, MeetingForm())

    async def check_new(self, request: web.Request) -> web.Response:
        """The form checked with /rapatbaru's rules: the form again with every problem in the
        bot's words (what was typed kept), or the preview. "Ubah" shows the form again."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._forged(signed)
        form = form_of(posted)
        if posted.get("ubah"):
            return self._new_page(signed, form)
        lang, now = signed.person.language, self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            try:
                new = meeting_drafts.check_form(
                    session, form, now=now, default_zone=self.deps.timezone
                )
            except FormErrors as errors:
                return self._new_page(signed, form, errors, status=400)
            parts = self._preview_parts(session, lang, new, now)
        token = self.previews.keep(signed.person.id or 0, form, new)
        body = new_preview(lang, signed.csrf, form, token, **parts)
        return self._page(signed, t_plain(lang, "konsol.new_meeting"), body)

    def _preview_parts(
        self, session: Session, lang: str, new: NewMeeting, now: datetime
    ) -> dict[str, str]:
        """The bot's preview text, the invitation as it will read, and whom it reaches."""
        invitees = audience.resolve(session, new.specs)
        templates = sum(1 for person in invitees if goes_as_template(person, now))
        summary = t(
            lang,
            "rapat.preview",
            title=new.title,
            when=format_when(lang, new.starts_at, new.timezone),
            venue=new.venue,
            deadline=format_when(lang, new.rsvp_deadline, new.timezone),
            audience=audience_label(session, lang, ",".join(new.specs)),
            count=len(invitees),
            templates=t(lang, "preview.templates", count=templates) if templates else "",
        )
        # The invitation's own renderer, on a meeting not stored: what invitees will read.
        unsaved = Meeting(
            title=new.title,
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            timezone=new.timezone,
            venue=new.venue,
            agenda=new.agenda,
            rsvp_deadline=new.rsvp_deadline,
            attendance_code="",
            created_at=now,
            updated_at=now,
        )
        card = Invitation(meeting_id=0, person_id=0, created_at=now, updated_at=now)
        ends = format_when(lang, new.ends_at, new.timezone) if new.ends_at else ""
        return {
            "summary": summary,
            "ends": ends,
            "invitation": invitation_text(lang, unsaved, card, self.deps.body_name),
            "reach": reach_text(lang, reach_of(invitees), "invite.reach.by_bot"),
        }

    async def create(self, request: web.Request) -> web.Response:
        """Buat rapat: the previewed meeting made and its invitations queued, as the chat's
        confirmation does; once per preview."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._forged(signed)
        lang, person_id = signed.person.language, signed.person.id or 0
        found = self.previews.get(str(posted.get("pratinjau") or ""), person_id)
        if found is None:
            lead = _plain(lang, "konsol.rapat.preview_gone")
            return self._new_page(signed, form_of(posted), lead=lead, status=409)
        if found.meeting_id is not None:
            return self._already(signed, found.meeting_id)
        # From here to the end nothing awaits: a second click waits for this one, then finds
        # the meeting made.
        new = found.new
        try:
            with unit_of_work(self.deps.engine) as session:
                meeting = meetings.create(
                    session,
                    title=new.title,
                    starts_at=new.starts_at,
                    ends_at=new.ends_at,
                    timezone=new.timezone,
                    venue=new.venue,
                    agenda=new.agenda,
                    rsvp_deadline=new.rsvp_deadline,
                    specs=list(new.specs),
                    created_by_id=signed.person.id,
                    now=self.deps.clock.now(),
                )
                meeting_id = meeting.id
                _audit(
                    session,
                    audit.Act.MEETING_CREATE,
                    signed,
                    meeting_id,
                    len(meetings.invitations_of(session, meeting)),
                    self.deps.clock.now(),
                )
        except MeetingError as error:  # the meeting's own rules again (a start now past)
            lead = t(lang, f"rapat.invalid.meeting_{error.code}")
            return self._new_page(signed, found.form, lead=lead, status=409)
        except audience.UnknownAudience:  # an organization gone since the preview
            lead = t(lang, "rapat.invalid.audience")
            return self._new_page(signed, found.form, lead=lead, status=409)
        assert meeting_id is not None
        found.meeting_id = meeting_id
        self.deps.wake_delivery()
        raise web.HTTPSeeOther(f"/konsol/rapat/{meeting_id}/dibuat")

    def _already(self, signed: SignedIn, meeting_id: int) -> web.Response:
        lang = signed.person.language
        text = _plain(lang, "konsol.rapat.already_created", id=meeting_id)
        body = said(text, [back(lang, meeting_id)], refused=True)
        return self._page(signed, t_plain(lang, "konsol.new_meeting"), body, 409)

    async def created(self, request: web.Request) -> web.Response:
        """After Buat rapat: the chat's "Rapat #N dibuat" with whom the invitations reach."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang = signed.person.language
        with unit_of_work(self.deps.engine) as session:
            meeting = session.get(Meeting, int(request.match_info["meeting_id"]))
            if meeting is None or meeting.id is None:
                return self._missing(signed)
            reach = meetings.reach_of_invitees(session, meeting)
        text = t(
            lang,
            "rapat.created",
            id=meeting.id,
            code=meeting.attendance_code,
            reach=reach_text(lang, reach),
        )
        return self._page(signed, meeting.title, said(text, [back(lang, meeting.id)]))

    # -- moving --------------------------------------------------------------------------------

    def _move_page(
        self,
        signed: SignedIn,
        meeting: Meeting,
        *,
        day: str = "",
        starts: str = "",
        errors: FormErrors | None = None,
    ) -> web.Response:
        lang = signed.person.language
        assert meeting.id is not None
        examples = self._examples(lang)
        problems = {
            name: t(lang, f"rapat.invalid.{code}", **examples)
            for name, code in (errors.problems.items() if errors else ())
        }
        body = move_form(
            lang,
            signed.csrf,
            meeting.id,
            now_text=format_when(lang, meeting.starts_at, meeting.timezone),
            day=day,
            starts=starts,
            problems=problems,
            examples=examples,
        )
        title = t_plain(lang, "konsol.rapat.move_title") + ": " + meeting.title
        return self._page(signed, title, body, 400 if errors else 200)

    async def move_asked(self, request: web.Request) -> web.Response:
        found = self._signed_meeting(request)
        if isinstance(found, web.Response):
            return found
        signed, meeting = found
        try:
            meetings.check_movable(meeting, self.deps.clock.now())
        except MeetingError as error:
            return self._refusal(signed, meeting, error)
        return self._move_page(signed, meeting)

    async def check_move(self, request: web.Request) -> web.Response:
        """The new date and time, read as /pindahrapat reads them; then old → new and who will
        be told, with Ya, pindahkan / Tidak. Nothing moves here."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._forged(signed)
        day, starts = str(posted.get("tanggal") or ""), str(posted.get("jam") or "")
        lang, now = signed.person.language, self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            meeting = session.get(Meeting, int(request.match_info["meeting_id"]))
            if meeting is None or meeting.id is None:
                return self._missing(signed)
            try:
                starts_at = meeting_drafts.check_move(meeting, day, starts, now=now)
            except MeetingError as error:
                return self._refusal(signed, meeting, error)
            except FormErrors as errors:
                return self._move_page(signed, meeting, day=day, starts=starts, errors=errors)
            _, deadline = meetings.moved_times(meeting, starts_at, now=now)
            reach = meetings.reach_of_invitees(session, meeting)
        text = t(
            lang,
            "rapat.move_preview",
            title=meeting.title,
            old=format_when(lang, meeting.starts_at, meeting.timezone),
            new=format_when(lang, starts_at, meeting.timezone),
            deadline=format_when(lang, deadline, meeting.timezone),
            venue=meeting.venue,
            reach=reach_text(lang, reach, "invite.reach.by_bot"),
        )
        body = move_preview(
            lang,
            signed.csrf,
            meeting.id,
            text=text,
            starts_at=starts_at.isoformat(),
            version=meeting.version,
        )
        title = t_plain(lang, "konsol.rapat.move_title") + ": " + meeting.title
        return self._page(signed, title, body)

    async def move(self, request: web.Request) -> web.Response:
        """Ya, pindahkan: ``meetings.reschedule`` to the previewed start, everyone told; a
        preview of a meeting changed since (moved again, this very Ya twice) moves nothing."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        starts_at = _moment(str(posted.get("mulai") or "")) if posted is not None else None
        version = str(posted.get("versi") or "") if posted is not None else ""
        if posted is None or starts_at is None or not version.isdigit() or len(version) > 12:
            return self._forged(signed)
        lang, now = signed.person.language, self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            meeting = session.get(Meeting, int(request.match_info["meeting_id"]))
            if meeting is None:
                return self._missing(signed)
            if meeting.status != meetings.MeetingStatus.SCHEDULED.value:
                text = t(lang, "rapat.invalid.meeting_not_scheduled")
                return self._refused(signed, meeting, text)
            if meeting.version != int(version):
                return self._refused(signed, meeting, _plain(lang, "konsol.rapat.stale"))
            try:  # the rules are checked before anything changes
                told = meetings.reschedule(session, meeting, starts_at=starts_at, now=now)
                _audit(session, audit.Act.MEETING_MOVE, signed, meeting.id, told, now)
            except MeetingError as error:
                return self._refused(signed, meeting, move_refused(lang, error.code))
        self.deps.wake_delivery()
        assert meeting.id is not None
        when = format_when(lang, meeting.starts_at, meeting.timezone)
        text = t(lang, "rapat.moved", title=meeting.title, when=when)
        return self._page(signed, meeting.title, said(text, [back(lang, meeting.id)]))

    # -- cancelling ------------------------------------------------------------------------------

    async def cancel_asked(self, request: web.Request) -> web.Response:
        """Batalkan asks first, as the chat does: Ya, batalkan rapat / Tidak (back)."""
        found = self._signed_meeting(request)
        if isinstance(found, web.Response):
            return found
        signed, meeting = found
        assert meeting.id is not None
        try:
            meetings.check_cancellable(meeting, self.deps.clock.now())
        except MeetingError as error:
            return self._refusal(signed, meeting, error)
        lang = signed.person.language
        text = t(lang, "rapat.cancel_confirm", title=meeting.title)
        body = cancel_question(lang, signed.csrf, meeting.id, text=text)
        return self._page(signed, t_plain(lang, "konsol.rapat.cancel_title"), body)

    async def cancel(self, request: web.Request) -> web.Response:
        """Ya, batalkan rapat: ``meetings.cancel``, every invitee and representative told."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        if await self.console.form(request, signed) is None:
            return self._forged(signed)
        lang = signed.person.language
        with unit_of_work(self.deps.engine) as session:
            meeting = session.get(Meeting, int(request.match_info["meeting_id"]))
            if meeting is None or meeting.id is None:
                return self._missing(signed)
            try:
                now = self.deps.clock.now()
                told = meetings.cancel(session, meeting, now=now)
                _audit(session, audit.Act.MEETING_CANCEL, signed, meeting.id, told, now)
            except MeetingError as error:
                return self._refusal(signed, meeting, error)
        self.deps.wake_delivery()
        text = t(lang, "rapat.cancel_done", title=meeting.title)
        return self._page(signed, meeting.title, said(text, [back(lang, meeting.id)]))

    # -- the minutes -----------------------------------------------------------------------------

    async def minutes(self, request: web.Request) -> web.Response:
        """A held meeting's minutes form; a closed one's minutes; else the chat's refusal."""
        found = self._signed_meeting(request)
        if isinstance(found, web.Response):
            return found
        signed, meeting = found
        assert meeting.id is not None
        lang = signed.person.language
        title = t_plain(lang, "konsol.rapat.minutes") + ": " + meeting.title
        if meeting.status == meetings.MeetingStatus.DONE.value:
            closed = meeting.closed_at or meeting.updated_at
            body = minutes_recorded(
                lang,
                meeting.id,
                text=meeting.minutes or "",
                document=meeting.minutes_file_name or ("-" if meeting.minutes_file_id else ""),
                stored=bool(meeting.minutes_path),
                closed=format_when(lang, closed, meeting.timezone),
            )
            return self._page(signed, title, body)
        try:
            meetings.check_closable(meeting, self.deps.clock.now())
        except MeetingError as error:
            return self._refusal(signed, meeting, error)
        return self._page(
            signed, title, minutes_form(lang, signed.csrf, meeting.id, title=meeting.title)
        )

    async def close(self, request: web.Request) -> web.Response:
        """The minutes (text, a document, or both) recorded by ``meetings.close``: the meeting
        is closed and its daily nudge stops. The document goes to the file store first and is
        removed again when the meeting refuses it."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._forged(signed, "konsol.forged_or_big")
        meeting = self._meeting(request)
        if meeting is None or meeting.id is None:
            return self._missing(signed)
        lang, now = signed.person.language, self.deps.clock.now()
        text = str(posted.get("notulen") or "")
        try:
            meetings.check_closable(meeting, now)
        except MeetingError as error:
            return self._refusal(signed, meeting, error)
        upload = posted.get("berkas")
        stored: str | None = None
        name: str | None = None
        if isinstance(upload, web.FileField) and upload.filename:
            data = upload.file.read()
            try:
                kind = evidence_type(upload.content_type, upload.filename)
                if kind not in MINUTES_TYPES or not data:
                    raise FileRefused("type")
                kind = verified_type(kind, data)  # the bytes decide, not the browser's label
                stored = await asyncio.to_thread(
                    self.deps.files.save,
                    f"notulen/{meeting.id}",
                    data,
                    mime_type=kind,
                    hint="notulen",
                )
            except FileRefused:
                body = said(_plain(lang, "konsol.rapat.minutes_refused"), refused=True)
                body += minutes_form(lang, signed.csrf, meeting.id, title=meeting.title, text=text)
                return self._page(signed, meeting.title, body, 400)
            name = upload.filename[-200:]
        try:
            with unit_of_work(self.deps.engine) as session:
                current = session.get(Meeting, meeting.id)
                if current is None:
                    raise MeetingError("not_scheduled")
                meetings.close(
                    session, current, now=now, text=text, file_name=name, file_path=stored
                )
        except MeetingError as error:
            if stored is not None:
                self.deps.files.remove(stored)
            if error.code != "minutes":
                return self._refusal(signed, meeting, error)
            body = said(t(lang, "notulen.invalid.minutes"), refused=True)
            body += minutes_form(lang, signed.csrf, meeting.id, title=meeting.title, text=text)
            return self._page(signed, meeting.title, body, 400)
        text_done = t(lang, "notulen.closed", title=meeting.title)
        return self._page(signed, meeting.title, said(text_done, [back(lang, meeting.id)]))

    async def minutes_file(self, request: web.Request) -> web.StreamResponse:
        """The minutes' document uploaded here, for signed-in admins only."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        meeting = self._meeting(request)
        path = (
            self.deps.files.path_of(meeting.minutes_path)
            if meeting and meeting.minutes_path
            else None
        )
        if meeting is None or path is None or not path.is_file():
            raise web.HTTPNotFound()
        kind = EXTENSION_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")
        image = kind.startswith("image/")
        name = (meeting.minutes_file_name or path.name).replace('"', "").replace("\n", " ")
        return web.FileResponse(
            path,
            headers={
                "Content-Type": kind,
                "Content-Disposition": f'{"inline" if image else "attachment"}; filename="{name}"',
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )


def _plain(lang: str, key: str, **values: object) -> str:
    """A console text (plain) for the page."""
    return escape(t_plain(lang, key, **values))


def _moment(text: str) -> datetime | None:
    """The previewed start carried by Ya, pindahkan (an aware ISO time), or None."""
    try:
        moment = datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _audit(
    session: Session,
    act: audit.Act,
    signed: SignedIn,
    meeting_id: int | None,
    people: int,
    now: datetime,
) -> None:
    audit.record(
        session,
        act=act,
        via=audit.Via.CONSOLE,
        now=now,
        actor_id=signed.person.id,
        target=f"meeting:{meeting_id}",
        people=people,
    )
