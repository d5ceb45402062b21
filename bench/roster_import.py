"""A province's roster through ``pokjanal roster import``, timed as a secretariat runs it.

Run:  .venv/bin/python -m bench.roster_import [--rows 50000] [--format csv|xlsx|both]

Writes a realistic sheet (``--rows`` people of a province: kecamatan, desa and Posyandu with
their cadres, village heads, Puskesmas staff and agency focal points; phones typed the ways
secretariats type them; a few bad rows, duplicates and numbers erased on request) and runs the
command line in a subprocess against a fresh SQLite database, three times: the first import
(everyone new), the same sheet again (nothing changes), and a sheet where one row in ten
changed (role, position or organization). Each run prints its wall time (process start to
exit, reading the file included), rows a second and the peak RSS of the process. Issue 15's
goal: 50,000 rows in under 15 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

HEADERS = [
    "Nama",
    "No HP",
    "Peran",
    "Instansi",
    "Jabatan",
    "Kecamatan",
    "Desa",
    "Posyandu",
    "Izin WA",
]
FIRST = [
    "Sitti",
    "Nur",
    "Andi",
    "Muh.",
    "Hj.",
    "Dewi",
    "Rahma",
    "Hasrul",
    "Aminah",
    "Darmawati",
    "Fitri",
    "Asriani",
    "Nurhayati",
    "Syamsuddin",
    "Rosmini",
    "Jumriati",
    "Haslinda",
    "Ismail",
    "Baharuddin",
    "Kartini",
    "Suriani",
    "Wahyuni",
    "Marlina",
    "Arifin",
    "Hamzah",
    "Irma",
    "Yusuf",
    "Rahmat",
    "Nirwana",
    "Herlina",
    "Saenab",
]
LAST = [
    "Aminah",
    "Lestari",
    "Rahmawati",
    "Syahrir",
    "Nawir",
    "Sari",
    "Hayati",
    "Basri",
    "Sultan",
    "Daeng",
    "Latif",
    "Ramli",
    "Tahir",
    "Hamid",
    "Amir",
    "Rauf",
    "Said",
    "Saleh",
    "Yunus",
    "Pattola",
    "Arsyad",
    "Mansyur",
    "Kadir",
    "Rasyid",
]
FLOWERS = [
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Dahlia",
    "Flamboyan",
    "Cempaka",
    "Teratai",
    "Seroja",
    "Kamboja",
    "Tulip",
    "Asoka",
    "Bougenville",
    "Lavender",
    "Sakura",
]
AGENCIES = (
    "Dinas Kesehatan",
    "Dinas Pemberdayaan Masyarakat dan Desa",
    "Dinas Sosial",
    "Bappeda",
    "TP PKK Provinsi",
    "Dinas Pendidikan",
    "Dinas Ketahanan Pangan",
    "Kantor Kementerian Agama",
    "BKKBN Perwakilan",
    "Dinas Kependudukan dan Pencatatan Sipil",
)


@dataclass(frozen=True)
class Sheet:
    rows: list[list[str]]
    phones: list[str]  # every valid number on the sheet (row order), to erase a few


def _phone(rng: random.Random, number: int) -> tuple[str, str]:
    """The number as a secretariat types it, and as stored (+62...)."""
    digits = f"812{number:08d}"
    stored = "+62" + digits
    style = rng.randrange(4)
    if style == 0:
        return "0" + digits, stored
    if style == 1:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}", stored
    if style == 2:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}", stored
    return f"0{digits[:3]} {digits[3:7]} {digits[7:]}", stored


def province(rows: int, seed: int) -> Sheet:
    """``rows`` data rows: per kecamatan its Camat and Puskesmas, per desa its head, per
    Posyandu five cadres; about one row in 400 is wrong (bad number, no name, a role nobody
    knows, a number already on the sheet)."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    phones: list[str] = []
    serial = 0

    def person() -> tuple[str, str, str]:
        nonlocal serial
        serial += 1
        typed, stored = _phone(rng, serial)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return name, typed, stored

    def add(role: str, org: str, position: str, kec: str, desa: str, posyandu: str) -> None:
        name, typed, stored = person()
        opt_in = "ya" if rng.random() < 0.3 else ""
        roll = rng.random()
        if roll < 0.001:
            typed = "12345"  # a number cut short
        elif roll < 0.0015:
            name = ""
        elif roll < 0.002:
            role = "bidan"
        elif roll < 0.0025 and phones:
            typed = rng.choice(phones).replace("+62", "0")  # a second copy of someone
        else:
            phones.append(stored)
        out.append([name, typed, role, org, position, kec, desa, posyandu, opt_in])

    for agency in AGENCIES:
        for n in range(5):
            add("opd", agency, f"Staf {n + 1}", "", "", "")
    kecamatan = 0
    while len(out) < rows:
        kecamatan += 1
        kec = f"Kecamatan Kec{kecamatan:03d}"
        add("opd", kec, "Camat", kec, "", "")
        puskesmas = f"Puskesmas Kec{kecamatan:03d}"
        for position in ("Kepala Puskesmas", "Bidan Koordinator", "Promkes"):
            add("opd", puskesmas, position, kec, "", "")
        for d in range(10):
            desa = f"Desa {rng.choice(FLOWERS)}{kecamatan:03d}{d}"
            add("opd", "", "Kepala Desa", kec, desa, "")
            for p in range(3):
                posyandu = f"Posyandu {FLOWERS[(d + p) % len(FLOWERS)]} {kecamatan}-{d}-{p}"
                for k in range(5):
                    position = "Ketua Kader" if k == 0 else "Kader"
                    if rng.random() < 0.5:  # as in the demo: the Posyandu in "Instansi"
                        add("kader", posyandu, position, kec, desa, "")
                    else:
                        add("kader", "", position, kec, desa, posyandu)
    return Sheet(out[:rows], phones)


