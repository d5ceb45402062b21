"""The end-to-end tier: the real python-telegram-bot Application, polling the sandbox over HTTP."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

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
from bot.delivery import Delivery
from bot.settings import Settings
from bot.tables import read_table
from bot.web import start_web
from models.clock import FrozenClock
from models.db import unit_of_work
from models.people import Person
from models.roster import import_roster
from sandbox import Sandbox
from sandbox.users import SandboxUser
from sandbox.whatsapp.state import WhatsAppNumber
from sandbox.whatsapp.users import WhatsAppUser
from tests.conftest import DATA
from tests.factories import registered_sandbox_people
from whatsapp.templates import definitions

TOKEN = "123456789:TEST-TOKEN-FOR-THE-SANDBOX"
WA_PHONE_ID, WA_NUMBER, WA_TOKEN, WA_SECRET = "1001", "6281100001001", "WA-TOKEN", "APP-SECRET"


@dataclass
class World:
    sandbox: Sandbox
    engine: Engine
    clock: FrozenClock
    settings: Settings
    app: AnyApplication | None = None
    send_timeout: float | None = None
    whatsapp: WhatsAppNumber | None = None
    web_port: int = 0

    def wa_user(self, name: str, phone: str) -> WhatsAppUser:
        return self.sandbox.create_whatsapp_user(name=name, phone=phone)

    def user(self, name: str, phone: str, language_code: str = "id") -> SandboxUser:
        first, _, last = name.partition(" ")
        return self.sandbox.create_user(
            first_name=first, last_name=last or None, phone=phone, language_code=language_code
        )

    @property
    def delivery(self) -> Delivery:
        assert self.app is not None
        return delivery_of(self.app)

    def registered_people(self, count: int, *, prefix: str = "Kader") -> list[SandboxUser]:
        return registered_sandbox_people(
            self.sandbox, self.engine, count, first_phone=5000000, prefix=prefix
        )

    def person_by_user(self, user: SandboxUser) -> Person:
        with Session(self.engine) as session:
            return session.exec(select(Person).where(Person.telegram_user_id == user.id)).one()

    def person(self, phone: str) -> Person:
        with Session(self.engine) as session:
            return session.exec(select(Person).where(Person.phone == phone)).one()

    async def start_bot(self) -> AnyApplication:
        app = build_application(
            self.settings, engine=self.engine, clock=self.clock, send_timeout=self.send_timeout
        )
        await app.initialize()
        await start_services(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
        self.app = app
        if self.whatsapp is not None or self.settings.public_url:
            # The bot's HTTP server on a free port: WhatsApp's webhook (the sandbox, as Meta,
            # verifies it, then posts) and the console.
            server = await start_web(app, "127.0.0.1", 0)
            self.web_port = server.port
        if self.whatsapp is not None:
            path, verify, _ = self.settings.whatsapp_webhook()
            await self.whatsapp.subscribe(f"http://127.0.0.1:{server.port}/{path}", verify)
        return app

    async def stop_bot(self) -> None:
        if self.app is None:
            return
        app, self.app = self.app, None
        assert app.updater is not None
        if self.whatsapp is not None:
            self.whatsapp.unsubscribe()
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await stop_services(app)
        await app.shutdown()


def load_roster(engine: Engine, path: Path, clock: FrozenClock) -> None:
    headers, rows = read_table(path)
    with unit_of_work(engine) as session:
        import_roster(session, headers, rows, now=clock.now())


@asynccontextmanager
async def open_world(
    tmp_path: Path,
    clock: FrozenClock,
    *,
    sandbox_options: dict[str, Any] | None = None,
    send_timeout: float | None = None,
    whatsapp: bool = False,
    **settings_overrides: Any,
) -> AsyncIterator[World]:
    """A sandbox, a migrated SQLite file with the sample roster, and the bot polling (and,
    with ``whatsapp``, the Cloud API's webhook served to the sandbox playing Meta)."""
    sandbox = Sandbox(**(sandbox_options or {}))
    await sandbox.start(host="127.0.0.1", port=0)
    sandbox.create_bot(token=TOKEN, username="pokjanal_test_bot", first_name="Pokjanal Bot")
    number = None
    if whatsapp:
        number = sandbox.create_whatsapp_number(
            phone_id=WA_PHONE_ID,
            display_phone_number=WA_NUMBER,
            token=WA_TOKEN,
            app_secret=WA_SECRET,
            waba_id="2001",
        )
        settings_overrides = {
            "whatsapp_phone_id": WA_PHONE_ID,
            "whatsapp_token": SecretStr(WA_TOKEN),
            "whatsapp_app_secret": SecretStr(WA_SECRET),
            "whatsapp_verify_token": SecretStr("verify-me"),
            "whatsapp_api_url": sandbox.whatsapp_api_url,
            "whatsapp_webhook_url": "http://bot.test/whatsapp",
            "whatsapp_number": WA_NUMBER,
            **settings_overrides,
        }
    database_url = f"sqlite:///{tmp_path / 'flow.db'}"
    engine = open_database(database_url)  # the real migrations, as `pokjanal run` does
    settings = Settings(
        telegram_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_url=sandbox.api_url,
        database_url=database_url,
        quiet_hours="off",
        files_dir=tmp_path / "files",
        _env_file=None,  # type: ignore[call-arg]
    ).model_copy(update=settings_overrides)
    load_roster(engine, DATA / "roster-with-errors.csv", clock)
    world = World(
        sandbox=sandbox,
        engine=engine,
        clock=clock,
        settings=settings,
        send_timeout=send_timeout,
        whatsapp=number,
    )
    if number is not None:  # the operator submitted the bot's templates and Meta approved them
        for definition in definitions(template_book(settings)):
            number.approve_template(definition)
    await world.start_bot()
    try:
        yield world
    finally:
        await world.stop_bot()
        await sandbox.stop()
        engine.dispose()
        # The bot set nothing Telegram would ignore (client-library defaults aside).
        assert sandbox.warnings == [], sandbox.warnings


@pytest.fixture
async def world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    async with open_world(tmp_path, clock) as opened:
        yield opened


@pytest.fixture
async def wa_world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    """The world with WhatsApp too: the same bot on both channels."""
    async with open_world(tmp_path, clock, whatsapp=True) as opened:
        yield opened


@pytest.fixture
async def console_world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    """A world whose bot serves the console at a public address (links name it; tests reach
    the server at ``127.0.0.1:World.web_port``)."""
    async with open_world(tmp_path, clock, public_url="http://console.test") as opened:
        yield opened


async def pokjanal_run(
    env: dict[str, str], cwd: Path, *, capture: bool = True, args: tuple[str, ...] = ()
) -> asyncio.subprocess.Process:
    """`pokjanal run` as its own process, as deployed (output captured, or dropped)."""
    output = asyncio.subprocess.PIPE if capture else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        env=env,
        cwd=cwd,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT if capture else asyncio.subprocess.DEVNULL,
    )


async def stop_and_read_log(process: asyncio.subprocess.Process) -> str:
    """SIGINT, as an operator's Ctrl-C; the process must stop cleanly, without a traceback."""
    process.send_signal(signal.SIGINT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    log = output.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log, log
    return log
