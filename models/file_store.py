"""The file store: evidence photos and documents, kept on disk under one root folder.

Files are written to a temporary name and renamed into place, so a full disk or a crash never
leaves half a photo under a real name; the database keeps the path relative to the root, so
the folder can be moved (or mounted elsewhere) without touching a row.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

# What evidence may be: photos and the office documents a Puskesmas or a desa actually sends.
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
EXTENSION_TYPES = {ext: mime for mime, ext in ALLOWED_TYPES.items()} | {"jpeg": "image/jpeg"}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_STORED_NAME = re.compile(
    # a crash mid-write leaves "<name>.part": swept the same way
    r"^[A-Za-z0-9._-]{1,40}-[0-9a-f]{8}\.(" + "|".join(EXTENSION_TYPES) + r"|bin)(\.part)?$"
)
SWEPT_FOLDER = "actions"  # what the sweep may clean: evidence, filed by action


class FileRefused(ValueError):
    """``code`` says why: "type" (not an allowed kind of file) or "size" (too big)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def evidence_type(mime_type: str | None, file_name: str | None) -> str:
    """The file's MIME type when it is allowed evidence (by type, else by extension)."""
    if mime_type and mime_type.lower() in ALLOWED_TYPES:
        return mime_type.lower()
    extension = (file_name or "").rpartition(".")[2].lower()
    if extension in EXTENSION_TYPES and (not mime_type or mime_type == "application/octet-stream"):
        return EXTENSION_TYPES[extension]
    raise FileRefused("type")


_OOXML = b"PK\x03\x04"  # .docx and .xlsx are zip files
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .xls: the old Office compound file
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),  # and "WEBP" at byte 8, checked below
    "application/pdf": (b"%PDF-",),
    "application/msword": (_OLE,),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (_OOXML,),
    "application/vnd.ms-excel": (_OLE,),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (_OOXML,),
}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _office_zip(data: bytes) -> bool:
    """A Word or Excel file is a zip holding [Content_Types].xml: any zip is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _looks_like(mime_type: str, data: bytes) -> bool:
    if not data.startswith(_SIGNATURES.get(mime_type, ())):
        return False
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    return mime_type != "image/webp" or data[8:12] == b"WEBP"


def verified_type(declared: str, data: bytes) -> str:
    """The type to keep ``data`` as, decided by its first bytes: the type the app or the name
    declares is only a claim (a program named ``invoice.pdf.exe`` arrived as
    ``application/pdf``), and the file is later handed to admins who open it.

    A declared image may turn out another image (a "photo" is JPEG by the channel's word,
    but a local server keeps a PNG as sent): the bytes win. Anything else that does not start
    the way its type must is refused.

    Raises:
        FileRefused: "type", the bytes are not what an allowed type starts with.
    """
    if _looks_like(declared, data):
        return declared
    if declared in IMAGE_TYPES:
        for image in IMAGE_TYPES:
            if _looks_like(image, data):
                return image
    raise FileRefused("type")


@dataclass(frozen=True)
class FileStore:
    root: Path
    max_bytes: int = 10 * 1024 * 1024

    def check_size(self, size: int | None) -> None:
        """Refuse before downloading when Telegram already told the size."""
        if size is not None and size > self.max_bytes:
            raise FileRefused("size")

    def save(self, folder: str, data: bytes, *, mime_type: str, hint: str = "") -> str:
        """Write ``data`` under ``folder``; return the path relative to the root.

        Raises:
            FileRefused: too big.
            OSError: the disk is full or not writable (nothing is left behind).
        """
        self.check_size(len(data))
        extension = ALLOWED_TYPES.get(mime_type, "bin")
        stem = _SAFE.sub("-", hint).strip("-")[:40] or "file"
        parts = [_SAFE.sub("-", part) for part in folder.split("/") if part not in ("", ".", "..")]
        relative = Path(*parts) / f"{stem}-{secrets.token_hex(4)}.{extension}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".part")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise
        return relative.as_posix()

    def path_of(self, relative: str) -> Path:
        return self.root / relative

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink(missing_ok=True)

    def sweep(self, referenced: set[str], *, now: float, grace_seconds: float = 86400) -> int:
        """Delete files no evidence row points at (a dropped or expired draft, a crash between
        saving and recording), once they are older than ``grace_seconds``: a file being
        recorded right now is never touched. Returns how many were deleted."""
        folder = self.root / SWEPT_FOLDER
        if not folder.is_dir():
            return 0
        removed = 0
        for path in folder.rglob("*"):
            # Only names this store writes: a folder set to "." or beside the database must
            # never lose anything else.
            if not path.is_file() or not _STORED_NAME.match(path.name):
                continue
            relative = path.relative_to(self.root).as_posix()
            if relative in referenced or now - path.stat().st_mtime < grace_seconds:
                continue
            path.unlink(missing_ok=True)
            removed += 1
        return removed
