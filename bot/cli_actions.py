"""``pokjanal action …`` and ``pokjanal export actions``: follow-up actions (RTL) from the shell."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlmodel import Session, col, select

from bot.cli_common import database_or_exit, fail, load_or_exit, print_row_errors, unreadable
from bot.cli_meetings import export_app
from bot.settings import Settings
from bot.tables import UnreadableTable, read_table
from handlers.i18n import plain
from handlers.import_reports import summary
from models import action_owners, actions, audit
from models.action_import import ActionImportReport, import_actions, parse_sheet_date
from models.clock import SystemClock
from models.db import unit_of_work
from models.errors import InvalidPhone
from models.organizations import Organization
from models.sheets import MissingColumns

action_app = typer.Typer(help="Follow-up actions (RTL) of the meetings.", no_args_is_help=True)


def _today(settings: Settings) -> date:
    return SystemClock().now().astimezone(ZoneInfo(settings.timezone)).date()


def _action_error(lang: str, exc: actions.ActionError, *, due: date | None = None) -> str:
    """One line for an ActionError raised by ``check_due`` or ``create``."""
    if exc.code == "unknown_meeting":
        return plain(lang, "cli.action_unknown_meeting", id=exc.detail)
    if exc.code == "due_before_meeting":
        return plain(lang, "cli.action_due_before_meeting", due=due, date=exc.detail)
    if exc.code == "due_in_past":
        return plain(lang, "cli.action_due_in_past", due=due, date=exc.detail)
    if exc.code == "detail":
        return plain(lang, "cli.action_bad_detail", max=actions.DETAIL_MAX)
    return plain(lang, "cli.action_bad_title", max=actions.TITLE_MAX)


@action_app.command("add")
def action_add(
    owner: Annotated[
        str,
        typer.Option(help="An organization as on the roster, or a group: 'Camat se-Kabupaten'."),
    ],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD.")],
    title: Annotated[str, typer.Option(help="What is to be done.")],
    meeting: Annotated[
        int | None, typer.Option(help="The meeting it was agreed at (pokjanal meeting list).")
    ] = None,
    person: Annotated[
        str | None, typer.Option(help="Phone number of the person who owns it, if one does.")
    ] = None,
    detail: Annotated[str, typer.Option(help="Details.")] = "",
) -> None:
    """Create an action (one per organization for a group) and queue the assignment notices."""
    from models.people import by_phone
    from models.phones import normalize_phone

    settings = load_or_exit()
    lang = settings.language
    due_date = parse_sheet_date(due)
    if due_date is None:
        example = (_today(settings) + timedelta(days=30)).isoformat()  # ahead, never a past date
        raise fail(plain(lang, "cli.action_bad_due", value=due, example=example))
    engine = database_or_exit(settings)
    now = SystemClock().now()
    try:
        with unit_of_work(engine) as session:
            found = action_owners.find_owner(session, owner)
            if found is None:
                raise fail(plain(lang, "cli.action_unknown_owner", owner=owner))
            actions.check_due(session, due_date, meeting_id=meeting, today=_today(settings))
            person_id = None
            if person is not None:
                try:
                    phone = normalize_phone(person)
                except InvalidPhone:
                    raise fail(plain(lang, "cli.bad_phone", phone=person)) from None
                owner_person = by_phone(session, phone)
                if owner_person is None:
                    raise fail(plain(lang, "cli.action_unknown_person", phone=phone))
                person_id = owner_person.id
            result = actions.create(
                session,
                title=title,
                owner=found,
                due=due_date,
                now=now,
                meeting_id=meeting,
                detail=detail,
                owner_person_id=person_id,
                notify=True,
            )
            label = found.group_label or action_owners.owner_name(found.organizations[0])
    except actions.ActionError as exc:
        raise fail(_action_error(lang, exc, due=due_date)) from None
    typer.echo(
        plain(lang, "cli.action_created", count=len(result.created), owner=label, due=due_date)
    )
    if result.existing:
        typer.echo(plain(lang, "cli.action_existing", count=len(result.existing)))


def print_action_report(
    lang: str, report: ActionImportReport, *, today: date, dry_run: bool
) -> None:
    print_row_errors(lang, report.errors, "cli.action_reason")
    typer.echo(summary(lang, report))
    if report.overdue:
        typer.echo(plain(lang, "cli.action_import_overdue", count=report.overdue, today=today))
    typer.echo(plain(lang, "cli.import_dry_run" if dry_run else "cli.import_saved"))


@action_app.command("import")
def action_import(
    file: Annotated[
        Path, typer.Argument(help="CSV or XLSX with tindak lanjut, penanggung jawab, tenggat.")
    ],
    meeting: Annotated[
        int | None, typer.Option(help="The meeting the actions were agreed at.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; save nothing.")] = False,
) -> None:
    """Load actions from a sheet: report every rejected row; a second run creates nothing."""
    settings = load_or_exit()
    lang = settings.language
    try:
        headers, rows = read_table(file)
    except UnreadableTable as exc:
        raise fail(unreadable(lang, exc)) from None
    engine = database_or_exit(settings)
    now, today = SystemClock().now(), _today(settings)
    with Session(engine, expire_on_commit=False) as session:
        try:
            report = import_actions(
                session, headers, rows, now=now, today=today, meeting_id=meeting
            )
        except MissingColumns as exc:
            raise fail(
                plain(lang, "cli.action_import_missing_columns", columns=", ".join(exc.missing))
            ) from None
        except actions.ActionError as exc:
            raise fail(_action_error(lang, exc)) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    print_action_report(lang, report, today=today, dry_run=dry_run)


@action_app.command("list")
def action_list(
    only_open: Annotated[
        bool, typer.Option("--open", help="Only actions not yet reported Selesai.")
    ] = False,
) -> None:
    """Every action, nearest due first: number, due date, status, owner, title; overdue marked."""
    settings = load_or_exit()
    lang = settings.language
    engine = database_or_exit(settings)
    today = _today(settings)
    with Session(engine) as session:
        query = select(actions.Action, Organization).join(
            Organization, col(actions.Action.owner_org_id) == col(Organization.id)
        )
        if only_open:
            query = query.where(actions.Action.status != actions.ReportStatus.SELESAI.value)
        query = query.order_by(col(actions.Action.due), col(actions.Action.id))
        lines = [
            [
                f"#{action.id}",
                action.due.isoformat(),
                plain(lang, f"cli.action_status.{action.status}"),
                action_owners.owner_name(org),
                action.title,
                plain(lang, "cli.action_overdue_mark") if actions.is_overdue(action, today) else "",
            ]
            for action, org in session.exec(query)
        ]
    if not lines:
        typer.echo(plain(lang, "cli.action_list_empty"))
        return
    header = [plain(lang, f"cli.action_col.{key}") for key in ("id", "due", "status", "owner")]
    table = [[*header, plain(lang, "cli.action_col.title"), ""], *lines]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        fixed = "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        marker = f"  [{row[5]}]" if row[5] else ""
        typer.echo(f"{fixed}  {row[4]}{marker}".rstrip())


@export_app.command("actions")
def export_actions(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write: .xlsx.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="id or en (default POKJANAL_LANGUAGE).")
    ] = None,
) -> None:
    """Every follow-up action and every report on it (with evidence paths), as XLSX."""
    from handlers.actions_export import write_actions_xlsx
    from handlers.i18n import language_of

    settings = load_or_exit()
    cli_lang = settings.language
    document_lang = language_of(lang or settings.language)
    if output.suffix.lower() != ".xlsx":
        raise fail(plain(cli_lang, "cli.action_export_bad_suffix", name=output.name))
    engine = database_or_exit(settings)
    with unit_of_work(engine) as session:
        try:
            written, reports = write_actions_xlsx(
                output, session, document_lang, zone=settings.timezone, today=_today(settings)
            )
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise fail(
                plain(cli_lang, "cli.export_write_error", path=output, reason=reason)
            ) from None
        # The reports name who wrote them: as many people as reports, at most.
        audit.record(
            session,
            act=audit.Act.EXPORT_ACTIONS,
            via=audit.Via.CLI,
            now=SystemClock().now(),
            target="actions",
            people=reports,
        )
    typer.echo(
        plain(cli_lang, "cli.action_export_saved", actions=written, reports=reports, path=output)
    )
