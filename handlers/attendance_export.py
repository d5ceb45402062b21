"""The attendance list (daftar hadir) of one meeting, for the SPJ: XLSX, a printable PDF, CSV.

The rows are built once (``attendance_rows``) and written by three writers that share them, so
the spreadsheet, the signed paper and the data file never disagree. Everything here is plain
text: names are written as typed (``<b>Iseng</b> & Co`` stays that), never as markup.
"""

from __future__ import annotations

import csv
import html
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers.i18n import t_plain
from handlers.meeting_views import minutes_summary
from handlers.people_view import format_when, organization_name
from models.errors import NotFound
from models.meetings import Answer, Invitation, Meeting
from models.organizations import Organization, organization_of
from models.people import Person, PersonStatus

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell


@dataclass(frozen=True)
class AttendanceRow:
    """One invitee on the list, ready to print (local times, labels in the export language)."""

    number: int
    name: str
    position: str
    organization: str
    answer: str  # the Answer value: pending, hadir, diwakilkan, tidak_hadir
    answer_label: str
    representative: str  # "name, position" when diwakilkan, else empty
    check_in: str  # "HH.mm" in the meeting's zone, or empty
    walk_in: bool
    checked_in_at: datetime | None  # aware, in the meeting's zone
    answered_at: datetime | None  # aware, in the meeting's zone
    reason: str


