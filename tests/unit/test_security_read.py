"""Findings of a security read, at the level where each is decided: the evidence file's
first bytes, and the size of a sheet before it is read."""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from bot import tables
from bot.cli import app
from bot.tables import read_table
from models.file_store import FileRefused, verified_type
from sandbox.files import make_png
from tests.flows.test_security_read import EXE, a_small_pdf

DOCX, XLSX = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24


def an_office_file() -> bytes:
    """The least a Word or Excel file is: a zip holding [Content_Types].xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("declared", "data", "kept_as"),
    [
        ("application/pdf", a_small_pdf(), "application/pdf"),
        ("image/png", make_png(), "image/png"),
        ("image/jpeg", make_png(), "image/png"),  # a "photo" the channel calls JPEG
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (DOCX, an_office_file(), DOCX),
        (XLSX, an_office_file(), XLSX),
        ("application/msword", OLE, "application/msword"),
        ("application/vnd.ms-excel", OLE, "application/vnd.ms-excel"),
    ],
)
def test_evidence_is_kept_by_what_its_bytes_are(declared: str, data: bytes, kept_as: str) -> None:
    assert verified_type(declared, data) == kept_as


@pytest.mark.parametrize(
    ("declared", "data"),
    [
        ("application/pdf", EXE),  # invoice.pdf.exe, as the app declared it
        ("image/jpeg", EXE),
        (DOCX, b"%PDF-1.4"),  # a real PDF is still not a Word file
        ("application/pdf", b""),
        ("image/webp", b"RIFF\x24\x00\x00\x00WAVEfmt "),  # a sound, not a picture
        ("application/msword", b"PK\x03\x04"),
    ],
)
def test_evidence_whose_bytes_do_not_match_is_refused(declared: str, data: bytes) -> None:
    with pytest.raises(FileRefused) as refused:
        verified_type(declared, data)
    assert refused.value.code == "type"


# --- sheets: sizes capped before the whole file is read ------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POKJANAL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("POKJANAL_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # see test_export_cli
    return tmp_path


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.output.strip()


def big_cell_csv(path: Path, size: int) -> Path:
    path.write_text(
        f'nama,telepon,peran\nSitti Aminah,081234567890,kader\nBudi,081234567891,"{"x" * size}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["roster", "action"])
def test_a_csv_cell_of_200_kb_is_refused_with_a_clear_line(cli_env: Path, command: str) -> None:
    """Python's csv stops at 128 KB with a traceback: now one translated line, which row."""
    sheet = big_cell_csv(cli_env / "besar.csv", 200 * 1024)
    said = refused([command, "import", str(sheet)])
    assert said == (
        f"besar.csv, baris 3: satu sel berisi lebih dari {tables.MAX_CELL_CHARS} huruf. "
        "Periksa sel itu (mungkin tertempel teks yang sangat panjang), lalu coba lagi."
    )


def test_a_long_cell_under_the_csv_limit_is_refused_too(tmp_path: Path) -> None:
    sheet = big_cell_csv(tmp_path / "besar.csv", tables.MAX_CELL_CHARS + 1)
    with pytest.raises(tables.TableTooLarge) as error:
        read_table(sheet)
    assert (error.value.kind, error.value.row) == ("cell", 3)


def many_rows_xlsx(path: Path, count: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["nama", "telepon", "peran"])
    for n in range(count):
        sheet.append([f"Kader {n}", f"0812{n:08d}", "kader"])
    book.save(path)
    return path


