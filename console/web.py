"""The console's routes: the one-time sign-in link, the session cookie, CSRF, and Beranda.

The link opens a page with a "Masuk" button rather than signing in on GET: Telegram and
WhatsApp fetch links to show previews, and a preview must not use up the link. The cookie is
HttpOnly, SameSite=Strict, limited to /konsol, Secure behind https, and ends with the session.
Sign-in attempts are limited per address, so a token cannot be guessed by trying.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from html import escape
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDictProxy
from sqlmodel import Session

from console.actions_routes import ActionRoutes
from console.checkin_page import checkin_body
from console.links import ChatLink, ChatLinks
from console.links_page import card, sheet_body
from console.meeting_admin_routes import MeetingAdminRoutes
from console.meeting_page import meeting_body
from console.pages import message, page
from console.people_page import (
    directory_body,
    problem_body,
    report_body,
    requests_body,
    upload_form,
)
from console.siaran_routes import SiaranRoutes
from console.uploads import Pending, PendingUploads
from handlers import attendance_export
from handlers.console_link import NEXT
from handlers.deps import Deps
from handlers.i18n import plain, t, t_plain
from handlers.import_reports import too_large
from handlers.people_view import format_when
from handlers.registration import decide_and_tell
from models import audit, console, people, registration
from models.accounts import Account
from models.action_status import OverdueGroup, overdue_by_organization
from models.console import Refused, SignedIn, Started
from models.db import unit_of_work
from models.errors import NotFound
from models.invitees import Filters, invitee_rows, late_changes
from models.meetings import Answer, Meeting
from models.organizations import Organization, OrgKind, zone_of
from models.people import Person, Role
from models.people_directory import (
    REACHABLE,
    PeopleFilters,
    PersonRow,
    Registration,
    directory,
    of_organization,
)
from models.recap import Funnel, nudge_non_responders, recap, recent_meetings
from models.registration import Decision
from models.roster import ImportReport, import_roster
from models.sheets import MissingColumns

log = logging.getLogger(__name__)
R = TypeVar("R")
ReadSheet = Callable[[Path], tuple[list[str], list[list[str]]]]
COOKIE = "pokjanal_konsol"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}
PREFIX = "/konsol"
ATTEMPTS_PER_MINUTE = 10
HTML = "text/html"


class ConsoleEnv:
    """``Env`` for a step run from the console: each step its own transaction."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def uow(self) -> AbstractContextManager[Session]:
        return unit_of_work(self.deps.engine)

    def person_of(self, account: Account) -> Person | None:
        with unit_of_work(self.deps.engine) as session:
            return people.by_account(session, account)