def _local(when: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Stored times are UTC; SQLite hands them back naive."""
    if when is None:
        return None
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def _representative(invitation: Invitation) -> str:
    if invitation.answer != Answer.DIWAKILKAN.value:
        return ""
    parts = [invitation.representative_name.strip(), invitation.representative_position.strip()]
    return ", ".join(part for part in parts if part)


def _answer_label(lang: str, answer: str) -> str:
    if answer == Answer.DIWAKILKAN.value:
        return t_plain(lang, "export.answer.diwakilkan")
    if answer in {a.value for a in Answer}:
        return t_plain(lang, f"rsvp.answer.{answer}")
    return answer


def attendance_rows(
    session: Session, meeting_id: int, lang: str
) -> tuple[Meeting, list[AttendanceRow]]:
    """The meeting and every invitation, by organization name then person name.

    Raises:
        NotFound: no meeting has that id.
    """
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(str(meeting_id))
    zone = ZoneInfo(meeting.timezone)
    query = (
        select(Invitation, Person)
        .join(Person, col(Invitation.person_id) == col(Person.id))
        .where(Invitation.meeting_id == meeting_id)
        .order_by(col(Invitation.id))
    )
    organizations: dict[int | None, Organization | None] = {}
    unsorted: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for invitation, person in session.exec(query):
        if person.organization_id not in organizations:
            organizations[person.organization_id] = organization_of(session, person.organization_id)
        org = organizations[person.organization_id]
        # organization_name escapes for chat HTML; unescape gives back the name as typed.
        org_label = html.unescape(organization_name(lang, org))
        erased = person.status == PersonStatus.ERASED.value or not person.name.strip()
        name = t_plain(lang, "export.erased") if erased else person.name.strip()
        checked_in_at = _local(invitation.checked_in_at, zone)
        fields = {
            "name": name,
            "position": person.position.strip(),
            "organization": org_label,
            "answer": invitation.answer,
            "answer_label": _answer_label(lang, invitation.answer),
            "representative": _representative(invitation),
            "check_in": f"{checked_in_at:%H.%M}" if checked_in_at else "",
            "walk_in": invitation.walk_in,
            "checked_in_at": checked_in_at,
            "answered_at": _local(invitation.answered_at, zone),
            "reason": invitation.reason.strip(),
        }
        # People without an organization come last; erased rows last within theirs.
        key = (org is None, org_label.casefold(), erased, name.casefold(), invitation.id)
        unsorted.append((key, fields))
    unsorted.sort(key=lambda item: item[0])
    rows = [AttendanceRow(number=n, **fields) for n, (_, fields) in enumerate(unsorted, 1)]
    return meeting, rows


# --- shared pieces of the document ------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
COLUMNS = ("no", "name", "position", "organization", "answer", "representative", "check_in")


def _text(value: str) -> str:
    """Drop control characters (a spreadsheet refuses them, a PDF shows boxes); one line."""
    return " ".join(_CONTROL.sub("", value).split())


def _headers(lang: str, keys: tuple[str, ...]) -> list[str]:
    return [t_plain(lang, f"export.col.{key}") for key in keys]


def _answer_cell(lang: str, row: AttendanceRow) -> str:
    if row.walk_in:
        return f"{row.answer_label} ({t_plain(lang, 'export.walk_in')})"
    return row.answer_label


def _cells(lang: str, row: AttendanceRow) -> list[str]:
    """The printed columns of a row, signature excluded."""
    values = [
        str(row.number),
        row.name,
        row.position,
        row.organization,
        _answer_cell(lang, row),
        row.representative,
        row.check_in,
    ]
    return [_text(value) for value in values]


def _when(lang: str, meeting: Meeting) -> str:
    zone = ZoneInfo(meeting.timezone)
    start = _local(meeting.starts_at, zone)
    text = html.unescape(format_when(lang, start, meeting.timezone))
    end = _local(meeting.ends_at, zone)
    if end is not None:
        time = f"{end:%H.%M}" if lang == "id" else f"{end:%H:%M}"
        text += t_plain(lang, "export.until", time=time)
    return text


def _header_lines(lang: str, meeting: Meeting, rows: list[AttendanceRow]) -> list[str]:
    """Below the title: when, where, the attendance code, the counts."""
    return [
        t_plain(lang, "export.when", when=_when(lang, meeting)),
        t_plain(lang, "export.venue", venue=_text(meeting.venue)),
        t_plain(lang, "export.code", code=meeting.attendance_code),
        _summary(lang, rows),
    ]


def _summary(lang: str, rows: list[AttendanceRow]) -> str:
    answers = [row.answer for row in rows]
    return t_plain(
        lang,
        "export.summary",
        invited=len(rows),
        hadir=answers.count(Answer.HADIR.value),
        diwakilkan=answers.count(Answer.DIWAKILKAN.value),
        tidak_hadir=answers.count(Answer.TIDAK_HADIR.value),
        pending=answers.count(Answer.PENDING.value),
        checked_in=sum(1 for row in rows if row.check_in),
    )


# --- XLSX -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet may evaluate


def put_text(cell: Cell, value: str) -> None:
    """Write what a user typed as a text cell, never a formula, and without the characters
    openpyxl refuses (a pasted bell or escape made the whole export fail).

    A string cell is shown exactly as typed by Excel and LibreOffice, so no visible ``'`` is
    added (in an XLSX it would be part of the text, unlike the CSV). ``quotePrefix`` is the
    hidden apostrophe Excel itself sets for text typed as ``'=...``: the cell stays text even
    when someone opens it with F2 and presses Enter.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes any "=..." a formula
    if text.lstrip(" ").startswith(_FORMULA_START):
        cell.quotePrefix = True


_XLSX_WIDTHS = (5, 30, 24, 28, 16, 30, 10, 30)  # No .. Tanda tangan, in characters
_XLSX_TABLE_ROW = 8  # the header row of the table; rows 1-6 are the header block


def write_xlsx(path: Path, meeting: Meeting, rows: list[AttendanceRow], lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = t_plain(lang, "export.sheet")[:31]

    def put(row: int, column: int, value: str | int) -> Cell:
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            put_text(cell, value)
        else:
            cell.value = value
        return cell

    put(1, 1, t_plain(lang, "export.title")).font = Font(bold=True, size=14)
    put(2, 1, _text(meeting.title)).font = Font(bold=True, size=12)
    for offset, line in enumerate(_header_lines(lang, meeting, rows)):
        put(3 + offset, 1, line)

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = [*_headers(lang, COLUMNS), t_plain(lang, "export.col.signature")]
    for column, header in enumerate(headers, 1):
        cell = put(_XLSX_TABLE_ROW, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    for index, row in enumerate(rows):
        at = _XLSX_TABLE_ROW + 1 + index
        values: list[str | int] = [row.number, *_cells(lang, row)[1:], ""]
        for column, value in enumerate(values, 1):
            cell = put(at, column, value)
            cell.alignment = wrap
            cell.border = border
        sheet.row_dimensions[at].height = 30  # room to sign on paper

    for column, width in enumerate(_XLSX_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=_XLSX_TABLE_ROW + 1, column=1)
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A{_XLSX_TABLE_ROW}:{last}{_XLSX_TABLE_ROW + max(len(rows), 1)}"

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    assert sheet.sheet_properties.pageSetUpPr is not None
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{_XLSX_TABLE_ROW}:{_XLSX_TABLE_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = t_plain(lang, "export.page", page="&P", pages="&N")
    workbook.properties.title = _text(meeting.title)
    workbook.properties.creator = "Pokjanal Bot"
    minutes = minutes_summary(lang, meeting, limit=30000)
    if minutes:
        notes = workbook.create_sheet(t_plain(lang, "export.minutes_title")[:31])
        put_text(notes["A1"], minutes)
        notes["A1"].alignment = Alignment(wrap_text=True, vertical="top")
        notes.column_dimensions["A"].width = 120
    workbook.save(path)


# --- PDF --------------------------------------------------------------------------------------

# DejaVu (a widening of Bitstream Vera) covers far more of Latin than Vera; Vera ships inside
# reportlab, so there is always an embeddable Unicode font even on a bare server.
_DEJAVU_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)


@cache
def _pdf_fonts() -> tuple[str, str]:
    """Register and return (regular, bold) embedded TrueType fonts."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates: list[tuple[str, str]] = [
        (f"{folder}/DejaVuSans.ttf", f"{folder}/DejaVuSans-Bold.ttf") for folder in _DEJAVU_DIRS
    ]
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            break
    else:
        regular, bold = "Vera.ttf", "VeraBd.ttf"  # found on reportlab's own font path
    pdfmetrics.registerFont(TTFont("PokjanalSans", regular))
    pdfmetrics.registerFont(TTFont("PokjanalSans-Bold", bold))
    pdfmetrics.registerFontFamily(
        "PokjanalSans",
        normal="PokjanalSans",
        bold="PokjanalSans-Bold",
        italic="PokjanalSans",
        boldItalic="PokjanalSans-Bold",
    )
    return "PokjanalSans", "PokjanalSans-Bold"


def write_pdf(path: Path, meeting: Meeting, rows: list[AttendanceRow], lang: str) -> None:
    """A4 landscape, ready to sign: the total page count needs a first, throw-away pass."""
    pages = _build_pdf(io.BytesIO(), meeting, rows, lang, total=0)
    _build_pdf(str(path), meeting, rows, lang, total=pages)


def _build_pdf(
    target: str | io.BytesIO, meeting: Meeting, rows: list[AttendanceRow], lang: str, total: int
) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    regular, bold = _pdf_fonts()
    page_width, page_height = landscape(A4)
    margin = 12 * mm
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11)
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=1)
    number = ParagraphStyle("number", parent=cell, alignment=2)
    title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, alignment=1)
    subtitle = ParagraphStyle("subtitle", fontName=bold, fontSize=12, leading=15, alignment=1)
    line = ParagraphStyle("line", fontName=regular, fontSize=10, leading=13)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(html.escape(_text(text), quote=False), style)

    widths_mm = (10, 50, 34, 43, 30, 45, 16, 45)  # 273 mm: the page less the margins
    widths = [w * mm for w in widths_mm]
    signature_indent = widths[-1] / 2 - 6  # even rows sign on the right half, as on paper
    header = [para(text, head) for text in _headers(lang, COLUMNS)]
    header.append(para(t_plain(lang, "export.col.signature"), head))
    data: list[list[Any]] = [header]
    for row in rows:
        cells = _cells(lang, row)
        style = ParagraphStyle(
            "sign", parent=cell, fontSize=7, leftIndent=0 if row.number % 2 else signature_indent
        )
        signature = [para(f"{row.number}.", style), Spacer(1, 8 * mm)]
        data.append([para(cells[0], number), *(para(c, cell) for c in cells[1:]), signature])

    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story: list[Any] = [
        para(t_plain(lang, "export.title"), title),
        para(meeting.title, subtitle),
        Spacer(1, 4 * mm),
        *(para(text, line) for text in _header_lines(lang, meeting, rows)),
        Spacer(1, 4 * mm),
        table,
    ]
    minutes = minutes_summary(lang, meeting, limit=5000)
    if minutes:
        story += [Spacer(1, 6 * mm), para(t_plain(lang, "export.minutes_title"), subtitle)]
        story += [para(part, line) for part in minutes.split("\n") if part.strip()]

    footer_left = _text(f"{meeting.title} · {meeting.attendance_code}")
    seen: list[int] = []

    def decorate(canvas: Any, _doc: Any) -> None:
        page = canvas.getPageNumber()
        seen.append(page)
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(margin, margin / 2, footer_left[:120])
        pages = t_plain(lang, "export.page", page=page, pages=max(total, page))
        canvas.drawRightString(page_width - margin, margin / 2, pages)
        if page > 1:  # a loose sheet still says which meeting it belongs to
            running = _text(f"{t_plain(lang, 'export.title')} — {meeting.title}")
            canvas.drawString(margin, page_height - margin / 2 - 2, running[:140])
        canvas.restoreState()

    document = SimpleDocTemplate(
        target,
        pagesize=(page_width, page_height),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"{t_plain(lang, 'export.title')} — {_text(meeting.title)}",
        author="Pokjanal Bot",
        subject=meeting.attendance_code,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return max(seen, default=1)


# --- CSV --------------------------------------------------------------------------------------

_FORMULA_INSIDE = re.compile(r"([;,])(\s*)([=+\-@])")


def _csv_safe(value: str) -> str:
    """Excel runs a cell starting with = + - @ as a formula: such text gets a leading quote.
    Excel in an Indonesian locale also splits a .csv at ``;`` (which the writer does not
    quote), so a formula after a ``;`` or ``,`` inside the text is neutralised too."""
    value = _FORMULA_INSIDE.sub(r"\1\2'\3", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(path: Path, meeting: Meeting, rows: list[AttendanceRow], lang: str) -> None:
    """Every invitation with every answer, for further processing: comma-separated, UTF-8 with
    a BOM so Excel reads the names right. Times are local ``YYYY-MM-DD HH:MM``."""
    keys = (*COLUMNS, "answered_at", "reason", "walk_in")
    yes = t_plain(lang, "export.yes")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_headers(lang, keys))
        for row in rows:
            values = [
                str(row.number),
                row.name,
                row.position,
                row.organization,
                row.answer_label,
                row.representative,
                f"{row.checked_in_at:%Y-%m-%d %H:%M}" if row.checked_in_at else "",
                f"{row.answered_at:%Y-%m-%d %H:%M}" if row.answered_at else "",
                row.reason,
                yes if row.walk_in else "",
            ]
            writer.writerow([_csv_safe(_text(value)) for value in values])


Writer = Callable[[Path, Meeting, list[AttendanceRow], str], None]
WRITERS: dict[str, Writer] = {".xlsx": write_xlsx, ".pdf": write_pdf, ".csv": write_csv}


def attendance_file(
    meeting: Meeting, rows: list[AttendanceRow], lang: str, fmt: str
) -> tuple[str, bytes]:
    """The daftar hadir as a file's name and bytes (``fmt``: xlsx, pdf, csv), for the console
    and the chat, which send it rather than keep it."""
    write = WRITERS[f".{fmt}"]
    with tempfile.TemporaryDirectory(prefix="pokjanal-daftar-hadir-") as folder:
        path = Path(folder) / f"daftar-hadir-{meeting.id}.{fmt}"
        write(path, meeting, rows, lang)
        return path.name, path.read_bytes()
