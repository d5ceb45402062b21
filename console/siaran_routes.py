"""The console's Siaran routes: the web twin of the chat's /siaran.

The preview writes the admin's broadcast draft (``models.broadcasts``, the very row the chat's
steps write) and Kirim sends it only while it is the version that preview showed, so a double
click, a re-posted form or an older tab sends nothing. Kirim queues the chat's outbox rows and
wakes the delivery engine, which sends with its rate limits and quiet hours.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlmodel import Session

from console.pages import page
from console.siaran_page import (
    BASE,
    KECAMATAN,
    ORGANIZATION,
    ROLES,
    Compose,
    Preview,
    ReportLine,
    compose_section,
    preview_section,
    reports_section,
    said,
)
from handlers.broadcast import audience_label
from handlers.i18n import t, t_plain
from handlers.people_view import organization_name
from models import audience, audit, broadcasts, people
from models.audience import UnknownAudience
from models.console import SignedIn
from models.db import unit_of_work
from models.organizations import kecamatan_list, organization_of, search, zone_of

if TYPE_CHECKING:
    from console.web import Console

REPORTS = 20  # past broadcasts on the page, newest first


def _id(text: str) -> int | None:
    """A row id from the form, or None (forged or missing)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def compose_of(form: MultiDictProxy[Any]) -> Compose:
    """The posted form. A browser posts a textarea's line breaks as CRLF: one break each, as
    typed (and as the limit counts them)."""
    text = str(form.get("teks") or "").replace("\r\n", "\n").replace("\r", "\n")
    return Compose(
        audience=str(form.get("penerima") or ""),
        kecamatan_id=_id(str(form.get("kecamatan") or "")),
        org_query=" ".join(str(form.get("instansi") or "").split())[:100],
        org_id=_id(str(form.get("instansi_id") or "")),
        text=text,
    )


class Problem(Exception):
    """Why a form cannot be previewed: a text for the page (escaped), the form to show again."""

    def __init__(self, text: str, status: int = 400) -> None:
        super().__init__(text)
        self.text = text
        self.status = status


