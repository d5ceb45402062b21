"""The ``pokjanal`` command line (Typer)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.progress import Progress
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot.database import open_database
from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.tables import UnreadableTable, read_table
from handlers.i18n import plain
from models.clock import SystemClock
from models.db import unit_of_work
from models.errors import InvalidPhone, NotFound
from models.people import Person, PersonStatus, ensure_invite_token
from models.roster import ImportReport, MissingColumns, import_roster, make_admin

app = typer.Typer(
    help="Pokjanal Bot: Telegram assistant for Pokjanal Posyandu.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
roster_app = typer.Typer(help="The roster of people.", no_args_is_help=True)
admin_app = typer.Typer(help="Secretariat admins.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(roster_app, name="roster")
app.add_typer(admin_app, name="admin")
meeting_app = typer.Typer(help="Meetings (Rakor) and their invitations.", no_args_is_help=True)
app.add_typer(meeting_app, name="meeting")
export_app = typer.Typer(help="Documents for the secretariat (SPJ).", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(plain("id", "cli.settings_error", error=exc), err=True)
        raise typer.Exit(2) from None


def _database(settings: Settings) -> Engine:
    """Open and migrate the database, or stop with one line naming the variable."""
    try:
        return open_database(settings.database_url)
    except (SQLAlchemyError, ImportError) as exc:
        reason = str(exc).splitlines()[0][:200]
        message = plain(
            settings.language,
            "cli.database_error",
            url=_safe_url(settings.database_url),
            reason=reason,
        )
        raise _fail(message) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (run and demo do this on start)."""
    settings = _settings()
    _database(settings)
    typer.echo(plain(settings.language, "cli.db_upgraded", url=_safe_url(settings.database_url)))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def print_report(lang: str, report: ImportReport, *, dry_run: bool) -> None:
    for error in report.errors:
        reason = plain(lang, f"cli.reason.{error.problem.value}", value=error.value)
        typer.echo(plain(lang, "cli.row_error", row=error.row, reason=reason))
    typer.echo(
        plain(
            lang,
            "cli.import_summary",
            total=report.total,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.errors),
        )
    )
    typer.echo(plain(lang, "cli.import_dry_run" if dry_run else "cli.import_saved"))


