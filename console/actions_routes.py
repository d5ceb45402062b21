"""The console's Tindak lanjut routes: the board, Terima / Kembalikan (the chat's own
``actions.review``), a report's files, the export, and the RTL sheet upload."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from console.actions_page import BASE, board_section, rtl_form, rtl_report, waiting_section
from console.pages import page
from console.uploads import Pending
from handlers.actions_export import write_actions_xlsx
from handlers.i18n import t_plain
from models import actions, audit
from models.action_board import (
    STATUS_FILTERS,
    BoardFilters,
    board,
    evidence_of_report,
    waiting_reports,
)
from models.action_import import ActionImportReport, import_actions
from models.console import SignedIn
from models.db import unit_of_work
from models.organizations import zone_of
from models.people import Person

if TYPE_CHECKING:
    from console.web import Console

EVERYTHING = BoardFilters()
INLINE_IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def board_filters(query: Mapping[str, str]) -> BoardFilters:
    """From the page's GET form; anything not offered there is ignored."""
    status = query.get("status", "")
    return BoardFilters(
        status=status if status in STATUS_FILTERS else "",
        text=" ".join(query.get("q", "").split())[:100],
        overdue_only=query.get("terlambat", "") == "1",
    )


class ActionRoutes:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.deps = console.deps

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(BASE, self.board)
        report = BASE + "/laporan/{report_id:[0-9]{1,9}}"
        app.router.add_post(report + "/terima", self.accept)
        app.router.add_post(report + "/kembalikan", self.give_back)
        app.router.add_get("/konsol/bukti/{evidence_id:[0-9]{1,9}}", self.evidence)
        app.router.add_get(BASE + "/ekspor.xlsx", self.export)
        app.router.add_post(BASE + "/unggah", self.upload)
        app.router.add_post(BASE + "/simpan", self.save_upload)

    def _zone(self, signed: SignedIn) -> str:
        with unit_of_work(self.deps.engine) as session:
            return zone_of(session, signed.person.organization_id, self.deps.timezone)

    def _page(
        self, signed: SignedIn, *, before: str = "", filters: BoardFilters = EVERYTHING
    ) -> web.Response:
        lang, csrf = signed.person.language, signed.csrf
        zone = self._zone(signed)
        today = self.deps.clock.now().astimezone(ZoneInfo(zone)).date()
        with unit_of_work(self.deps.engine) as session:
            waiting = waiting_reports(session)
            lines = board(session, today=today, filters=filters)
        body = (
            before
            + waiting_section(lang, waiting, csrf, zone)
            + board_section(lang, lines, filters)
            + rtl_form(lang, csrf)
        )
        title = t_plain(lang, "konsol.actions")
        return self.console.html(page(lang, title, body, signed_in=signed.person.name, csrf=csrf))

    def _said(self, signed: SignedIn, text: str, *, refused: bool = False) -> web.Response:
        kind = ' class="refused"' if refused else ""
        return self._page(signed, before=f"<section{kind}><p>{text}</p></section>")

    async def board(self, request: web.Request) -> web.Response:
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        return self._page(signed, filters=board_filters(request.query))

    async def accept(self, request: web.Request) -> web.Response:
        return await self._review(request, accept=True)

    async def give_back(self, request: web.Request) -> web.Response:
        return await self._review(request, accept=False)

    async def _review(self, request: web.Request, *, accept: bool) -> web.Response:
        """Terima or Kembalikan: the chat's rule (one verdict, a reason to return), and the
        reporter and owner told on their channel."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang = signed.person.language
        form = await self.console.form(request, signed)
        if form is None:
            return self._said(signed, plain_escaped(lang, "konsol.forged"), refused=True)
        report_id = int(request.match_info["report_id"])
        comment = str(form.get("alasan") or "")
        now = self.deps.clock.now()
        try:
            with unit_of_work(self.deps.engine) as session:
                admin = session.get(Person, signed.person.id)
                if admin is None:
                    raise actions.ActionError(code="not_admin")
                actions.review(session, report_id, admin, accept=accept, now=now, comment=comment)
                audit.record(
                    session,
                    act=audit.Act.REPORT_ACCEPT if accept else audit.Act.REPORT_RETURN,
                    via=audit.Via.CONSOLE,
                    now=now,
                    actor_id=admin.id,
                    target=f"report:{report_id}",
                    people=1,
                )
        except actions.ActionError as error:
            text = plain_escaped(lang, f"rtl.invalid.{error.code}")
            return self._said(signed, text, refused=True)
        self.deps.wake_delivery()
        done = "rtl.accepted_ok" if accept else "rtl.returned_ok"
        return self._said(signed, plain_escaped(lang, done))

    async def evidence(self, request: web.Request) -> web.StreamResponse:
        """A sent report's photo or document, for signed-in admins only."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        with unit_of_work(self.deps.engine) as session:
            item = evidence_of_report(session, int(request.match_info["evidence_id"]))
        path = self.deps.files.path_of(item.path) if item is not None else None
        if item is None or path is None or not path.is_file():
            raise web.HTTPNotFound()
        # Shown in the page only as a photo of a kind no browser runs (an SVG could carry a
        # script); anything else is a download, whatever its name says.
        image = item.mime_type in INLINE_IMAGES
        kind = item.mime_type if image else "application/octet-stream"
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", item.file_name or path.name).strip("-.")
        disposition = "inline" if image else "attachment"
        return web.FileResponse(
            path,
            headers={
                "Content-Type": kind,
                "Content-Disposition": f'{disposition}; filename="{stem or "bukti"}"',
                "Content-Security-Policy": "sandbox",
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def export(self, request: web.Request) -> web.Response:
        """Every action with its reports, the CLI's workbook."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, zone = signed.person.language, self._zone(signed)

        def write() -> bytes:
            with tempfile.TemporaryDirectory(prefix="pokjanal-rtl-") as folder:
                path = Path(folder) / "tindak-lanjut.xlsx"
                with unit_of_work(self.deps.engine) as session:
                    _, reports = write_actions_xlsx(path, session, lang, zone=zone)
                    audit.record(
                        session,
                        act=audit.Act.EXPORT_ACTIONS,
                        via=audit.Via.CONSOLE,
                        now=self.deps.clock.now(),
                        actor_id=signed.person.id,
                        target="actions",
                        people=reports,
                    )
                return path.read_bytes()

        data = await asyncio.to_thread(write)
        return web.Response(
            body=data,
            content_type=XLSX,
            headers={
                "Content-Disposition": 'attachment; filename="tindak-lanjut.xlsx"',
                "Cache-Control": "no-store",
            },
        )

    async def upload(self, request: web.Request) -> web.Response:
        """An RTL sheet: checked row by row in a transaction that is rolled back."""
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, csrf = signed.person.language, signed.csrf
        form = await self.console.form(request, signed)
        if form is None:
            return self._said(signed, plain_escaped(lang, "konsol.forged_or_big"), refused=True)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return self._said(signed, plain_escaped(lang, "konsol.no_file"), refused=True)
        suffix = Path(upload.filename or "").suffix.lower()
        pending = Pending(signed.person.id or 0, suffix, upload.file.read(), kind="rtl")
        result = await self._import(pending, lang, signed, dry_run=True)
        if isinstance(result, str):
            return self._said(signed, result, refused=True)
        upload_id = self.console.uploads.keep(pending) if result.rows_created else None
        body = rtl_report(lang, result, csrf=csrf, upload_id=upload_id, saved=False)
        return self._page(signed, before=body)

    async def save_upload(self, request: web.Request) -> web.Response:
        signed = self.console.signed_or_refused(request)
        if isinstance(signed, web.Response):
            return signed
        lang, csrf = signed.person.language, signed.csrf
        form = await self.console.form(request, signed)
        key = str(form.get("upload") or "") if form is not None else ""
        pending = self.console.uploads.take(key, signed.person.id or 0, "rtl") if key else None
        if pending is None:
            return self._said(signed, plain_escaped(lang, "konsol.upload_gone"), refused=True)
        result = await self._import(pending, lang, signed, dry_run=False)
        if isinstance(result, str):
            return self._said(signed, result, refused=True)
        if result.created:
            self.deps.wake_delivery()  # the owners' assignment notices
        return self._page(
            signed, before=rtl_report(lang, result, csrf=csrf, upload_id=None, saved=True)
        )

    async def _import(
        self, pending: Pending, lang: str, signed: SignedIn, *, dry_run: bool
    ) -> ActionImportReport | str:
        """Read and import (rolled back for a check); an escaped text when it cannot be."""
        now = self.deps.clock.now()
        today = now.astimezone(ZoneInfo(self._zone(signed))).date()
        result = await self.console.imported(
            pending,
            lang,
            lambda session, headers, rows: import_actions(
                session, headers, rows, now=now, today=today
            ),
            save=not dry_run,
            missing_key="cli.action_import_missing_columns",
        )
        return escape(result) if isinstance(result, str) else result


def plain_escaped(lang: str, key: str) -> str:
    return escape(t_plain(lang, key))