def changed(sheet: Sheet, seed: int) -> list[list[str]]:
    """The same sheet a month later: one row in ten has a new position, role or Posyandu."""
    rng = random.Random(seed + 1)
    rows = [list(row) for row in sheet.rows]
    for row in rows:
        if rng.random() < 0.1:
            what = rng.randrange(3)
            if what == 0:
                row[4] = row[4] + " (baru)"
            elif what == 1:
                row[2] = "opd" if row[2] == "kader" else "kader"
            elif row[7]:
                row[7] += " Baru"  # moved to a new Posyandu
            else:
                row[3] = (row[3] + " Baru") if row[3] else "Dinas Sosial"
    return rows


def write(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def erase(url: str, phones: list[str]) -> None:
    """Mark numbers erased (people who used /hapusdata): the import must refuse their rows."""
    from bot.database import open_database
    from models.clock import SystemClock
    from models.db import unit_of_work
    from models.erasures import mark_erased

    engine = open_database(url)
    with unit_of_work(engine) as session:
        for phone in phones:
            mark_erased(session, phone, now=SystemClock().now())
    engine.dispose()


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, process start to exit
    cpu: float  # seconds of CPU (user + system): what a quiet machine would take, about
    rss: float  # peak resident MB
    summary: str  # the report's summary line


def pokjanal(args: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run the command line as a user does."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"pokjanal {' '.join(args)} failed ({process.returncode}):\n{err}")
    lines = [line for line in out.splitlines() if line.strip()]
    summary = lines[-2] if len(lines) >= 2 else (lines[-1] if lines else "")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, cpu, usage.ru_maxrss / 1024, summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="data rows (default 50000)")
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="csv")
    parser.add_argument("--erased", type=int, default=25, help="numbers erased beforehand")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="write the sheets and database here")
    options = parser.parse_args()

    formats = ("csv", "xlsx") if options.format == "both" else (options.format,)
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        sheet = province(options.rows, options.seed)
        later = changed(sheet, options.seed)
        print(f"{options.rows:,} rows, {options.erased} numbers erased beforehand; SQLite")
        print("| sheet | run | wall time | CPU | rows/s (wall) | peak RSS | report |")
        print("|---|---|---|---|---|---|---|")
        for fmt in formats:
            database = folder / f"roster-{fmt}.db"
            database.unlink(missing_ok=True)
            url = f"sqlite:///{database}"
            env = {
                key: value for key, value in os.environ.items() if not key.startswith("POKJANAL_")
            }
            env |= {"POKJANAL_DATABASE_URL": url, "POKJANAL_LANGUAGE": "en"}
            idle = pokjanal(["db", "upgrade"], env, folder)
            print(
                f"| (none) | `pokjanal db upgrade`: start-up alone | {idle.wall:.1f} s "
                f"| {idle.cpu:.1f} s | | {idle.rss:.0f} MB | |"
            )
            step = max(1, len(sheet.phones) // max(1, options.erased))
            erase(url, sheet.phones[::step][: options.erased])
            first = write(folder / f"province.{fmt}", sheet.rows)
            second = write(folder / f"province-later.{fmt}", later)
            for label, path in (("first", first), ("again", first), ("10% changed", second)):
                run = pokjanal(["roster", "import", str(path)], env, folder)
                print(
                    f"| {fmt} | {label} | {run.wall:.1f} s | {run.cpu:.1f} s "
                    f"| {options.rows / run.wall:,.0f} | {run.rss:.0f} MB | {run.summary} |"
                )


if __name__ == "__main__":
    main()
