"""``pokjanal meeting …`` and ``pokjanal export …``: meetings from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from sqlmodel import Session, col, select

from bot.cli_common import database_or_exit, fail, load_or_exit
from handlers.i18n import plain
from handlers.meeting_views import reach_text
from models import audit
from models.clock import SystemClock
from models.db import unit_of_work
from models.errors import InvalidPhone, NotFound
from models.meetings import Meeting

meeting_app = typer.Typer(help="Meetings (Rakor) and their invitations.", no_args_is_help=True)
export_app = typer.Typer(help="Documents for the secretariat (SPJ).", no_args_is_help=True)


def _local_time(text: str, zone: str, lang: str, option: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` in the meeting's zone -> aware UTC."""
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - zone added below
    except ValueError:
        # A week from today as the example: a fixed date would be in the past a year on.
        example = (SystemClock().now().astimezone(ZoneInfo(zone)) + timedelta(days=7)).date()
        raise fail(
            plain(lang, "cli.meeting_bad_time", option=option, value=text, example=example)
        ) from None
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

    settings = load_or_exit()
    lang = settings.language
    zone = tz or settings.timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(plain(lang, "cli.meeting_bad_zone", zone=zone)) from None
    starts_at = _local_time(start, zone, lang, "--start")
    ends_at = _local_time(end, zone, lang, "--end") if end else None
    rsvp_deadline = _local_time(deadline, zone, lang, "--deadline") if deadline else None
    engine = database_or_exit(settings)
    now = SystemClock().now()
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
                now=now,
            )
            reached = meetings.reach_of_invitees(session, meeting)
            reach = reach_text(lang, reached)
            _audit(session, audit.Act.MEETING_CREATE, meeting.id, reached.total, now)
            summary = (meeting.id, meeting.attendance_code)
    except UnknownAudience as exc:
        raise fail(plain(lang, "cli.broadcast_unknown_audience", spec=exc.detail)) from None
    except meetings.MeetingError as exc:
        raise fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
    typer.echo(plain(lang, "cli.meeting_created", id=summary[0], reach=reach, code=summary[1]))


def _audit(
    session: Session, act: audit.Act, meeting_id: int | None, people: int, now: datetime
) -> None:
    audit.record(
        session, act=act, via=audit.Via.CLI, now=now, target=f"meeting:{meeting_id}", people=people
    )


def _meeting(session: Session, meeting_id: int, lang: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise fail(plain(lang, "cli.meeting_unknown", id=meeting_id))
    return meeting


@meeting_app.command("cancel")
def meeting_cancel(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
) -> None:
    """Cancel a meeting: every invitee is told, no reminder for it goes out."""
    from models import meetings

    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    try:
        with unit_of_work(engine) as session:
            meeting = _meeting(session, meeting_id, lang)
            now = SystemClock().now()
            told = meetings.cancel(session, meeting, now=now)
            _audit(session, audit.Act.MEETING_CANCEL, meeting_id, told, now)
    except meetings.MeetingError as exc:
        raise fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
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

    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    try:
        with unit_of_work(engine) as session:
            meeting = _meeting(session, meeting_id, lang)
            zone = meeting.timezone
            now = SystemClock().now()
            told = meetings.reschedule(
                session,
                meeting,
                starts_at=_local_time(start, zone, lang, "--start"),
                ends_at=_local_time(end, zone, lang, "--end") if end else None,
                rsvp_deadline=_local_time(deadline, zone, lang, "--deadline") if deadline else None,
                now=now,
            )
            _audit(session, audit.Act.MEETING_MOVE, meeting_id, told, now)
    except meetings.MeetingError as exc:
        raise fail(plain(lang, f"cli.meeting_error.{exc.code}")) from None
    typer.echo(plain(lang, "cli.meeting_moved", id=meeting_id, count=told))


@meeting_app.command("qr")
def meeting_qr(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG file to write.")],
) -> None:
    """The check-in QR code (deep link ?start=hadir_<code>) to print or show in the hall."""
    import qrcode

    settings = load_or_exit()
    lang = settings.language
    if not settings.bot_username:
        raise fail(plain(lang, "cli.qr_needs_username"))
    engine = database_or_exit(settings)
    with Session(engine) as session:
        meeting = _meeting(session, meeting_id, lang)
        link = f"https://t.me/{settings.bot_username}?start=hadir_{meeting.attendance_code}"
    image = qrcode.make(link, box_size=12, border=4)
    try:
        image.save(str(output))
    except OSError as exc:
        raise fail(plain(lang, "cli.qr_write_error", path=output, reason=exc)) from None
    typer.echo(plain(lang, "cli.qr_saved", path=output, link=link))


@meeting_app.command("checkin")
def meeting_checkin(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    phone: Annotated[str, typer.Argument(help="The person's phone number.")],
) -> None:
    """Mark someone present (an admin at the door, for people without the bot)."""
    from models import checkin
    from models.people import by_phone
    from models.phones import normalize_phone

    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    try:
        number = normalize_phone(phone)
    except InvalidPhone:
        raise fail(plain(lang, "cli.bad_phone", phone=phone)) from None
    with unit_of_work(engine) as session:
        meeting = _meeting(session, meeting_id, lang)
        person = by_phone(session, number)
        if person is None:
            raise fail(plain(lang, "cli.admin_not_found", phone=number))
        result = checkin.mark_present(
            session, meeting=meeting, person=person, now=SystemClock().now()
        )
        name = person.name
    typer.echo(plain(lang, f"cli.checkin.{result.outcome.value}", name=name, id=meeting_id))


@meeting_app.command("list")
def meeting_list() -> None:
    """Every meeting, newest first, with its answers so far."""
    from models.meetings import Meeting, invitations_of

    settings = load_or_exit()
    engine = database_or_exit(settings)
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

    settings = load_or_exit()
    cli_lang = settings.language
    document_lang = language_of(lang or settings.language)
    write = attendance_export.WRITERS.get(output.suffix.lower())
    if write is None:
        raise fail(plain(cli_lang, "cli.export_bad_suffix", name=output.name))
    engine = database_or_exit(settings)
    with unit_of_work(engine) as session:
        try:
            meeting, rows = attendance_export.attendance_rows(session, meeting_id, document_lang)
        except NotFound:
            raise fail(plain(cli_lang, "cli.export_unknown_meeting", id=meeting_id)) from None
        try:
            write(output, meeting, rows, document_lang)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise fail(
                plain(cli_lang, "cli.export_write_error", path=output, reason=reason)
            ) from None
        audit.record(
            session,
            act=audit.Act.EXPORT_ATTENDANCE,
            via=audit.Via.CLI,
            now=SystemClock().now(),
            target=f"meeting:{meeting_id}",
            people=len(rows),
        )
    typer.echo(plain(cli_lang, "cli.export_saved", id=meeting_id, count=len(rows), path=output))
