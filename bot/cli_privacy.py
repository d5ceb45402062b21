"""``pokjanal privacy purge`` and ``pokjanal audit``: retention and the trail of admin acts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from sqlmodel import Session

from bot.cli_common import database_or_exit, fail, load_or_exit
from handlers.i18n import plain
from models import audit, retention
from models.clock import SystemClock
from models.db import unit_of_work
from models.file_store import FileStore
from models.people import Person

privacy_app = typer.Typer(help="Personal data kept past its time.", no_args_is_help=True)


@privacy_app.command("purge")
def purge(
    older_than: Annotated[
        str | None,
        typer.Option(help="2y, 18m or 90d (default POKJANAL_RETENTION, as the notice says)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; change nothing.")] = False,
) -> None:
    """Anonymise what is older than the period: reasons, representatives, reporters, evidence."""
    settings = load_or_exit()
    lang = settings.language
    text = older_than or settings.retention
    try:
        period = retention.Period.parse(text)
    except ValueError:
        raise fail(plain(lang, "cli.purge_bad_period", value=text)) from None
    engine = database_or_exit(settings)
    now = SystemClock().now()
    cutoff = period.before(now)
    # One transaction either way: a dry run is the real purge rolled back, so its counts are
    # exactly what a real run would do; the files go only after a commit.
    with Session(engine, expire_on_commit=False) as session:
        purged = retention.purge(session, before=cutoff, now=now)
        if dry_run:
            session.rollback()
        else:
            audit.record(
                session,
                act=audit.Act.PURGE,
                via=audit.Via.CLI,
                now=now,
                target=f"before:{cutoff.date().isoformat()}",
                people=purged.total,
            )
            session.commit()
    if not dry_run:
        files = FileStore(settings.files_dir)
        for path in purged.paths:
            files.remove(path)
    local = cutoff.astimezone(settings.zone)
    typer.echo(
        plain(
            lang,
            "cli.purge_summary",
            cutoff=f"{local:%Y-%m-%d}",
            answers=purged.answers,
            history=purged.history,
            reports=purged.reports,
            evidence=purged.evidence,
            messages=purged.messages,
            requests=purged.requests,
        )
    )
    typer.echo(plain(lang, "cli.purge_dry_run" if dry_run else "cli.purge_done"))


def audit_list(
    since: Annotated[
        str | None, typer.Option(help="Only from this local date on, YYYY-MM-DD.")
    ] = None,
) -> None:
    """Who did what with other people's data, newest first, one line each."""
    settings = load_or_exit()
    lang = settings.language
    zone = settings.zone
    start: datetime | None = None
    if since is not None:
        try:
            day = date.fromisoformat(since.strip())
        except ValueError:
            raise fail(plain(lang, "cli.audit_bad_date", value=since)) from None
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
    engine = database_or_exit(settings)
    with unit_of_work(engine) as session:
        found = audit.entries(session, since=start)
        names = {
            entry.actor_id: (person.name if person is not None else "")
            for entry in found
            if entry.actor_id is not None
            for person in [session.get(Person, entry.actor_id)]
        }
    if not found:
        typer.echo(plain(lang, "cli.audit_empty"))
    for entry in found:
        via = plain(lang, f"cli.audit_via.{entry.via}")
        if entry.actor_id is None:
            who = via
        elif entry.action == audit.Act.ERASURE.value:  # the person themselves, now anonymous
            who = plain(lang, "cli.audit_person", id=entry.actor_id, via=via)
        else:
            name = names.get(entry.actor_id, "")
            who = plain(lang, "cli.audit_actor", id=entry.actor_id, name=name, via=via)
        typer.echo(
            plain(
                lang,
                "cli.audit_line",
                when=f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M}",
                who=" ".join(who.split()),
                what=plain(lang, f"cli.audit_act.{entry.action}"),
                target=entry.target or "-",
                people=entry.people,
            )
        )