def test_an_xlsx_past_the_row_cap_is_refused_at_once(cli_env: Path) -> None:
    """A few hundred KB of XLSX held a million rows (2 minutes, 656 MB). This one states no
    size (openpyxl would read it all to learn it): its rows are counted up to the cap. (The
    roster command's own, larger cap: the next test.)"""
    sheet = many_rows_xlsx(cli_env / "sejuta.xlsx", tables.MAX_ROWS + 5_000)
    started = time.monotonic()
    said = refused(["action", "import", str(sheet)])
    assert time.monotonic() - started < 2
    assert said == (
        f"sejuta.xlsx berisi lebih dari {tables.MAX_ROWS} baris; paling banyak "
        f"{tables.MAX_ROWS} baris sekali impor. Bagi menjadi beberapa berkas (misalnya per "
        "kecamatan), atau hapus baris kosong di bawah tabel."
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_roster_command_takes_a_province(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Issue 15: a province's roster (50,000 people) is loaded on the command line; a
    district's cap (an RTL sheet, an upload) would refuse it. Both caps made small here."""
    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    monkeypatch.setattr(tables, "ROSTER_MAX_ROWS", 100)
    province, too_big = cli_env / f"provinsi.{suffix}", cli_env / f"terlalu.{suffix}"
    if suffix == "xlsx":
        many_rows_xlsx(province, 80)
        many_rows_xlsx(too_big, 101)
    else:
        for path, count in ((province, 80), (too_big, 101)):
            lines = ["nama,telepon,peran", *(f"Kader {n},0812{n:08d},kader" for n in range(count))]
            path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["roster", "import", str(province)])
    assert result.exit_code == 0, result.output
    assert "80 baris: 80 baru, 0 diperbarui, 0 tidak berubah, 0 ditolak." in result.output
    said = refused(["roster", "import", str(too_big)])
    assert said.startswith(f"terlalu.{suffix} berisi lebih dari 100 baris")
    said = refused(["action", "import", str(province)])
    assert said.startswith(f"provinsi.{suffix} berisi lebih dari 50 baris")


def test_the_row_cap_holds_without_a_size_in_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV, or an XLSX whose stated size lies, is stopped at the cap while reading."""
    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    lines = ["nama,telepon,peran", *(f"Kader {n},0812{n:08d},kader" for n in range(51))]
    (tmp_path / "a.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(tables.TableTooLarge) as error:
        read_table(tmp_path / "a.csv")
    assert error.value.kind == "rows"
    assert len(read_table(many_rows_xlsx(tmp_path / "ok.xlsx", 50))[1]) == 50
    with pytest.raises(tables.TableTooLarge):
        read_table(many_rows_xlsx(tmp_path / "b.xlsx", 51))
    stated = Workbook()  # Excel states the size in the sheet's first bytes: read from there
    assert stated.active is not None
    for n in range(52):
        stated.active.append([f"Kader {n}", f"0812{n:08d}"])
    stated.save(tmp_path / "stated.xlsx")
    with pytest.raises(tables.TableTooLarge):
        read_table(tmp_path / "stated.xlsx")
    # A stated size that lies ("A1:B2" over 52 rows) is counted, not believed.
    with zipfile.ZipFile(tmp_path / "stated.xlsx") as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'ref="A1:B\d+"', 'ref="A1:B2"', sheet_xml).encode()
    with zipfile.ZipFile(tmp_path / "lying.xlsx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(tables.TableTooLarge):
        read_table(tmp_path / "lying.xlsx")
    (tmp_path / "c.csv").write_text("\n".join(lines[:51]), encoding="utf-8")
    assert len(read_table(tmp_path / "c.csv")[1]) == 50


def test_the_refusal_is_in_english_for_an_english_district(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POKJANAL_LANGUAGE", "en")
    sheet = big_cell_csv(cli_env / "big.csv", 200 * 1024)
    said = refused(["action", "import", str(sheet)])
    assert said.startswith(f"big.csv, row 3: a cell holds more than {tables.MAX_CELL_CHARS}")


def test_a_workbook_whose_text_unpacks_huge_is_refused_before_reading(tmp_path: Path) -> None:
    """The text of an XLSX may sit in xl/sharedStrings.xml, not in the sheet: a small file
    whose shared strings unpack to hundreds of megabytes is refused by its stated sizes."""
    bomb = tmp_path / "peserta.xlsx"
    text = "<sst><si><t>" + "A" * (120 * 1024 * 1024) + "</t></si></sst>"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
        archive.writestr("xl/sharedStrings.xml", text)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(tables.TableTooLarge):
        read_table(bomb)


def test_a_damaged_sheet_part_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    good, broken = tmp_path / "good.xlsx", tmp_path / "broken.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nama", "No HP", "Peran"])
    book.save(good)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row><c")  # cut inside a tag
            target.writestr(item, data)
    with pytest.raises(tables.UnreadableTable):
        read_table(broken)


def test_any_zip_is_not_a_word_file() -> None:
    from models.file_store import FileRefused, verified_type

    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(FileRefused):
        verified_type(docx, plain_zip.getvalue())
    real = io.BytesIO()
    with zipfile.ZipFile(real, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert verified_type(docx, real.getvalue()) == docx
