"""The console's routes: the one-time sign-in link, the session cookie, CSRF, and Beranda.

The link opens a page with a "Masuk" button rather than signing in on GET: Telegram and
WhatsApp fetch links to show previews, and a preview must not use up the link. The cookie is
HttpOnly, SameSite=Strict, limited to /konsol, Secure behind https, and ends with the session.
Sign-in attempts are limited per address, so a token cannot be guessed by trying.
"""

from __future__ import annotations

import asyncio
import hmac
import tempfile
import time
from collections import defaultdict, deque
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from console.meeting_page import meeting_body
from console.pages import message, page
from handlers import attendance_export
from handlers.deps import Deps
from handlers.i18n import t_plain
from handlers.people_view import format_when
from models import console, registration
from models.action_status import OverdueGroup, overdue_by_organization
from models.console import Refused, SignedIn, Started
from models.db import unit_of_work
from models.errors import NotFound
from models.meetings import Meeting
from models.organizations import zone_of
from models.recap import Funnel, nudge_non_responders, recap, recent_meetings

COOKIE = "pokjanal_konsol"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}
PREFIX = "/konsol"
ATTEMPTS_PER_MINUTE = 10
HTML = "text/html"


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
    def __init__(self, deps: Deps, *, public_url: str, language: str = "id") -> None:
        self.deps = deps
        self.secure = public_url.startswith("https://")
        self.language = language  # for pages shown to nobody signed in
        self.limit = SignInLimit()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(f"{PREFIX}/masuk", self.sign_in_page)
        app.router.add_post(f"{PREFIX}/masuk", self.sign_in)
        app.router.add_post(f"{PREFIX}/keluar", self.sign_out)
        app.router.add_get(f"{PREFIX}/", self.home)
        app.router.add_get(PREFIX, self.to_home)
        app.router.add_get(PREFIX + "/rapat/{meeting_id:[0-9]{1,9}}", self.meeting)
        app.router.add_post(PREFIX + "/rapat/{meeting_id:[0-9]{1,9}}/ingatkan", self.nudge)
        app.router.add_get(
            PREFIX + "/rapat/{meeting_id:[0-9]{1,9}}/daftar-hadir.{fmt:(xlsx|pdf|csv)}",
            self.attendance,
        )

    # -- signing in ------------------------------------------------------------------------

    def _html(self, body: str, status: int = 200) -> web.Response:
        return web.Response(
            text=body,
            status=status,
            content_type=HTML,
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                "form-action 'self'",
            },
        )

    def _refused(self, reason: Refused, status: int = 403) -> web.Response:
        lang = self.language
        return self._html(message(lang, "konsol.refused_title", f"konsol.refused.{reason}"), status)

    def _refused_attempt(self, request: web.Request, reason: Refused) -> web.Response:
        """A link that cannot sign in: why (403), or, after many from this address, 429."""
        address = request.remote or ""
        if self.limit.blocked(address):
            response = self._html(
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
        form = (
            f"<section><p>{escape(t_plain(lang, 'konsol.sign_in_text'))}</p>"
            f'<form method="post" action="{PREFIX}/masuk">'
            f'<input type="hidden" name="t" value="{escape(token)}">'
            f"<button>{escape(t_plain(lang, 'konsol.sign_in'))}</button></form></section>"
        )
        return self._html(page(lang, t_plain(lang, "konsol.sign_in_title"), form))

    async def sign_in(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = str(form.get("t") or "")
        with unit_of_work(self.deps.engine) as session:
            started = console.redeem(session, token, now=self.deps.clock.now())
        if not isinstance(started, Started):
            return self._refused_attempt(request, started)
        response = web.Response(status=303, headers={"Location": f"{PREFIX}/"})
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
            response = self._html(
                message(self.language, "konsol.refused_title", "konsol.forged"), 403
            )
            if signed is None:  # an ended session's cookie goes; a forged form changes nothing
                response.del_cookie(COOKIE, path=PREFIX)
            return response
        with unit_of_work(self.deps.engine) as session:
            console.sign_out(session, request.cookies.get(COOKIE, ""), now=self.deps.clock.now())
        lang = signed.person.language
        response = self._html(message(lang, "konsol.signed_out_title", "konsol.signed_out"))
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    # -- pages -------------------------------------------------------------------------------

    async def to_home(self, request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(f"{PREFIX}/")

    async def home(self, request: web.Request) -> web.Response:
        """Beranda: the meetings coming (their funnel), late follow-ups, waiting registrations."""
        signed = self._session(request)
        if signed is None:
            return self._html(
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
        return self._html(page(lang, title, "".join(body), signed_in=person.name, csrf=signed.csrf))

    def _signed_or_refused(self, request: web.Request) -> SignedIn | web.Response:
        signed = self._session(request)
        if signed is None:
            return self._html(
                message(self.language, "konsol.refused_title", "konsol.not_signed_in"), 401
            )
        return signed

    def _meeting_page(
        self, signed: SignedIn, meeting_id: int, nudged: int | None = None
    ) -> web.Response:
        lang = signed.person.language
        with unit_of_work(self.deps.engine) as session:
            try:
                data = recap(session, meeting_id, now=self.deps.clock.now())
            except NotFound:
                return self._html(message(lang, "konsol.not_found_title", "konsol.not_found"), 404)
        body = meeting_body(lang, data, csrf=signed.csrf, nudged=nudged)
        return self._html(
            page(lang, data.meeting.title, body, signed_in=signed.person.name, csrf=signed.csrf)
        )

    async def meeting(self, request: web.Request) -> web.Response:
        signed = self._signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        nudged = request.query.get("diingatkan", "")
        shown = int(nudged) if nudged.isascii() and nudged.isdigit() and len(nudged) < 7 else None
        return self._meeting_page(signed, int(request.match_info["meeting_id"]), nudged=shown)

    async def nudge(self, request: web.Request) -> web.Response:
        """ "Ingatkan yang belum menjawab": the same nudges as the chat's button."""
        signed = self._signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf") or "").encode(), signed.csrf.encode()):
            lang = signed.person.language
            return self._html(message(lang, "konsol.refused_title", "konsol.forged"), 403)
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
        signed = self._signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        meeting_id, fmt = int(request.match_info["meeting_id"]), request.match_info["fmt"]
        lang = signed.person.language
        write = attendance_export.WRITERS[f".{fmt}"]
        with unit_of_work(self.deps.engine) as session:
            try:
                meeting, rows = attendance_export.attendance_rows(session, meeting_id, lang)
            except NotFound:
                return self._html(message(lang, "konsol.not_found_title", "konsol.not_found"), 404)
        with tempfile.TemporaryDirectory(prefix="pokjanal-konsol-") as folder:
            path = Path(folder) / f"daftar-hadir-{meeting_id}.{fmt}"
            await asyncio.to_thread(write, path, meeting, rows, lang)
            data = path.read_bytes()
        return web.Response(
            body=data,
            content_type=CONTENT_TYPES[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="{path.name}"',
                "Cache-Control": "no-store",
            },
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


def _section(lang: str, title_key: str, items: list[str], none_key: str) -> str:
    """A box with its heading and a list, or the sentence saying there is nothing."""
    inner = (
        f"<ul>{''.join(items)}</ul>"
        if items
        else f'<p class="muted">{escape(t_plain(lang, none_key))}</p>'
    )
    return f"<section><h2>{escape(t_plain(lang, title_key))}</h2>{inner}</section>"