class SiaranRoutes:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.deps = console.deps

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(BASE, self.home)
        app.router.add_post(BASE + "/pratinjau", self.preview)
        app.router.add_post(BASE + "/kirim", self.send)

    def _page(
        self,
        signed: SignedIn,
        *,
        before: str = "",
        form: Compose | None = None,
        folded: bool = False,
        status: int = 200,
    ) -> web.Response:
        person, lang, csrf = signed.person, signed.person.language, signed.csrf
        with unit_of_work(self.deps.engine) as session:
            zone = zone_of(session, person.organization_id, self.deps.timezone)
            places = kecamatan_list(session)
            lines = [
                ReportLine(
                    broadcast=broadcast,
                    label=html.unescape(audience_label(session, lang, broadcast.audience)),
                    counts=broadcasts.report(session, broadcast.id or 0),
                    channels=broadcasts.by_channel(session, broadcast.id or 0),
                )
                for broadcast in broadcasts.recent(session, limit=REPORTS)
            ]
        body = (
            before
            + compose_section(lang, csrf, form or Compose(), places, folded=folded)
            + reports_section(lang, lines, zone)
        )
        title = t_plain(lang, "konsol.siaran")
        return self.console.html(page(lang, title, body, signed_in=person.name, csrf=csrf), status)

    def _said(
        self, signed: SignedIn, key: str, status: int, form: Compose | None = None, **values: Any
    ) -> web.Response:
        text = html.escape(t_plain(signed.person.language, key, **values))
        return self._page(signed, before=said(text, refused=True), form=form, status=status)

    async def home(self, request: web.Request) -> web.Response:
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        before = ""
        sent = _id(request.query.get("terkirim", ""))
        if sent is not None:
            with unit_of_work(self.deps.engine) as session:
                known = session.get(broadcasts.Broadcast, sent) is not None
            if known:
                lang = signed.person.language
                before = said(html.escape(t_plain(lang, "konsol.siaran.queued", id=sent)))
        return self._page(signed, before=before)

    def _specs(self, session: Session, lang: str, form: Compose) -> list[str]:
        """The chat's audience specs for the form's choice.

        Raises:
            Problem: no choice, or no single organization found by the typed words (then
            ``form.choices`` holds those to pick from).
        """
        if form.audience in ROLES:
            return [form.audience]
        if form.audience == KECAMATAN and form.kecamatan_id is not None:
            return [f"kecamatan:{form.kecamatan_id}"]
        if form.audience != ORGANIZATION:
            raise Problem(html.escape(t_plain(lang, "konsol.siaran.no_audience")))
        found = search(session, form.org_query) if form.org_query else []
        chosen = organization_of(session, form.org_id)
        if chosen is not None and (chosen in found or not form.org_query):
            return [f"org:{chosen.id}"]
        exact = [org for org in found if org.name.lower() == form.org_query.lower()]
        if len(found) == 1 or len(exact) == 1:
            return [f"org:{(exact or found)[0].id}"]
        query = form.org_query or "-"
        if not found:
            raise Problem(html.escape(t_plain(lang, "konsol.siaran.org_none", query=query)))
        form.choices = [(org.id or 0, organization_name(lang, org)) for org in found]
        raise Problem(html.escape(t_plain(lang, "konsol.siaran.org_pick", query=query)))

    def _compose(self, signed: SignedIn, form: Compose) -> Preview:
        """The draft at its preview, and what the preview says.

        Raises:
            Problem: nothing was written; the reason.
        """
        lang, author_id = signed.person.language, signed.person.id or 0
        now = self.deps.clock.now()
        with unit_of_work(self.deps.engine) as session:
            specs = self._specs(session, lang, form)
            try:
                draft = broadcasts.compose(
                    session, author_id=author_id, specs=specs, text=form.text, now=now
                )
            except ValueError:
                count = len(form.text.strip())
                text = t_plain(
                    lang, "konsol.siaran.text_invalid", max=broadcasts.TEXT_MAX, count=count
                )
                raise Problem(html.escape(text)) from None
            except UnknownAudience:
                raise Problem(html.escape(t_plain(lang, "konsol.siaran.unknown"))) from None
            if draft is None or draft.id is None:
                raise Problem(html.escape(t_plain(lang, "siaran.nobody")))
            reach = people.reach_of(audience.resolve(session, specs))
            templates = broadcasts.reach(session, specs, now=now).templates
            label = html.unescape(audience_label(session, lang, draft.specs))
            message = t(lang, "broadcast.message", body=self.deps.body_name, text=draft.text)
            return Preview(draft.id, draft.version, label, reach, templates, message)

    async def preview(self, request: web.Request) -> web.Response:
        """Pratinjau: the exact message and how many get it, by app; nothing is queued."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._said(signed, "konsol.forged", 403)
        form = compose_of(posted)
        try:
            preview = self._compose(signed, form)
        except Problem as problem:
            before = said(problem.text, refused=True)
            return self._page(signed, before=before, form=form, status=problem.status)
        before = preview_section(signed.person.language, signed.csrf, preview)
        return self._page(signed, before=before, form=form, folded=True)

    async def send(self, request: web.Request) -> web.Response:
        """Kirim: the previewed draft queued as the chat's Kirim queues it, once."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        posted = await self.console.form(request, signed)
        if posted is None:
            return self._said(signed, "konsol.forged", 403)
        draft_id = _id(str(posted.get("draf") or ""))
        version = _id(str(posted.get("versi") or ""))
        if draft_id is None or version is None:
            return self._said(signed, "konsol.siaran.stale", 409)
        try:
            with unit_of_work(self.deps.engine) as session:
                created = broadcasts.send_previewed(
                    session,
                    author_id=signed.person.id or 0,
                    draft_id=draft_id,
                    version=version,
                    now=self.deps.clock.now(),
                )
                if created is not None:
                    session.flush()
                    audit.record(
                        session,
                        act=audit.Act.BROADCAST,
                        via=audit.Via.CONSOLE,
                        now=self.deps.clock.now(),
                        actor_id=signed.person.id,
                        target=f"broadcast:{created.id}",
                        people=created.recipients,
                    )
                broadcast_id = created.id if created is not None else None
        except UnknownAudience:  # the organization went away since the preview
            return self._said(signed, "konsol.siaran.unknown", 400)
        if broadcast_id is None:
            return self._said(signed, "konsol.siaran.stale", 409)
        self.deps.wake_delivery()
        # After a POST, a redirect: reloading the page does not post Kirim again.
        return web.Response(status=303, headers={"Location": f"{BASE}?terkirim={broadcast_id}"})
