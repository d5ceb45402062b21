"""Findings of a security read, at the level where each is decided: the evidence file's
first bytes, and the size of a sheet before it is read."""

from __future__ import annotations

import pytest

from models.file_store import FileRefused, verified_type
from sandbox.files import make_png
from tests.flows.test_security_read import EXE, a_small_pdf

DOCX, XLSX = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24


@pytest.mark.parametrize(
    ("declared", "data", "kept_as"),
    [
        ("application/pdf", a_small_pdf(), "application/pdf"),
        ("image/png", make_png(), "image/png"),
        ("image/jpeg", make_png(), "image/png"),  # a "photo" the channel calls JPEG
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (DOCX, b"PK\x03\x04\x14\x00\x06\x00", DOCX),
        (XLSX, b"PK\x03\x04\x14\x00\x06\x00", XLSX),
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
