"""``pokjanal demo``: sandbox, web chat page, bot and database in one process, no Telegram or
Meta needed.

The database is fresh and seeded with the Luwu Timur roster (shipped in the package); every
rostered person, plus two people who are not on it, appears in the web page to be played:
the cadres on WhatsApp (where most of them are), the focal points and the secretariat on
Telegram, all invited to the same Rakor.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import tempfile
import webbrowser
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlmodel import Session, col, select

from bot.app import (
    ALLOWED_UPDATES,
    AnyApplication,
    build_application,
    delivery_of,
    start_services,
    stop_services,
)
from bot.channels import template_book
from bot.database import open_database
from bot.settings import Settings
from bot.tables import read_table
from bot.web import CONSOLE_KEY, start_web
from handlers.context import DEPS_KEY
from handlers.i18n import plain
from handlers.people_view import format_when
from models import actions, meetings
from models.action_import import import_actions
from models.actions import Action
from models.clock import ShiftedClock, SystemClock
from models.db import unit_of_work
from models.organizations import Organization
from models.people import Person, Role
from models.roster import import_roster
from sandbox import Sandbox
from sandbox.controls import Control
from whatsapp.templates import definitions

log = logging.getLogger(__name__)

DEMO_TOKEN = "7000000001:POKJANAL-DEMO-TOKEN-NOT-A-SECRET"
DEMO_BOT_USERNAME = "pokjanal_demo_bot"
DEMO_ZONE = "Asia/Makassar"  # Luwu Timur, South Sulawesi: WITA
# Two people who are not on the roster, to show the approval path (one on each app).
NEWCOMERS = (("Budi Santoso", "+6281299990001"), ("Wahyuni", "+6285299990002"))
WHATSAPP_NEWCOMERS = frozenset({"Wahyuni"})
# The demo's WhatsApp business number, played by the sandbox as Meta.
DEMO_WA = {
    "phone_id": "100200300",
    "number": "6281100001001",
    "token": "POKJANAL-DEMO-WHATSAPP-TOKEN",
    "secret": "POKJANAL-DEMO-APP-SECRET",
    "verify": "pokjanal-demo-verify",
}


def on_whatsapp(person: Person) -> bool:
    """Who plays on WhatsApp in the demo: the cadres."""
    return person.role == Role.KADER.value


def page_label(person: Person, organization: str | None) -> str:
    """What the web page shows under a name: the role and the organization. The roster has
    cadres who share a name (five pairs, on different Posyandu), as real rosters do; their
    Posyandu is what tells them apart when one picks whom to play."""
    return f"{person.role} · {organization}" if organization else person.role


def demo_roster() -> Path:
    return Path(str(resources.files("bot") / "data" / "roster-luwu-timur.csv"))


def next_wednesday_nine(now: datetime, zone: str) -> datetime:
    """The seed story's Rakor was on a Wednesday at 09.00 WITA: the demo holds it next week."""
    local = now.astimezone(ZoneInfo(zone))
    days = (2 - local.weekday()) % 7 or 7
    day = local.date() + timedelta(days=days + 7 if days < 2 else days)
    return datetime.combine(day, time(9, 0), ZoneInfo(zone))


def demo_actions() -> Path:
    return Path(str(resources.files("bot") / "data" / "rtl-luwu-timur.csv"))


SAMPLE_RAKOR = date(2023, 12, 6)  # the sample RTL's due dates are relative to this meeting
EARLIER_RAKOR_WEEKS = 9  # the demo's previous Rakor: about two months ago
# A few reports, so /statusrtl and the carry-over have something to show from the start.
DEMO_REPORTS = (
    ("Pelatihan kader Posyandu", "sedang_berjalan", "Angkatan pertama (40 kader) sudah dilatih."),
    ("Memastikan alat antropometri", "terkendala", "Dua Posyandu belum punya alat ukur panjang."),
    ("Sosialisasi Permendagri", "selesai", "Sosialisasi di 5 kecamatan sudah dilaksanakan."),
)


