"""The ``pokjanal`` command line (Typer)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from sqlmodel import Session, col, select

from bot import tables
from bot.cli_actions import action_app
from bot.cli_common import (
    database_or_exit,
    fail,
    load_or_exit,
    print_row_errors,
    safe_url,
    unreadable,
)
from bot.cli_meetings import export_app, meeting_app
from bot.cli_privacy import audit_list, privacy_app
from bot.cli_whatsapp import whatsapp_app
from bot.health import Health
from bot.logs import setup_logging
from bot.settings import SettingsError
from bot.tables import UnreadableTable, read_table
from handlers.i18n import plain
from handlers.import_reports import summary
from models import audit
from models.clock import SystemClock
from models.db import unit_of_work
from models.errors import InvalidPhone, NotFound
from models.people import Person, PersonStatus, ensure_invite_token
from models.roster import ImportReport, import_roster, make_admin
from models.sheets import MissingColumns

app = typer.Typer(
    help="Pokjanal Bot: Telegram assistant for Pokjanal Posyandu.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
roster_app = typer.Typer(help="The roster of people.", no_args_is_help=True)
admin_app = typer.Typer(help="Secretariat admins.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(roster_app, name="roster")
app.add_typer(admin_app, name="admin")
app.add_typer(meeting_app, name="meeting")
app.add_typer(export_app, name="export")
app.add_typer(action_app, name="action")
app.add_typer(whatsapp_app, name="whatsapp")
app.add_typer(privacy_app, name="privacy")
app.command("audit")(audit_list)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (run and demo do this on start)."""
    settings = load_or_exit()
    database_or_exit(settings)
    typer.echo(plain(settings.language, "cli.db_upgraded", url=safe_url(settings.database_url)))


def print_report(lang: str, report: ImportReport, *, dry_run: bool) -> None:
    print_row_errors(lang, report.errors, "cli.reason")
    typer.echo(summary(lang, report))
    typer.echo(plain(lang, "cli.import_dry_run" if dry_run else "cli.import_saved"))


# A bar from this many rows on a terminal (a smaller file is done before it would show); a plain
# line at each tenth from ``PLAIN_PROGRESS_ROWS`` elsewhere (a log, a pipe), never escape codes.
PROGRESS_ROWS = 200
PLAIN_PROGRESS_ROWS = 10_000


@contextlib.contextmanager
def import_progress(lang: str, name: str, total: int) -> Iterator[Callable[[int], None]]:
    """Tell how far a long import is, on stderr (stdout is the report). A terminal gets rich's
    bar, gone when done; anything else a line at each tenth of a large file."""
    console = Console(stderr=True)
    label = plain(lang, "cli.import_reading", path=name)
    if console.is_terminal and total >= PROGRESS_ROWS:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda done: bar.update(task, completed=done)
        return
    if console.is_terminal or total < PLAIN_PROGRESS_ROWS:
        yield lambda _done: None
        return
    told = 0

    def line(done: int) -> None:
        nonlocal told
        tenth = done * 10 // total
        if tenth > told:
            told = tenth
            said = plain(lang, "cli.import_progress", path=name, done=done, total=total)
            typer.echo(said, err=True)

    yield line


@roster_app.command("import")
def roster_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX with nama, telepon, peran, ...")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; save nothing.")] = False,
) -> None:
    """Load the roster: upsert by phone, report every rejected row."""
    settings = load_or_exit()
    lang = settings.language
    try:
        headers, rows = read_table(file, max_rows=tables.ROSTER_MAX_ROWS)
    except UnreadableTable as exc:
        raise fail(unreadable(lang, exc)) from None
    engine = database_or_exit(settings)
    now = SystemClock().now()
    with (
        Session(engine, expire_on_commit=False) as session,
        import_progress(lang, file.name, len(rows)) as progress,
    ):
        try:
            report = import_roster(session, headers, rows, now=now, progress=progress)
        except MissingColumns as exc:
            raise fail(
                plain(lang, "cli.import_missing_columns", columns=", ".join(exc.missing))
            ) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    print_report(lang, report, dry_run=dry_run)


