"""What every ``pokjanal`` command needs: settings and a database, or one line and an exit."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.database import open_database
from bot.settings import Settings, SettingsError, load_settings
from bot.tables import UnreadableTable
from handlers.i18n import plain
from handlers.import_reports import RowError, row_lines, too_large


def load_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(plain("id", "cli.settings_error", error=exc), err=True)
        raise typer.Exit(2) from None


def database_or_exit(settings: Settings) -> Engine:
    """Open and migrate the database, or stop with one line naming the variable."""
    try:
        return open_database(settings.database_url, erasure_key=settings.erasure_secret)
    except (SQLAlchemyError, ImportError) as exc:
        reason = str(exc).splitlines()[0][:200]
        message = plain(
            settings.language,
            "cli.database_error",
            url=safe_url(settings.database_url),
            reason=reason,
        )
        raise fail(message) from None


def unreadable(lang: str, error: UnreadableTable) -> str:
    """Why a sheet could not be imported: a cap past in the admin's words (which cap, which
    row), any other trouble with the reader's own line."""
    return too_large(lang, error) or plain(lang, "cli.import_unreadable", error=error)


def fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def print_row_errors(lang: str, errors: Sequence[RowError], reasons: str) -> None:
    """One line per rejected row of an imported sheet: "Baris 3: <reason>". ``reasons`` is
    the catalogue prefix of the reason texts (roster and RTL sheets have their own)."""
    for line in row_lines(lang, errors, reasons):
        typer.echo(line)