def seed_previous_rakor(session: Session, admin: Person | None, now: datetime) -> int:
    """The Rakor held two months ago, closed with its minutes, and its 12 follow-ups (the
    sample sheet's dates shifted by as much): some done, some overdue, most still open."""
    zone = ZoneInfo(DEMO_ZONE)
    held = next_wednesday_nine(now, DEMO_ZONE) - timedelta(weeks=EARLIER_RAKOR_WEEKS + 1)
    meeting = meetings.create(
        session,
        title="Rakor Pokjanal Posyandu (triwulan lalu)",
        starts_at=held + timedelta(weeks=EARLIER_RAKOR_WEEKS + 2),  # create refuses the past
        timezone=DEMO_ZONE,
        venue="Aula Kantor Bupati Luwu Timur, Malili",
        specs=[f"phone:{admin.phone}"] if admin is not None and admin.phone else [],
        now=now,
    )
    meeting.starts_at = meeting.rsvp_deadline = held
    meeting.status = meetings.MeetingStatus.DONE.value
    meeting.minutes = "Disepakati 12 rencana tindak lanjut (lihat /statusrtl)."
    meeting.closed_at = held + timedelta(hours=4)
    session.add(meeting)
    session.flush()
    shift = held.astimezone(zone).date() - SAMPLE_RAKOR
    headers, rows = read_table(demo_actions())
    due = next(i for i, h in enumerate(headers) if h.lower() == "tenggat")
    for row in rows:
        row[due] = (date.fromisoformat(row[due]) + shift).isoformat()
    assert meeting.id is not None
    import_actions(session, headers, rows, now=now, today=now.date(), meeting_id=meeting.id)
    for prefix, status, note in DEMO_REPORTS:
        action = session.exec(select(Action).where(col(Action.title).startswith(prefix))).one()
        reporter = session.exec(
            select(Person).where(Person.organization_id == action.owner_org_id)
        ).first()
        if reporter is None:
            continue
        report = actions.submit_report(session, action, reporter, status=status, note=note, now=now)
        if status == "selesai" and admin is not None:
            actions.review(session, report.id, admin, accept=True, now=now)
    return meeting.id


def seed(database_url: str) -> list[tuple[Person, str]]:
    """Load the Luwu Timur roster, the previous Rakor with its follow-ups, and next week's
    Rakor into a migrated database; return everyone, each with the web page's label."""
    engine = open_database(database_url)
    headers, rows = read_table(demo_roster())
    now = SystemClock().now()
    with unit_of_work(engine) as session:
        import_roster(session, headers, rows, now=now)
    with unit_of_work(engine) as session:
        admin = session.exec(select(Person).where(Person.role == "admin")).first()
        seed_previous_rakor(session, admin, now)
        meetings.create(
            session,
            title="Rapat Koordinasi Pokjanal Posyandu Kabupaten Luwu Timur",
            starts_at=next_wednesday_nine(now, DEMO_ZONE),
            timezone=DEMO_ZONE,
            venue="Aula Hotel I Lagaligo, Malili",
            agenda="Evaluasi revitalisasi Posyandu dan percepatan penurunan stunting",
            specs=["all"],
            created_by_id=admin.id if admin else None,
            now=now,
        )
    with unit_of_work(engine) as session:
        listed = session.exec(
            select(Person, Organization.name)
            .outerjoin(Organization, col(Person.organization_id) == col(Organization.id))
            .order_by(col(Person.role), col(Person.name), col(Person.id))
        ).all()
        people = [(person, page_label(person, organization)) for person, organization in listed]
    engine.dispose()
    return people


def add_controls(
    sandbox: Sandbox, app: AnyApplication, clock: ShiftedClock, console: str, lang: str
) -> None:
    """The chat page's demo buttons: the console signed in as the admin, and the clock moved
    ahead with the planners run at once, so a reminder, a nudge or an escalation comes while
    one watches rather than at its hour."""
    delivery = delivery_of(app)
    zone = app.bot_data[DEPS_KEY].timezone

    def status() -> str:
        return plain(lang, "cli.demo_clock", when=format_when(lang, clock.now(), zone))

    def forward(delta: timedelta) -> Callable[[], Awaitable[str]]:
        async def run() -> str:
            clock.advance(delta)
            queued = await asyncio.to_thread(delivery.plan)
            delivery.wake()
            return plain(
                lang, "cli.demo_moved", when=format_when(lang, clock.now(), zone), count=queued
            )

        return run

    sandbox.controls.status = status
    sandbox.controls.add(
        Control("konsol", plain(lang, "cli.demo_console"), href=f"{console}/konsol/demo")
    )
    sandbox.controls.add(
        Control("maju-jam", plain(lang, "cli.demo_hour"), run=forward(timedelta(hours=1)))
    )
    sandbox.controls.add(
        Control("maju-hari", plain(lang, "cli.demo_day"), run=forward(timedelta(days=1)))
    )


