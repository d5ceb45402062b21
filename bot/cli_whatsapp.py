"""``pokjanal whatsapp …``: what an operator needs to put the bot on WhatsApp.

``templates`` prints the templates the bot sends outside the 24-hour window, in Meta's
creation format, to submit for approval; ``link`` gives the click-to-chat link (and QR codes,
one per Posyandu) that cadres tap in their WhatsApp groups to start with DAFTAR.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from sqlmodel import Session, col, select

from bot.channels import template_book
from bot.cli_common import database_or_exit, fail, load_or_exit
from handlers.i18n import plain
from handlers.registration import START_WORD
from models.organizations import Organization, OrgKind
from whatsapp.templates import definitions

whatsapp_app = typer.Typer(help="The WhatsApp channel (Cloud API).", no_args_is_help=True)


@whatsapp_app.command("templates")
def whatsapp_templates(
    as_json: Annotated[
        bool, typer.Option("--json", help="Meta's template-creation JSON, one list.")
    ] = False,
) -> None:
    """The templates to submit in WhatsApp Manager (or POST /<waba_id>/message_templates)."""
    settings = load_or_exit()
    found = definitions(template_book(settings))
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for template in found:
        body = next(c["text"] for c in template["components"] if c["type"] == "BODY")
        buttons = [
            b["text"]
            for c in template["components"]
            if c["type"] == "BUTTONS"
            for b in c["buttons"]
        ]
        typer.echo(f"{template['name']} ({template['language']}, {template['category']})")
        typer.echo("  " + body.replace("\n", "\n  "))
        if buttons:
            typer.echo("  [" + "] [".join(buttons) + "]")
        typer.echo("")


def click_to_chat(number: str) -> str:
    return f"https://wa.me/{number}?text={quote(START_WORD)}"


def _file_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "posyandu"


@whatsapp_app.command("link")
def whatsapp_link(
    qr_dir: Annotated[
        Path | None,
        typer.Option("--qr", help="Folder for one QR code (PNG) per Posyandu on the roster."),
    ] = None,
) -> None:
    """The click-to-chat link that opens the bot's chat with DAFTAR typed in."""
    settings = load_or_exit()
    lang = settings.language
    if not settings.whatsapp_number:
        raise fail(plain(lang, "cli.wa_needs_number"))
    link = click_to_chat(settings.whatsapp_number)
    typer.echo(link)
    if qr_dir is None:
        return
    import qrcode

    engine = database_or_exit(settings)
    with Session(engine) as session:
        names = list(
            session.exec(
                select(Organization.name)
                .where(Organization.kind == OrgKind.POSYANDU.value)
                .order_by(col(Organization.name))
            )
        )
    try:
        qr_dir.mkdir(parents=True, exist_ok=True)
        for name in names or ["pokjanal"]:
            path = qr_dir / f"{_file_name(name)}.png"
            qrcode.make(link, box_size=10, border=4).save(str(path))
            typer.echo(plain(lang, "cli.wa_qr_saved", name=name, path=path))
    except OSError as exc:
        raise fail(plain(lang, "cli.qr_write_error", path=qr_dir, reason=exc)) from None