class SignInLimit:
    """At most ``per_minute`` refused sign-in attempts per client address, then 429.

    Only refusals count: a valid link always signs in, so nobody (behind the same proxy, say)
    can lock the admins out, while guessing is slowed down. Addresses quiet for a minute are
    forgotten (looked at once a second), and at most ``MAX_KEPT`` are kept."""

    MAX_KEPT = 10_000

    def __init__(self, per_minute: int = ATTEMPTS_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._pruned = 0.0

    def _prune(self, now: float) -> None:
        if now - self._pruned < 1.0 and len(self._seen) < self.MAX_KEPT:
            return
        self._pruned = now
        for known in [a for a, times in self._seen.items() if not times or now - times[-1] > 60]:
            del self._seen[known]
        while len(self._seen) >= self.MAX_KEPT:
            del self._seen[next(iter(self._seen))]

    def blocked(self, address: str) -> bool:
        now = time.monotonic()
        self._prune(now)
        seen = self._seen.get(address)
        while seen and now - seen[0] > 60:
            seen.popleft()
        return seen is not None and len(seen) >= self.per_minute

    def refused(self, address: str) -> None:
        self._seen[address].append(time.monotonic())


class Console:
    def __init__(
        self,
        deps: Deps,
        *,
        public_url: str,
        language: str = "id",
        read_sheet: ReadSheet | None = None,
        links: ChatLinks | None = None,
        demo: bool = False,
    ) -> None:
        self.deps = deps
        # Links into the bot's chat (registration, check-in): the composition root knows the
        # bot's username and WhatsApp number.
        self.links = links or ChatLinks()
        self.secure = public_url.startswith("https://")
        self.language = language  # for pages shown to nobody signed in
        self.limit = SignInLimit()
        # Reading CSV/XLSX is the composition root's (bot.tables), handed in like a renderer.
        self.read_sheet = read_sheet
        self.uploads = PendingUploads()
        self.demo = demo

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(f"{PREFIX}/masuk", self.sign_in_page)
        app.router.add_post(f"{PREFIX}/masuk", self.sign_in)
        app.router.add_post(f"{PREFIX}/keluar", self.sign_out)
        app.router.add_get(f"{PREFIX}/", self.home)
        app.router.add_get(PREFIX, self.to_home)
        meeting = PREFIX + "/rapat/{meeting_id:[0-9]{1,9}}"  # ASCII digits, within an int
        app.router.add_get(meeting, self.meeting)
        app.router.add_post(meeting + "/ingatkan", self.nudge)
        app.router.add_get(meeting + "/daftar-hadir.{fmt:(xlsx|pdf|csv)}", self.attendance)
        app.router.add_get(meeting + "/qr", self.checkin_qr)
        app.router.add_get(f"{PREFIX}/peserta", self.people)
        app.router.add_post(f"{PREFIX}/peserta/unggah", self.upload)
        app.router.add_post(f"{PREFIX}/peserta/simpan", self.save_upload)
        app.router.add_get(PREFIX + "/peserta/{person_id:[0-9]{1,9}}/tautan", self.person_card)
        app.router.add_get(
            PREFIX + "/peserta/organisasi/{org_id:[0-9]{1,9}}/tautan", self.organization_cards
        )
        app.router.add_post(PREFIX + "/peserta/permintaan/{request_id:[0-9]{1,9}}", self.decide)
        ActionRoutes(self).add_routes(app)
        SiaranRoutes(self).add_routes(app)
        MeetingAdminRoutes(self).add_routes(app)
        if self.demo:
            app.router.add_get(f"{PREFIX}/demo", self.demo_sign_in)

    # -- signing in ------------------------------------------------------------------------

    def html(self, body: str, status: int = 200) -> web.Response:
        return web.Response(
            text=body,
            status=status,
            content_type=HTML,
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
                # Report photos come from the console itself; nothing else is loaded.
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                "img-src 'self'; form-action 'self'",
            },
        )

    def _refused(self, reason: Refused, status: int = 403) -> web.Response:
        lang = self.language
        return self.html(message(lang, "konsol.refused_title", f"konsol.refused.{reason}"), status)

    def _refused_attempt(self, request: web.Request, reason: Refused) -> web.Response:
        """A link that cannot sign in: why (403), or, after many from this address, 429."""
        address = request.remote or ""
        if self.limit.blocked(address):
            response = self.html(
                message(self.language, "konsol.refused_title", "konsol.too_many"), 429
            )
            response.headers["Retry-After"] = "60"
            return response
        self.limit.refused(address)
        return self._refused(reason)

    async def sign_in_page(self, request: web.Request) -> web.Response:
        """The link's page: still valid? Then a button (a link preview presses nothing)."""
        token = request.query.get("t", "")
        with unit_of_work(self.deps.engine) as session:
            refused = console.link_state(session, token, now=self.deps.clock.now())
        if refused is not None:
            return self._refused_attempt(request, refused)
        lang = self.language
        onward = _onward(request.query.get(NEXT, ""))
        form = (
            f"<section><p>{escape(t_plain(lang, 'konsol.sign_in_text'))}</p>"
            f'<form method="post" action="{PREFIX}/masuk">'
            f'<input type="hidden" name="t" value="{escape(token)}">'
            f'<input type="hidden" name="{NEXT}" value="{escape(onward)}">'
            f"<button>{escape(t_plain(lang, 'konsol.sign_in'))}</button></form></section>"
        )
        return self.html(page(lang, t_plain(lang, "konsol.sign_in_title"), form))

    async def sign_in(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = str(form.get("t") or "")
        with unit_of_work(self.deps.engine) as session:
            started = console.redeem(session, token, now=self.deps.clock.now())
        if not isinstance(started, Started):
            return self._refused_attempt(request, started)
        return self._start(started, _onward(str(form.get(NEXT) or "")))

    def _start(self, started: Started, onward: str) -> web.Response:
        """The session's cookie, and on to the page."""
        response = web.Response(status=303, headers={"Location": onward})
        max_age = int((started.expires_at - self.deps.clock.now()).total_seconds())
        response.set_cookie(
            COOKIE,
            started.session_id,
            max_age=max(max_age, 0),
            path=PREFIX,
            httponly=True,
            secure=self.secure,
            samesite="Strict",
        )
        return response

    async def demo_sign_in(self, request: web.Request) -> web.Response:
        """The demo's "Buka konsol": signed in as the demo's admin in one click. Only routed
        when the console is made with ``demo=True`` (``pokjanal demo``), never by ``run``."""
        if request.remote not in ("127.0.0.1", "::1"):  # the demo's own machine only
            return self.html(
                message(self.language, "konsol.refused_title", "konsol.demo_local"), 403
            )
        now = self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            admin = console.first_admin(session)
            token = console.issue_link(session, admin, now=now) if admin is not None else None
        if token is None:
            return self._refused(Refused.NOT_ADMIN)
        with unit_of_work(self.deps.engine) as session:
            started = console.redeem(session, token, now=now)
        if not isinstance(started, Started):
            return self._refused(started)
        return self._start(started, f"{PREFIX}/")

    def _session(self, request: web.Request) -> SignedIn | None:
        with unit_of_work(self.deps.engine) as session:
            return console.signed_in(
                session, request.cookies.get(COOKIE, ""), now=self.deps.clock.now()
            )

    async def sign_out(self, request: web.Request) -> web.Response:
        signed = self._session(request)
        form = await request.post()
        given = str(form.get("csrf") or "")
        if signed is None or not hmac.compare_digest(given.encode(), signed.csrf.encode()):
            response = self.html(
                message(self.language, "konsol.refused_title", "konsol.forged"), 403
            )
            if signed is None:  # an ended session's cookie goes; a forged form changes nothing
                response.del_cookie(COOKIE, path=PREFIX)
            return response
        with unit_of_work(self.deps.engine) as session:
            console.sign_out(session, request.cookies.get(COOKIE, ""), now=self.deps.clock.now())
        lang = signed.person.language
        response = self.html(message(lang, "konsol.signed_out_title", "konsol.signed_out"))
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    # -- pages -------------------------------------------------------------------------------

    async def to_home(self, request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(f"{PREFIX}/")

    async def home(self, request: web.Request) -> web.Response:
        """Beranda: the meetings coming (their funnel), late follow-ups, waiting registrations."""
        signed = self._session(request)
        if signed is None:
            return self.html(
                message(self.language, "konsol.refused_title", "konsol.not_signed_in"), 401
            )
        person, lang = signed.person, signed.person.language
        now = self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            zone = zone_of(session, person.organization_id, self.deps.timezone)
            coming = [m for m in recent_meetings(session, now=now) if m.starts_at >= now]
            funnels = [(m, recap(session, m.id or 0, now=now).funnel) for m in coming]
            today = now.astimezone(ZoneInfo(zone)).date()
            overdue = overdue_by_organization(session, today=today)
            waiting = registration.pending_requests(session)
        body = [self._meetings(lang, funnels), self._overdue(lang, overdue)]
        body.append(self._waiting(lang, waiting))
        title = t_plain(lang, "konsol.home")
        return self.html(page(lang, title, "".join(body), signed_in=person.name, csrf=signed.csrf))

    def signed_or_refused(self, request: web.Request) -> SignedIn | web.Response:
        signed = self._session(request)
        if signed is None:
            return self.html(
                message(self.language, "konsol.refused_title", "konsol.not_signed_in"), 401
            )
        return signed

    async def meeting(self, request: web.Request) -> web.Response:
        """Rapat: the recap on top, the table (filtered by the query) folded below."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, query = signed.person.language, request.query
        meeting_id = int(request.match_info["meeting_id"])
        with unit_of_work(self.deps.engine) as session:
            try:
                data = recap(session, meeting_id, now=self.deps.clock.now())
            except NotFound:
                return self.html(message(lang, "konsol.not_found_title", "konsol.not_found"), 404)
            rows = invitee_rows(session, meeting_id)
            late = late_changes(session, data.meeting)
        body = meeting_body(
            lang,
            data,
            csrf=signed.csrf,
            rows=rows,
            filters=filters_of(query),
            late=late,
            page_no=_number(query.get("hal", "")) or 1,
            nudged=_number(query.get("diingatkan", "")),
        )
        return self.html(
            page(lang, data.meeting.title, body, signed_in=signed.person.name, csrf=signed.csrf)
        )

    async def checkin_qr(self, request: web.Request) -> web.Response:
        """The check-in QR as a printable page: the code, and a QR per chat app."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang = signed.person.language
        with unit_of_work(self.deps.engine) as session:
            meeting = session.get(Meeting, int(request.match_info["meeting_id"]))
        if meeting is None:
            return self.html(message(lang, "konsol.not_found_title", "konsol.not_found"), 404)
        links = self.links.checkin(meeting.attendance_code)
        body = await asyncio.to_thread(checkin_body, lang, meeting, links)
        return self.html(page(lang, meeting.title, body))

    async def nudge(self, request: web.Request) -> web.Response:
        """ "Ingatkan yang belum menjawab": the same nudges as the chat's button."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf") or "").encode(), signed.csrf.encode()):
            lang = signed.person.language
            return self.html(message(lang, "konsol.refused_title", "konsol.forged"), 403)
        meeting_id = int(request.match_info["meeting_id"])
        with unit_of_work(self.deps.engine) as session:
            try:
                queued = nudge_non_responders(session, meeting_id, now=self.deps.clock.now())
            except NotFound:
                queued = 0
        self.deps.wake_delivery()
        # After a POST, a redirect: refreshing the page does not press the button again.
        where = f"{PREFIX}/rapat/{meeting_id}?diingatkan={queued}"
        return web.Response(status=303, headers={"Location": where})

    async def attendance(self, request: web.Request) -> web.Response:
        """The daftar hadir for the SPJ, as the CLI writes it."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        meeting_id, fmt = int(request.match_info["meeting_id"]), request.match_info["fmt"]
        lang = signed.person.language
        with unit_of_work(self.deps.engine) as session:
            try:
                meeting, rows = attendance_export.attendance_rows(session, meeting_id, lang)
            except NotFound:
                return self.html(message(lang, "konsol.not_found_title", "konsol.not_found"), 404)
            audit.record(
                session,
                act=audit.Act.EXPORT_ATTENDANCE,
                via=audit.Via.CONSOLE,
                now=self.deps.clock.now(),
                actor_id=signed.person.id,
                target=f"meeting:{meeting_id}",
                people=len(rows),
            )
        name, data = await asyncio.to_thread(
            attendance_export.attendance_file, meeting, rows, lang, fmt
        )
        return web.Response(
            body=data,
            content_type=CONTENT_TYPES[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    # -- Peserta: the roster ---------------------------------------------------------------

    def _people_page(self, signed: SignedIn, body: str, status: int = 200) -> web.Response:
        lang = signed.person.language
        title = t_plain(lang, "konsol.people")
        return self.html(
            page(lang, title, body, signed_in=signed.person.name, csrf=signed.csrf), status
        )

    def _people_problem(self, signed: SignedIn, text: str) -> web.Response:
        body = problem_body(signed.person.language, text, signed.csrf)
        return self._people_page(signed, body, 400)

    def _people_home(
        self, signed: SignedIn, before: str = "", query: Mapping[str, str] | None = None
    ) -> web.Response:
        lang, query = signed.person.language, query or {}
        with unit_of_work(self.deps.engine) as session:
            waiting = registration.pending_requests(session)
            rows = directory(session)
        listed = directory_body(
            lang, rows, people_filters_of(query), _number(query.get("hal", "")) or 1
        )
        body = before + requests_body(lang, waiting, signed.csrf) + listed
        return self._people_page(signed, body + upload_form(lang, signed.csrf))

    async def people(self, request: web.Request) -> web.Response:
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        return self._people_home(signed, query=request.query)

    def _cards(self, session: Session, rows: Sequence[PersonRow]) -> dict[int, list[ChatLink]]:
        """Each person's links; a Telegram token is made the first time it is printed."""
        found = {}
        for row in rows:
            person = session.get(Person, row.person.id)
            assert person is not None and person.id is not None
            # No one-tap link for an admin: whoever held the card would become one. Admins link
            # by their own number (/start, then the contact), or DAFTAR on WhatsApp.
            linked = person.telegram_user_id is not None or person.is_admin
            token = None if linked else people.ensure_invite_token(session, person)
            found[person.id] = self.links.registration(token)
        return found

    async def person_card(self, request: web.Request) -> web.Response:
        """One person's printable registration card."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, person_id = signed.person.language, int(request.match_info["person_id"])
        with unit_of_work(self.deps.engine) as session:
            rows = directory(session, person_id=person_id)
            shown = [r for r in rows if r.registration != Registration.ERASED]
            links = self._cards(session, shown)
        if not shown:
            return self.html(message(lang, "konsol.not_found_title", "konsol.person_gone"), 404)
        body = card(lang, shown[0], links[person_id])
        return self.html(
            page(lang, shown[0].person.name, body, signed_in=signed.person.name, csrf=signed.csrf)
        )

    async def organization_cards(self, request: web.Request) -> web.Response:
        """A Posyandu's (or any organization's) sheet of cards, to print and hand out."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, org_id = signed.person.language, int(request.match_info["org_id"])
        with unit_of_work(self.deps.engine) as session:
            organization = session.get(Organization, org_id)
            rows = of_organization(directory(session, organization_id=org_id), org_id)
            links = self._cards(session, rows)
        if organization is None:
            return self.html(message(lang, "konsol.not_found_title", "konsol.person_gone"), 404)
        body = await asyncio.to_thread(
            sheet_body, lang, organization, rows, lambda row: links[row.person.id or 0]
        )
        title = t_plain(lang, "konsol.card.sheet_title", name=organization.name)
        return self.html(page(lang, title, body, signed_in=signed.person.name, csrf=signed.csrf))

    async def decide(self, request: web.Request) -> web.Response:
        """Setujui (kader/OPD) or Tolak, as under the request in the chat; the requester is
        told on their channel, and a second decision changes nothing."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang = signed.person.language
        form = await self.form(request, signed)
        code = str(form.get("keputusan") or "") if form is not None else ""
        if code not in ("k", "o", "x"):
            return self._people_problem(signed, t_plain(lang, "konsol.forged"))
        request_id = int(request.match_info["request_id"])
        result, status = await decide_and_tell(
            ConsoleEnv(self.deps), signed.person, request_id, code, via=audit.Via.CONSOLE
        )
        if status is None:  # already decided (by another admin), or gone
            decided_by = result.decided_by.name if result.decided_by else "-"
            text = t(lang, "admin.request_already", admin=decided_by)
            if result.decision == Decision.NOT_FOUND:
                text = t(lang, "admin.request_gone")
            return self._people_home(signed, f'<section class="refused"><p>{text}</p></section>')
        return self._people_home(signed, f"<section><p>{status}</p></section>")

    async def form(self, request: web.Request, signed: SignedIn) -> MultiDictProxy[Any] | None:
        """The posted form when its CSRF token is the session's (None: too big or forged)."""
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            return None
        given = str(form.get("csrf") or "")
        return form if hmac.compare_digest(given.encode(), signed.csrf.encode()) else None

    async def upload(self, request: web.Request) -> web.Response:
        """A roster sheet: checked row by row in a transaction that is rolled back."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, csrf = signed.person.language, signed.csrf
        form = await self.form(request, signed)
        if form is None:
            return self._people_problem(signed, t_plain(lang, "konsol.forged_or_big"))
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return self._people_problem(signed, t_plain(lang, "konsol.no_file"))
        suffix = Path(upload.filename or "").suffix.lower()
        pending = Pending(signed.person.id or 0, suffix, upload.file.read())
        result = await self._import(pending, lang, dry_run=True)
        if isinstance(result, str):
            return self._people_problem(signed, result)
        upload_id = self.uploads.keep(pending) if result.accepted else None
        body = report_body(lang, result, csrf=csrf, upload_id=upload_id, saved=False)
        return self._people_page(signed, body)

    async def save_upload(self, request: web.Request) -> web.Response:
        """Simpan: the sheet that was checked, imported for real."""
        signed = self.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, csrf = signed.person.language, signed.csrf
        form = await self.form(request, signed)
        key = str(form.get("upload") or "") if form is not None else ""
        pending = self.uploads.take(key, signed.person.id or 0) if key else None
        if pending is None:
            return self._people_problem(signed, t_plain(lang, "konsol.upload_gone"))
        result = await self._import(pending, lang, dry_run=False)
        if isinstance(result, str):
            return self._people_problem(signed, result)
        body = report_body(lang, result, csrf=csrf, upload_id=None, saved=True)
        return self._people_page(signed, body + upload_form(lang, csrf))

    async def read(self, pending: Pending, lang: str) -> tuple[list[str], list[list[str]]] | str:
        """The uploaded sheet's headers and rows; a text saying why when it cannot be read."""
        if self.read_sheet is None or pending.suffix not in (".csv", ".xlsx"):
            return t_plain(lang, "konsol.not_a_sheet")
        read_sheet = self.read_sheet
        with tempfile.TemporaryDirectory(prefix="pokjanal-sheet-") as folder:
            path = Path(folder) / f"{pending.kind}{pending.suffix}"
            path.write_bytes(pending.data)
            try:
                return await asyncio.to_thread(read_sheet, path)
            except Exception as exc:  # the reader's UnreadableTable, or a damaged file
                log.info("an uploaded sheet could not be read: %s", exc)
                return too_large(lang, exc) or t_plain(lang, "konsol.unreadable")

    async def imported(
        self,
        pending: Pending,
        lang: str,
        run: Callable[[Session, list[str], list[list[str]]], R],
        *,
        save: bool,
        missing_key: str,
    ) -> R | str:
        """Read the sheet and import it with ``run`` in a worker thread (a roster of thousands
        takes seconds: the chats and the webhooks are not kept waiting), committed when
        ``save``, else rolled back; a text saying why when it cannot be."""
        sheet = await self.read(pending, lang)
        if isinstance(sheet, str):
            return sheet
        headers, rows = sheet

        def work() -> R | str:
            with Session(self.deps.engine, expire_on_commit=False) as session:
                try:
                    report = run(session, headers, rows)
                except MissingColumns as exc:
                    return plain(lang, missing_key, columns=", ".join(exc.missing))
                if save:
                    session.commit()
                else:
                    session.rollback()
                return report

        return await asyncio.to_thread(work)

    async def _import(self, pending: Pending, lang: str, *, dry_run: bool) -> ImportReport | str:
        """The roster read and imported (rolled back for a dry run); a text when it cannot be."""
        now = self.deps.clock.now()
        return await self.imported(
            pending,
            lang,
            lambda session, headers, rows: import_roster(session, headers, rows, now=now),
            save=not dry_run,
            missing_key="cli.import_missing_columns",
        )

    @staticmethod
    def _meetings(lang: str, funnels: list[tuple[Meeting, Funnel]]) -> str:
        items = []
        for meeting, funnel in funnels:
            when = format_when(lang, meeting.starts_at, meeting.timezone)
            steps = "".join(
                "<span>"
                + escape(t_plain(lang, f"konsol.funnel.{key}", count=getattr(funnel, key)))
                + "</span>"
                for key in ("invited", "delivered", "answered", "checked_in")
            )
            items.append(
                f'<li><a href="{PREFIX}/rapat/{meeting.id}"><b>{escape(meeting.title)}</b></a> '
                f'<span class="muted">{escape(when)}</span>'
                f'<div class="funnel">{steps}</div></li>'
            )
        return _section(lang, "konsol.meetings", items, "konsol.no_meetings")

    @staticmethod
    def _overdue(lang: str, groups: list[OverdueGroup]) -> str:
        items = [
            f"<li>{escape(group.name)}: "
            f"{escape(t_plain(lang, 'konsol.overdue_count', count=len(group.actions)))}</li>"
            for group in groups
        ]
        return _section(lang, "konsol.overdue", items, "konsol.no_overdue")

    @staticmethod
    def _waiting(lang: str, requests: list[registration.RegistrationRequest]) -> str:
        items = [
            f"<li>{escape(r.details or r.contact_name or '-')} "
            f'<span class="muted">{escape(r.phone)}</span></li>'
            for r in requests
        ]
        return _section(lang, "konsol.requests", items, "konsol.no_requests")


def _number(text: str) -> int | None:
    """A small count or page number from a query, or None (forged or missing)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else None


def people_filters_of(query: Mapping[str, str]) -> PeopleFilters:
    """Peserta's filters from its GET form; anything not offered there is ignored."""
    role, kind, status = query.get("peran", ""), query.get("jenis", ""), query.get("status", "")
    statuses = {REACHABLE, *(r.value for r in Registration)}
    return PeopleFilters(
        text=" ".join(query.get("q", "").split())[:100],
        role=role if role in {r.value for r in Role} else "",
        registration=status if status in statuses else "",
        kind=kind if kind in {k.value for k in OrgKind} else "",
        kecamatan_id=_number(query.get("kecamatan", "")),
    )


def filters_of(query: Mapping[str, str]) -> Filters:
    """The table's filters from the page's GET form; anything not offered there is ignored."""
    answer = query.get("jawaban", "")
    kind = query.get("jenis", "")
    role = query.get("peran", "")
    kecamatan = query.get("kecamatan", "")
    return Filters(
        text=" ".join(query.get("q", "").split())[:100],
        answer=answer if answer in {a.value for a in Answer} else "",
        kind=kind if kind in {k.value for k in OrgKind} else "",
        kecamatan_id=_number(kecamatan),
        role=role if role in {r.value for r in Role} else "",
    )


_ONWARD = re.compile(r"/konsol/(?:rapat/[0-9]{1,9}|peserta)?")


def _onward(path: str) -> str:
    """Where to go after signing in: one of the console's own pages, never anywhere else (a
    link that sent a fresh session to another site would be an open redirect)."""
    return path if _ONWARD.fullmatch(path) else f"{PREFIX}/"


def _section(lang: str, title_key: str, items: list[str], none_key: str) -> str:
    """A box with its heading and a list, or the sentence saying there is nothing."""
    inner = (
        f"<ul>{''.join(items)}</ul>"
        if items
        else f'<p class="muted">{escape(t_plain(lang, none_key))}</p>'
    )
    return f"<section><h2>{escape(t_plain(lang, title_key))}</h2>{inner}</section>"