def _has_screen() -> bool:
    """On a server without a screen, webbrowser would start a text browser in the terminal."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


async def run_demo(
    settings: Settings,
    *,
    host: str,
    port: int,
    database: Path | None,
    open_browser: bool,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until Ctrl+C (or ``stop`` is set, for tests)."""
    with tempfile.TemporaryDirectory(prefix="pokjanal-demo-") as tmp:
        db_path = database or Path(tmp) / "demo.db"
        database_url = f"sqlite:///{db_path}"
        people = seed(database_url)
        sandbox = Sandbox()
        await sandbox.start(host=host, port=port)
        sandbox.create_bot(token=DEMO_TOKEN, username=DEMO_BOT_USERNAME, first_name="Pokjanal Bot")
        number = sandbox.create_whatsapp_number(
            phone_id=DEMO_WA["phone_id"],
            display_phone_number=DEMO_WA["number"],
            token=DEMO_WA["token"],
            app_secret=DEMO_WA["secret"],
        )
        for person, label in people:
            if on_whatsapp(person) and person.phone:
                sandbox.create_whatsapp_user(name=person.name, phone=person.phone, label=label)
                continue
            first, _, last = person.name.partition(" ")
            sandbox.create_user(
                first_name=first, last_name=last or None, phone=person.phone, label=label
            )
        for name, phone in NEWCOMERS:
            if name in WHATSAPP_NEWCOMERS:
                sandbox.create_whatsapp_user(name=name, phone=phone)
                continue
            first, _, last = name.partition(" ")
            sandbox.create_user(first_name=first, last_name=last or None, phone=phone, label="baru")
        demo_settings = settings.model_copy(
            update={
                "telegram_api_url": sandbox.api_url,
                "database_url": database_url,
                "telegram_token": None,
                "files_dir": Path(tmp) / "files",
                "whatsapp_phone_id": DEMO_WA["phone_id"],
                "whatsapp_token": SecretStr(DEMO_WA["token"]),
                "whatsapp_app_secret": SecretStr(DEMO_WA["secret"]),
                "whatsapp_verify_token": SecretStr(DEMO_WA["verify"]),
                "whatsapp_api_url": sandbox.whatsapp_api_url,
                "whatsapp_webhook_url": "http://127.0.0.1/whatsapp",  # the path; port below
                "public_url": "http://127.0.0.1",  # the console's; its port is set below
                "timezone": DEMO_ZONE,  # Luwu Timur keeps WITA
                "whatsapp_number": DEMO_WA["number"],
            }
        )
        for definition in definitions(template_book(demo_settings)):
            number.approve_template(definition)  # as if Meta had approved what was submitted
        engine = open_database(database_url)
        clock = ShiftedClock()  # moved ahead by the page's "Maju 1 jam / 1 hari"
        app = build_application(demo_settings, engine=engine, token=DEMO_TOKEN, clock=clock)
        app.bot_data[CONSOLE_KEY].demo = True  # "Buka konsol" signs in as the demo's admin
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        try:
            async with app:
                await start_services(app)
                await app.start()
                assert app.updater is not None
                await app.updater.start_polling(
                    poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES
                )
                # WhatsApp's webhook on a free local port; the sandbox (Meta) verifies it.
                server = await start_web(app, host, 0)
                # The console's sign-in links (/konsol in the chat) point at this server.
                shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
                app.bot_data[DEPS_KEY].public_url = f"http://{shown}:{server.port}"
                add_controls(
                    sandbox, app, clock, f"http://{shown}:{server.port}", settings.language
                )
                path, verify, _ = demo_settings.whatsapp_webhook()
                await number.subscribe(f"http://127.0.0.1:{server.port}/{path}", verify)
                url = f"http://{host}:{sandbox.port}/"
                admin = next((p.name for p, _ in people if p.is_admin), "-")
                print(plain(settings.language, "cli.demo_ready", url=url, admin=admin), flush=True)
                if open_browser and _has_screen():
                    with contextlib.suppress(Exception):
                        webbrowser.open(url)
                if ready is not None:
                    ready.set()
                await stop.wait()
                await app.updater.stop()
                await app.stop()
                await stop_services(app)
        finally:
            await sandbox.stop()
            engine.dispose()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