@roster_app.command("links")
def roster_links(
    role: Annotated[str | None, typer.Option(help="Only this role: kader, opd or admin.")] = None,
    all_people: Annotated[
        bool, typer.Option("--all", help="Everyone, not only people not yet registered.")
    ] = False,
) -> None:
    """Print one-tap registration links (t.me/<bot>?start=<token>), one per person."""
    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    with unit_of_work(engine) as session:
        query = select(Person).where(Person.status == PersonStatus.ACTIVE.value)
        if role:
            query = query.where(Person.role == role)
        if not all_people:
            query = query.where(col(Person.telegram_user_id).is_(None))
        rows = []
        for person in session.exec(query.order_by(col(Person.name))):
            rows.append((person.name, person.phone or "", ensure_invite_token(session, person)))
    typer.echo(plain(lang, "cli.links_header"))
    if not settings.bot_username:
        typer.echo(plain(lang, "cli.links_no_username"))
    for name, phone, token in rows:
        link = (
            f"https://t.me/{settings.bot_username}?start={token}"
            if settings.bot_username
            else token
        )
        typer.echo(f"{name}\t{phone}\t{link}")


@admin_app.command("add")
def admin_add(
    phone: Annotated[str, typer.Argument(help="The person's phone number.")],
    name: Annotated[
        str | None, typer.Option(help="Name, when the person is not on the roster.")
    ] = None,
) -> None:
    """Make a person an admin of the secretariat."""
    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    try:
        with unit_of_work(engine) as session:
            now = SystemClock().now()
            person = make_admin(session, phone_raw=phone, name=name, now=now)
            label = (person.name, person.phone)
            audit.record(
                session,
                act=audit.Act.ADMIN_ADD,
                via=audit.Via.CLI,
                now=now,
                target=f"person:{person.id}",
                people=1,
            )
    except InvalidPhone:
        raise fail(plain(lang, "cli.bad_phone", phone=phone)) from None
    except NotFound:
        raise fail(plain(lang, "cli.admin_not_found", phone=phone)) from None
    typer.echo(plain(lang, "cli.admin_added", name=label[0], phone=label[1]))


@app.command("broadcast")
def broadcast(
    to: Annotated[
        list[str],
        typer.Option(help="all, kader, opd, admin, org:NAME, kecamatan:NAME or phone:NUMBER."),
    ],
    text: Annotated[str, typer.Option(help="The message (plain text, at most 3500 characters).")],
) -> None:
    """Queue a broadcast; the running bot delivers it (see /siaran for the report in the bot)."""
    from models import broadcasts
    from models.audience import UnknownAudience

    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    try:
        with unit_of_work(engine) as session:
            now = SystemClock().now()
            created = broadcasts.create(session, author_id=None, specs=to, text=text, now=now)
            assert created.id is not None
            report = broadcasts.report(session, created.id)
            audit.record(
                session,
                act=audit.Act.BROADCAST,
                via=audit.Via.CLI,
                now=now,
                target=f"broadcast:{created.id}",
                people=created.recipients,
            )
    except UnknownAudience as exc:
        raise fail(plain(lang, "cli.broadcast_unknown_audience", spec=exc.detail)) from None
    except ValueError:
        raise fail(plain(lang, "cli.broadcast_bad_text", max=broadcasts.TEXT_MAX)) from None
    typer.echo(
        plain(
            lang,
            "cli.broadcast_queued",
            id=created.id,
            count=created.recipients,
            unreachable=report.unreachable,
        )
    )


@app.command("health")
def health() -> None:
    """One line per check: database, migrations, dispatcher and its lag, outgoing and incoming
    messages, the last update handled. The same as JSON at /healthz on the bot's web server.

    Exits 1 when the database is unreachable, the schema behind, the dispatcher silent or late,
    or an update failed in the last 24 hours, so a cron job or a monitor can alert.
    """
    from bot.health import check_url

    settings = load_or_exit()
    lang = settings.language
    now = SystemClock().now()
    found = check_url(settings.database_url, now=now, tick_seconds=settings.tick_seconds)
    for line in health_lines(lang, found, now=now, url=safe_url(settings.database_url)):
        typer.echo(line)
    if not found.ok:
        raise typer.Exit(1)