@roster_app.command("import")
def roster_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX with nama, telepon, peran, ...")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; save nothing.")] = False,
) -> None:
    """Load the roster: upsert by phone, report every rejected row."""
    settings = _settings()
    lang = settings.language
    try:
        headers, rows = read_table(file)
    except UnreadableTable as exc:
        raise _fail(plain(lang, "cli.import_unreadable", error=exc)) from None
    engine = _database(settings)
    now = SystemClock().now()
    with (
        Session(engine, expire_on_commit=False) as session,
        Progress(transient=True, disable=not sys.stderr.isatty() or len(rows) < 200) as progress,
    ):
        task = progress.add_task(plain(lang, "cli.import_reading", path=file.name), total=len(rows))
        try:
            report = import_roster(
                session,
                headers,
                rows,
                now=now,
                progress=lambda n: progress.update(task, completed=n),
            )
        except MissingColumns as exc:
            raise _fail(
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
    settings = _settings()
    lang = settings.language
    engine = _database(settings)
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
    settings = _settings()
    lang = settings.language
    engine = _database(settings)
    try:
        with unit_of_work(engine) as session:
            person = make_admin(session, phone_raw=phone, name=name, now=SystemClock().now())
            label = (person.name, person.phone)
    except InvalidPhone:
        raise _fail(plain(lang, "cli.bad_phone", phone=phone)) from None
    except NotFound:
        raise _fail(plain(lang, "cli.admin_not_found", phone=phone)) from None
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

    settings = _settings()
    lang = settings.language
    engine = _database(settings)
    try:
        with unit_of_work(engine) as session:
            created = broadcasts.create(
                session, author_id=None, specs=to, text=text, now=SystemClock().now()
            )
            assert created.id is not None
            report = broadcasts.report(session, created.id)
    except UnknownAudience as exc:
        raise _fail(plain(lang, "cli.broadcast_unknown_audience", spec=exc.detail)) from None
    except ValueError:
        raise _fail(plain(lang, "cli.broadcast_bad_text", max=broadcasts.TEXT_MAX)) from None
    typer.echo(
        plain(
            lang,
            "cli.broadcast_queued",
            id=created.id,
            count=created.recipients,
            unreachable=report.unreachable,
        )
    )


def _local_time(text: str, zone: str, lang: str, option: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` in the meeting's zone -> aware UTC."""
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - zone added below
    except ValueError:
        raise _fail(plain(lang, "cli.meeting_bad_time", option=option, value=text)) from None
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@meeting_app.command("create")
def meeting_create(
    title: Annotated[
        str, typer.Option(help="What the meeting is, e.g. 'Rakor Pokjanal Posyandu'.")
    ],
    start: Annotated[str, typer.Option(help="Local start, 'YYYY-MM-DD HH:MM'.")],
    venue: Annotated[str, typer.Option(help="Where.")],
    invite: Annotated[
        list[str],
        typer.Option(help="all, opd, kader, org:NAME, kecamatan:NAME, phone:NUMBER (repeatable)."),
    ],
    end: Annotated[str | None, typer.Option(help="Local end, 'YYYY-MM-DD HH:MM'.")] = None,
    tz: Annotated[str | None, typer.Option(help="IANA zone (default POKJANAL_TIMEZONE).")] = None,
    deadline: Annotated[
        str | None, typer.Option(help="Answer deadline (default: the start).")
    ] = None,
    agenda: Annotated[str, typer.Option(help="The agenda.")] = "",
) -> None:
    """Create a meeting and queue its invitations (the running bot delivers them)."""
    from models import meetings
    from models.audience import UnknownAudience

    settings = _settings()
    lang = settings.language
    zone = tz or settings.timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(plain(lang, "cli.meeting_bad_zone", zone=zone)) from None
    starts_at = _local_time(start, zone, lang, "--start")
    ends_at = _local_time(end, zone, lang, "--end") if end else None
    rsvp_deadline = _local_time(deadline, zone, lang, "--deadline") if deadline else None
    engine = _database(settings)
    try:
        with unit_of_work(engine) as session:
            meeting = meetings.create(
                session,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                rsvp_deadline=rsvp_deadline,
                timezone=zone,
                venue=venue,
                agenda=agenda,
                specs=invite,
                now=SystemClock().now(),
            )
            invited = len(meetings.invitations_of(session, meeting))
            summary = (meeting.id, meeting.attendance_code)
    except UnknownAudience as exc:
        raise _fail(plain(lang, "cli.broadcast_unknown_audience", spec=exc.detail)) from None
    except meetings.MeetingError as exc:
        raise _fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
    typer.echo(plain(lang, "cli.meeting_created", id=summary[0], count=invited, code=summary[1]))


@meeting_app.command("cancel")
def meeting_cancel(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
) -> None:
    """Cancel a meeting: every invitee is told, no reminder for it goes out."""
    from models import meetings

    settings = _settings()
    lang = settings.language
    engine = _database(settings)
    try:
        with unit_of_work(engine) as session:
            meeting = session.get(meetings.Meeting, meeting_id)
            if meeting is None:
                raise _fail(plain(lang, "cli.meeting_unknown", id=meeting_id))
            told = meetings.cancel(session, meeting, now=SystemClock().now())
    except meetings.MeetingError as exc:
        raise _fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
    typer.echo(plain(lang, "cli.meeting_cancelled", id=meeting_id, count=told))


@meeting_app.command("move")
def meeting_move(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    start: Annotated[str, typer.Option(help="New local start, 'YYYY-MM-DD HH:MM'.")],
    end: Annotated[str | None, typer.Option(help="New local end.")] = None,
    deadline: Annotated[str | None, typer.Option(help="New answer deadline.")] = None,
) -> None:
    """Move a meeting: everyone gets the invitation again with the old time named."""
    from models import meetings

    settings = _settings()
    lang = settings.language
    engine = _database(settings)
    try:
        with unit_of_work(engine) as session:
            meeting = session.get(meetings.Meeting, meeting_id)
            if meeting is None:
                raise _fail(plain(lang, "cli.meeting_unknown", id=meeting_id))
            zone = meeting.timezone
            told = meetings.reschedule(
                session,
                meeting,
                starts_at=_local_time(start, zone, lang, "--start"),
                ends_at=_local_time(end, zone, lang, "--end") if end else None,
                rsvp_deadline=_local_time(deadline, zone, lang, "--deadline") if deadline else None,
                now=SystemClock().now(),
            )
    except meetings.MeetingError as exc:
        raise _fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
    typer.echo(plain(lang, "cli.meeting_moved", id=meeting_id, count=told))


@meeting_app.command("qr")
def meeting_qr(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG file to write.")],
) -> None:
    """The check-in QR code (deep link ?start=hadir_<code>) to print or show in the hall."""
    import qrcode

    from models.meetings import Meeting

    settings = _settings()
    lang = settings.language
    if not settings.bot_username:
        raise _fail(plain(lang, "cli.qr_needs_username"))
    engine = _database(settings)
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise _fail(plain(lang, "cli.meeting_unknown", id=meeting_id))
        link = f"https://t.me/{settings.bot_username}?start=hadir_{meeting.attendance_code}"
    image = qrcode.make(link, box_size=12, border=4)
    try:
        image.save(str(output))
    except OSError as exc:
        raise _fail(plain(lang, "cli.qr_write_error", path=output, reason=exc)) from None
    typer.echo(plain(lang, "cli.qr_saved", path=output, link=link))


@meeting_app.command("checkin")
def meeting_checkin(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    phone: Annotated[str, typer.Argument(help="The person's phone number.")],
) -> None:
    """Mark someone present (an admin at the door, for people without the bot)."""
    from models import checkin
    from models.meetings import Meeting
    from models.people import by_phone
    from models.phones import normalize_phone

    settings = _settings()
    lang = settings.language
    engine = _database(settings)
    try:
        number = normalize_phone(phone)
    except InvalidPhone:
        raise _fail(plain(lang, "cli.bad_phone", phone=phone)) from None
    with unit_of_work(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        person = by_phone(session, number)
        if meeting is None:
            raise _fail(plain(lang, "cli.meeting_unknown", id=meeting_id))
        if person is None:
            raise _fail(plain(lang, "cli.admin_not_found", phone=number))
        result = checkin.mark_present(
            session, meeting=meeting, person=person, now=SystemClock().now()
        )
        name = person.name
    typer.echo(plain(lang, f"cli.checkin.{result.outcome.value}", name=name, id=meeting_id))


@meeting_app.command("list")
def meeting_list() -> None:
    """Every meeting, newest first, with its answers so far."""
    from models.meetings import Meeting, invitations_of

    settings = _settings()
    engine = _database(settings)
    with Session(engine) as session:
        for meeting in session.exec(select(Meeting).order_by(col(Meeting.starts_at).desc())):
            answers = [i.answer for i in invitations_of(session, meeting)]
            local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
            counts = ", ".join(f"{a}={answers.count(a)}" for a in sorted(set(answers)))
            fields = [f"#{meeting.id}", f"{local:%Y-%m-%d %H:%M}", meeting.status]
            typer.echo("\t".join([*fields, meeting.title, counts]))


@export_app.command("attendance")
def export_attendance(
    meeting_id: Annotated[
        int, typer.Argument(help="The meeting's number (pokjanal meeting list).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write: .xlsx, .pdf or .csv.")
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", help="id or en (default POKJANAL_LANGUAGE).")
    ] = None,
) -> None:
    """The attendance list (daftar hadir) of a meeting for the SPJ; the suffix picks the format."""
    from handlers import attendance_export
    from handlers.i18n import language_of

    settings = _settings()
    cli_lang = settings.language
    document_lang = language_of(lang or settings.language)
    write = attendance_export.WRITERS.get(output.suffix.lower())
    if write is None:
        raise _fail(plain(cli_lang, "cli.export_bad_suffix", name=output.name))
    engine = _database(settings)
    with Session(engine) as session:
        try:
            meeting, rows = attendance_export.attendance_rows(session, meeting_id, document_lang)
        except NotFound:
            raise _fail(plain(cli_lang, "cli.export_unknown_meeting", id=meeting_id)) from None
        try:
            write(output, meeting, rows, document_lang)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise _fail(
                plain(cli_lang, "cli.export_write_error", path=output, reason=reason)
            ) from None
    typer.echo(plain(cli_lang, "cli.export_saved", id=meeting_id, count=len(rows), path=output))


@app.command("run")
def run(
    webhook: Annotated[bool, typer.Option("--webhook", help="Receive updates by webhook.")] = False,
    listen: Annotated[str, typer.Option(help="Webhook listen address.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Webhook listen port.")] = 8443,
) -> None:
    """Run the bot for real: long polling, or a webhook with --webhook."""
    from telegram.error import InvalidToken, NetworkError

    from bot.delivery import DeliveryLocked
    from bot.runner import run_bot

    settings = _settings()
    try:
        settings.token()
        if webhook:
            settings.webhook_path()
    except SettingsError as exc:
        raise _fail(plain(settings.language, "cli.settings_error", error=exc)) from None
    _database(settings)
    setup_logging()
    try:
        run_bot(settings, webhook=webhook, listen=listen, port=port)
    except DeliveryLocked as exc:
        raise _fail(plain(settings.language, "cli.delivery_locked", path=exc.database)) from None
    except InvalidToken:
        raise _fail(plain(settings.language, "cli.bad_token")) from None
    except NetworkError as exc:
        url = settings.telegram_api_url
        raise _fail(plain(settings.language, "cli.network_error", url=url, reason=exc)) from None


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

    settings = _settings()
    if not _port_free(host, port):
        raise _fail(plain(settings.language, "cli.port_busy", host=host, port=port))
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