def health_lines(lang: str, found: Health, *, now: datetime, url: str) -> list[str]:
    if found.missing_file is not None:
        return [plain(lang, "cli.health_db_missing", url=url, path=found.missing_file)]
    if found.database_error is not None:
        return [plain(lang, "cli.health_db_down", url=url, reason=found.database_error)]
    lines = [plain(lang, "cli.health_db_ok", url=url)]
    if not found.migrations_current:
        return [*lines, plain(lang, "cli.health_migrations_behind")]
    lines.append(plain(lang, "cli.health_migrations_ok"))
    if found.last_beat is None:
        lines.append(plain(lang, "cli.health_dispatcher_never"))
    else:
        ago, lag = _duration(lang, now - found.last_beat), _duration(lang, found.lag)
        key = (
            "cli.health_dispatcher_down"
            if not found.dispatcher_alive
            else "cli.health_dispatcher_lagging"
            if found.lagging
            else "cli.health_dispatcher_ok"
        )
        lines.append(plain(lang, key, ago=ago, lag=lag))
    lines.append(
        plain(
            lang,
            "cli.health_outbox",
            pending=found.queued,
            failed=found.failed,
            unreachable=found.unreachable,
        )
    )
    if found.inbox is not None:
        lines.append(
            plain(
                lang,
                "cli.health_inbox",
                pending=found.inbox.pending,
                failed=found.inbox.failed,
                recent=found.inbox.failed_last_day,
            )
        )
        for when, key, error in found.inbox.last_errors:
            lines.append(
                plain(
                    lang,
                    "cli.health_failed_update",
                    when=when.isoformat(timespec="seconds"),
                    update=key,
                    error=error,
                )
            )
    if found.last_handled is None:
        lines.append(plain(lang, "cli.health_last_update_none"))
    else:
        handled = found.last_handled.isoformat(timespec="seconds")
        lines.append(plain(lang, "cli.health_last_update", when=handled))
    return lines


def _duration(lang: str, span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 120:
        return plain(lang, "cli.duration_seconds", n=seconds)
    if seconds < 2 * 3600:
        return plain(lang, "cli.duration_minutes", n=seconds // 60)
    if seconds < 48 * 3600:
        return plain(lang, "cli.duration_hours", n=seconds // 3600)
    return plain(lang, "cli.duration_days", n=seconds // 86400)


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a SQLite file).")],
) -> None:
    """Copy the SQLite database with SQLite's online backup API: consistent while the bot runs.
    For PostgreSQL, prints the pg_dump command for the configured database instead."""
    from sqlalchemy.engine import make_url

    from bot.backup import BackupFailed, backup_sqlite, pg_dump_command

    settings = load_or_exit()
    lang = settings.language
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise fail(plain(lang, "cli.backup_postgres", command=pg_dump_command(url, file)))
    source = Path(url.database or "").resolve()
    if not url.database or not source.is_file():
        raise fail(plain(lang, "cli.backup_missing", path=source))
    try:
        size = backup_sqlite(source, file)
    except BackupFailed as exc:
        raise fail(plain(lang, "cli.backup_failed", reason=exc)) from None
    typer.echo(plain(lang, "cli.backup_saved", path=file, size=max(1, size // 1024)))


@app.command("run")
def run(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="Receive Telegram's updates by webhook.")
    ] = False,
    listen: Annotated[str, typer.Option(help="Webhooks' listen address.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Webhooks' listen port.")] = 8443,
) -> None:
    """Run the bot for real: Telegram by long polling (or a webhook with --webhook), and
    WhatsApp's webhook when POKJANAL_WHATSAPP_* are set (a WhatsApp-only district needs no
    Telegram token)."""
    from telegram.error import InvalidToken, NetworkError

    from bot.delivery import DeliveryLocked
    from bot.runner import run_bot

    settings = load_or_exit()
    try:
        if webhook or not settings.whatsapp_enabled:
            settings.token()
        if webhook:
            settings.webhook_path()
        if settings.whatsapp_enabled:
            settings.whatsapp_webhook()
    except SettingsError as exc:
        raise fail(plain(settings.language, "cli.settings_error", error=exc)) from None
    database_or_exit(settings)
    setup_logging()
    try:
        run_bot(settings, webhook=webhook, listen=listen, port=port)
    except DeliveryLocked as exc:
        raise fail(plain(settings.language, "cli.delivery_locked", path=exc.database)) from None
    except InvalidToken:
        raise fail(plain(settings.language, "cli.bad_token")) from None
    except NetworkError as exc:
        url = settings.telegram_api_url
        raise fail(plain(settings.language, "cli.network_error", url=url, reason=exc)) from None


@app.command("demo")
def demo(
    port: Annotated[int, typer.Option(help="Port of the web chat page and the sandbox.")] = 8080,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    database: Annotated[
        Path | None, typer.Option("--db", help="SQLite file (default: a fresh temporary one).")
    ] = None,
    open_browser: Annotated[bool, typer.Option("--browser/--no-browser")] = True,
) -> None:
    """The whole system on this machine, no Telegram account needed."""
    from bot.demo import run_demo

    settings = load_or_exit()
    if not _port_free(host, port):
        raise fail(plain(settings.language, "cli.port_busy", host=host, port=port))
    setup_logging()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_demo(settings, host=host, port=port, database=database, open_browser=open_browser)
        )
    typer.echo(plain(settings.language, "cli.demo_stopped"))


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main() -> None:
    app()
