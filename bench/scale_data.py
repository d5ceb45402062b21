"""The data behind ``bench.scale``: a province that has run the bot for years.

``generate`` fills a database (created by the project's migrations) with ``rows`` invitations,
``rows`` follow-up actions and ``rows`` outbox rows, almost none of them due:

- an organization tree (agencies; kecamatan, each with a Puskesmas and desa; five Posyandu a
  desa) and its people: admins, agency and kecamatan focal points, cadres on the Posyandu;
  eight in ten registered on Telegram, one on WhatsApp (opted in), one not registered yet;
- past meetings, held and closed with minutes, their invitations answered (some never), and one
  meeting in ten still to come, with its invitations half answered;
- actions mostly reported done (Selesai, accepted), the open ones due weeks to a year ahead, and
  a few overdue ones (already nudged, some already escalated);
- outbox rows of two years: sent, failed, skipped or unreachable, a few deferred to a later
  working morning, and ``CLAIMABLE`` rows waiting for the dispatcher now.

A running bot has already planned what came due before: ``generate`` runs both planners once
and marks what they queued as sent. Only then does it add what comes due at every tick of the
benchmark (each tick is rolled back, so each sees the same state): a meeting tomorrow whose 10
coming invitees get their reminder, a meeting next week whose 50 silent invitees get an RSVP
nudge, and 50 actions due in two days whose named owners get a nudge: 10 reminders and 100
nudges, as issue 15 describes.

Rows are written in bulk (executemany in chunks on SQLite, ``COPY`` on PostgreSQL) with their
ids given, so a million of each takes tens of seconds. Left out: answer histories, reports and
evidence, inbox rows (no planner or claim reads them).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from psycopg import sql
from sqlalchemy import Table, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel

from models.actions import ReportStatus, Verdict
from models.meetings import CODE_ALPHABET, Answer, MeetingStatus
from models.organizations import OrgKind
from models.outbox import Kind, Status, dedupe_key
from models.people import Role
from scheduler.action_planners import action_planner
from scheduler.planners import meeting_planner

ZONE = "Asia/Jakarta"
REMINDERS = [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]  # the default setting
CHUNK = 20_000
AGENCIES = (
    "Dinas Kesehatan", "Bappeda", "Dinas PMD", "TP PKK", "Dinas Pendidikan", "Dinas Sosial",
    "Dinas PPKB", "Dinas Kominfo", "Kementerian Agama", "Dinas Ketahanan Pangan",
)  # fmt: skip
# What comes due at every tick (see the module's docstring).
DUE_REMINDERS, DUE_RSVP_NUDGES, DUE_ACTION_NUDGES = 10, 50, 50
CLAIMABLE = 10  # outbox rows due now, for the dispatcher's claim


@dataclass(frozen=True)
class Shape:
    """How big the province is for ``rows`` invitations (and as many actions and outbox rows)."""

    rows: int
    people: int
    meetings: int

    @classmethod
    def of(cls, rows: int, people: int | None = None, meetings: int | None = None) -> Shape:
        people = people or min(max(rows // 20, 200), 50_000)
        meetings = meetings or max(10, rows // 100)
        meetings = max(meetings, -(-rows // people))  # no meeting invites anyone twice
        return cls(rows, people, meetings)


@dataclass
class Generated:
    """What ``generate`` made, for the benchmark's report and checks."""

    shape: Shape
    now: datetime
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    warm_up_planned: int = 0
    telegram_people: list[int] = field(default_factory=list)  # registered, reachable


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _defaults(table: Table, given: Iterable[str]) -> dict[str, Any]:
    """The model's scalar defaults for the NOT NULL columns a row leaves out: ``COPY`` applies
    none of SQLAlchemy's, and a column added later must not break the generator silently."""
    missing: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given or column.nullable or column.server_default is not None:
            continue
        default = column.default
        if default is None or not getattr(default, "is_scalar", False):
            raise ValueError(f"bench.scale_data gives no value for {table.name}.{column.name}")
        missing[column.name] = default.arg  # type: ignore[attr-defined]
    return missing


def insert(connection: Connection, name: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with the same keys) into table ``name`` in chunks."""
    table = SQLModel.metadata.tables[name]
    postgres = connection.dialect.name == "postgresql"
    count = 0
    defaults: dict[str, Any] | None = None
    for chunk in _batched(rows, CHUNK):
        if defaults is None:
            defaults = _defaults(table, chunk[0])
        if defaults:
            chunk = [{**defaults, **row} for row in chunk]
        if postgres:
            columns = list(chunk[0])
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            raw: Any = connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in chunk:
                    copy.write_row(
                        [json.dumps(v) if isinstance(v, dict) else v for v in row.values()]
                    )
        else:
            connection.execute(table.insert(), chunk)
        count += len(chunk)
    return count


def _code(n: int) -> str:
    """A distinct six-letter attendance code for meeting ``n``."""
    letters = []
    for _ in range(6):
        n, digit = divmod(n, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


class _Province:
    """The ids of everything generated, so rows can point at each other without reading back."""

    def __init__(self, shape: Shape, now: datetime) -> None:
        self.shape, self.now = shape, now
        self.posyandu = max(5, shape.people // 5)
        self.desa = max(1, self.posyandu // 5)
        self.kecamatan = max(1, self.desa // 10)
        # Ids: agencies, then per kecamatan its node and its Puskesmas, desa, Posyandu, and
        # last an agency that owns the actions coming due (nobody is a member of it).
        self.first_kecamatan = len(AGENCIES) + 1
        self.first_desa = self.first_kecamatan + 2 * self.kecamatan
        self.first_posyandu = self.first_desa + self.desa
        self.due_owner_org = self.first_posyandu + self.posyandu
        self.upcoming = max(2, shape.meetings // 10)
        self.past = shape.meetings - self.upcoming
        self.per_meeting = -(-shape.rows // shape.meetings)
        self.admins = [1, 2]

    def channel(self, person_id: int) -> str:
        """ "telegram", "whatsapp" or "" (not registered yet); admins are on Telegram."""
        if person_id in self.admins:
            return "telegram"
        return {0: "", 1: "whatsapp"}.get(person_id % 10, "telegram")

    def reachable_on_telegram(self, person_id: int) -> bool:
        return self.channel(person_id) == "telegram" and person_id % 97 != 0

    def organizations(self) -> Iterator[dict[str, Any]]:
        created = self.now - timedelta(days=3 * 365)
        for n, name in enumerate(AGENCIES, start=1):
            yield _org(n, name, OrgKind.AGENCY, None, created)
        for k in range(self.kecamatan):
            kec = self.first_kecamatan + 2 * k
            yield _org(kec, f"Kecamatan K{k:03d}", OrgKind.KECAMATAN, None, created)
            yield _org(kec + 1, f"Puskesmas K{k:03d}", OrgKind.PUSKESMAS, kec, created)
        for d in range(self.desa):
            kec = self.first_kecamatan + 2 * (d % self.kecamatan)
            yield _org(self.first_desa + d, f"Desa D{d:04d}", OrgKind.DESA, kec, created)
        for p in range(self.posyandu):
            desa = self.first_desa + p % self.desa
            name = f"Posyandu {('Melati', 'Mawar', 'Anggrek', 'Kenanga', 'Dahlia')[p % 5]} {p}"
            yield _org(self.first_posyandu + p, name, OrgKind.POSYANDU, desa, created)
        yield _org(self.due_owner_org, "Tim RTL Kabupaten", OrgKind.AGENCY, None, created)

    def people(self) -> Iterator[dict[str, Any]]:
        created = self.now - timedelta(days=2 * 365)
        focal = len(AGENCIES) + 2 * self.kecamatan
        for pid in range(1, self.shape.people + 1):
            if pid in self.admins:
                role, org, position = Role.ADMIN, 1, "Sekretariat Pokjanal"
            elif pid - len(self.admins) <= focal:
                n = pid - len(self.admins) - 1
                role, position = Role.OPD, "Focal point"
                org = n + 1 if n < len(AGENCIES) else self.first_kecamatan + n - len(AGENCIES)
            else:
                role, position = Role.KADER, "Kader"
                org = self.first_posyandu + pid % self.posyandu
            channel = self.channel(pid)
            registered = created + timedelta(minutes=pid % 100_000) if channel else None
            phone = f"+62813{pid:08d}"
            yield {
                "id": pid,
                "name": f"{position} {pid}",
                "phone": phone,
                "role": role.value,
                "position": position,
                "organization_id": org,
                "language": "en" if pid % 20 == 7 else "id",
                "telegram_user_id": 1_000_000_000 + pid if channel == "telegram" else None,
                "telegram_chat_id": 1_000_000_000 + pid if channel == "telegram" else None,
                "registered_at": registered,
                "consent_at": registered,
                "consent_version": "1" if channel else None,
                "unreachable_at": registered if channel and pid % 97 == 0 else None,
                "whatsapp_id": phone[1:] if channel == "whatsapp" else None,
                "whatsapp_opt_in_at": registered if channel == "whatsapp" else None,
                "preferred_channel": channel or None,
                "created_at": created,
                "updated_at": registered or created,
            }

    def meeting_start(self, m: int) -> datetime:
        """Past meetings spread over the three years before last week; upcoming ones 1.5 to 30
        days on."""
        if m <= self.past:
            return self.now - timedelta(days=7) - timedelta(hours=3 * 365 * 24 * m / self.past)
        return self.now + timedelta(hours=36) + timedelta(hours=(m - self.past) * 29 % 680)

    def meetings(self) -> Iterator[dict[str, Any]]:
        for m in range(1, self.shape.meetings + 1):
            starts = self.meeting_start(m)
            past = m <= self.past
            created = starts - timedelta(days=14) if past else self._upcoming_created(m)
            yield {
                "id": m,
                "title": f"Rapat Koordinasi Pokjanal {m}",
                "organiser_id": 1,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=4),
                "timezone": ZONE,
                "venue": f"Aula Kecamatan K{m % self.kecamatan:03d}",
                "agenda": "Evaluasi kegiatan Posyandu",
                "rsvp_deadline": starts - timedelta(days=1),
                "status": (MeetingStatus.DONE if past else MeetingStatus.SCHEDULED).value,
                "attendance_code": _code(m),
                "audience": "all",
                "created_by_id": self.admins[m % 2],
                "minutes": "Notulen rapat" if past else None,
                "closed_at": starts + timedelta(days=2) if past else None,
                "created_at": created,
                "updated_at": starts + timedelta(days=2) if past else created,
            }

    def _upcoming_created(self, m: int) -> datetime:
        """Half the upcoming meetings were made two days ago (their 24-hour nudges are out),
        half this morning (none due yet)."""
        return self.now - (timedelta(days=2) if m % 2 else timedelta(hours=6))

    def invitations(self) -> Iterator[dict[str, Any]]:
        people, per = self.shape.people, self.per_meeting
        made = 0
        for m in range(1, self.shape.meetings + 1):
            starts, past = self.meeting_start(m), m <= self.past
            created = starts - timedelta(days=14) if past else self._upcoming_created(m)
            for j in range(per):
                if made == self.shape.rows:
                    return
                made += 1
                person = (m * 7919 + j) % people + 1
                roll = (m + j) % 20
                if past:
                    answer = (
                        Answer.HADIR if roll < 12 else
                        Answer.DIWAKILKAN if roll < 14 else
                        Answer.TIDAK_HADIR if roll < 17 else Answer.PENDING
                    )  # fmt: skip
                else:
                    answer = (
                        Answer.HADIR if roll < 8 else
                        Answer.TIDAK_HADIR if roll < 10 else
                        Answer.DIWAKILKAN if roll < 11 else Answer.PENDING
                    )  # fmt: skip
                answered = None
                if answer != Answer.PENDING:
                    answered = created + timedelta(hours=1 + j % 48)
                came = past and answer == Answer.HADIR and roll % 4 != 0
                yield {
                    "id": made,
                    "meeting_id": m,
                    "person_id": person,
                    "answer": answer.value,
                    "representative_name": "Wakil" if answer == Answer.DIWAKILKAN else "",
                    "representative_position": "Staf" if answer == Answer.DIWAKILKAN else "",
                    "reason": "Tugas luar" if answer == Answer.TIDAK_HADIR else "",
                    "answered_at": answered,
                    "checked_in_at": starts + timedelta(minutes=j % 50) if came else None,
                    "checkin_method": "code" if came else "",
                    "shown_at": None,
                    "created_at": created,
                    "updated_at": answered or created,
                }

    def actions(self) -> Iterator[dict[str, Any]]:
        today = self.now.astimezone(ZoneInfo(ZONE)).date()
        for a in range(1, self.shape.rows + 1):
            meeting = a % self.past + 1
            held = self.meeting_start(meeting)
            roll = a % 200
            verdict = Verdict.NONE
            escalated = None
            if roll < 160:  # reported done and accepted, due long ago
                status, verdict = ReportStatus.SELESAI, Verdict.ACCEPTED
                due = held.date() + timedelta(days=14 + a % 60)
            elif roll == 160:  # overdue: nudged already, and half of them escalated
                status = ReportStatus.SEDANG_BERJALAN
                due = today - timedelta(days=10 + a % 80)
                escalated = self.now - timedelta(days=1) if a // 200 % 2 else None
            else:  # open, due weeks to a year ahead
                status = ReportStatus.BELUM_MULAI if a % 3 else ReportStatus.SEDANG_BERJALAN
                due = today + timedelta(days=10 + a % 355)
            midnight = datetime.combine(due, datetime.min.time(), UTC)
            created = min(self.now, midnight) - timedelta(days=30)
            if a % 4 or (roll == 160 and a // 400 % 4):
                org = self.first_posyandu + a % self.posyandu
            else:  # a desa: nobody is a member, so an overdue one escalates as unreachable
                org = self.first_desa + a % self.desa
            title = f"Tindak lanjut {a}: pendataan balita"
            yield {
                "id": a,
                "dedupe_key": f"{meeting}|{org}|{hashlib.sha256(title.encode()).hexdigest()[:40]}",
                "title": title,
                "detail": "",
                "meeting_id": meeting,
                "owner_org_id": org,
                "owner_person_id": None,
                "due": due,
                "status": status.value,
                "verdict": verdict.value,
                "created_by_id": 1,
                "escalated_at": escalated,
                "created_at": created,
                "updated_at": created,
            }

    def outbox(self) -> Iterator[dict[str, Any]]:
        people = self.shape.people
        span = 2 * 365 * 24 * 3600
        for o in range(1, self.shape.rows + 1):
            person = o % people + 1
            at = self.now - timedelta(seconds=3600 + o * 7919 % span)
            roll = o % 100
            if roll < 40:
                kind, subject, slot = Kind.INVITATION, f"meeting:{o % self.past + 1}", ""
            elif roll < 55:
                kind, subject, slot = Kind.REMINDER, f"meeting:{o % self.past + 1}", f"1d-{o}"
            elif roll < 80:
                kind, subject = Kind.NUDGE, f"action:{o % self.shape.rows + 1}"
                slot = ("before", "due", "overdue-1", "overdue-2")[o % 4]
            elif roll < 95:
                kind, subject, slot = Kind.BROADCAST, f"broadcast:{o % 500 + 1}", ""
            else:
                kind, subject, slot = Kind.NOTICE, f"meeting:{o % self.past + 1}", f"notice-{o}"
            status = (
                Status.SENT if roll % 20 < 16 else
                Status.UNREACHABLE if roll % 20 < 18 else
                Status.SKIPPED if roll % 20 < 19 else Status.FAILED
            )  # fmt: skip
            not_before = at
            if o <= CLAIMABLE:  # waiting for the dispatcher now
                status, not_before = Status.PENDING, self.now - timedelta(minutes=1)
            elif o % 200 == 3:  # deferred to a later working morning
                status, not_before = Status.PENDING, self.now + timedelta(hours=1 + o % 20)
            sent = status == Status.SENT
            yield {
                "id": o,
                "dedupe_key": dedupe_key(person, kind.value, subject, 0, f"{slot}#{o}"),
                "person_id": person,
                "kind": kind.value,
                "subject": subject,
                "subject_version": 0,
                "slot": slot,
                "payload": {"bench": o},
                "not_before": not_before,
                "expires_at": None,
                "status": status.value,
                "attempts": 0 if status == Status.PENDING else 1,
                "last_error": "chat not found" if status == Status.FAILED else "",
                "channel": "telegram" if sent else "",
                "telegram_message_id": o if sent else None,
                "sent_at": at if sent else None,
                "created_at": at,
                "updated_at": at,
            }


def _org(
    org_id: int, name: str, kind: OrgKind, parent: int | None, created: datetime
) -> dict[str, Any]:
    return {
        "id": org_id,
        "name": name,
        "kind": kind.value,
        "parent_id": parent,
        "timezone": None,
        "created_at": created,
    }


def _fix_sequences(connection: Connection) -> None:
    """Ids were given, so PostgreSQL's sequences must be moved past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("organization", "person", "meeting", "invitation", "action", "outboxmessage"):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def planners(now: datetime) -> list[Any]:
    """The tick's two planners, as ``bot.app`` builds them, on a clock stopped at ``now``."""
    return [meeting_planner(REMINDERS, lambda: now, ZONE), action_planner(lambda: now, ZONE)]


def _warm_up(engine: Engine, province: _Province) -> int:
    """Plan what came due before (as the running bot did) and mark it sent."""
    with engine.begin() as connection:
        (last_id,) = connection.execute(text("SELECT max(id) FROM outboxmessage")).one()
    planned = 0
    for plan in planners(province.now):
        with Session(engine) as session:
            planned += plan(session)
            session.commit()
    sent_at = province.now - timedelta(minutes=5)
    with Session(engine) as session:
        session.execute(
            text(
                "UPDATE outboxmessage SET status = 'sent', attempts = 1, channel = 'telegram', "
                "sent_at = :sent_at WHERE id > :last_id"
            ).bindparams(sent_at=sent_at, last_id=last_id)
        )
        session.commit()
    return planned


def _due_every_tick(connection: Connection, province: _Province, people: list[int]) -> None:
    """The 10 reminders and 100 nudges each tick of the benchmark plans again."""
    now = province.now
    first_meeting = province.shape.meetings + 1
    (first_invitation,) = connection.execute(text("SELECT max(id) FROM invitation")).one()
    (first_action,) = connection.execute(text("SELECT max(id) FROM action")).one()
    tomorrow = now + timedelta(hours=20)
    next_week = now + timedelta(days=6)
    meetings = []
    for n, (starts, created) in enumerate(
        [(tomorrow, now - timedelta(days=10)), (next_week, now - timedelta(days=2))]
    ):
        meetings.append(
            {
                "id": first_meeting + n,
                "title": ("Rakor persiapan bulan penimbangan", "Rakor evaluasi RTL")[n],
                "organiser_id": 1,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=4),
                "timezone": ZONE,
                "venue": "Aula Kantor Bupati",
                "agenda": "",
                "rsvp_deadline": starts - timedelta(days=1 if n == 0 else 3),
                "status": MeetingStatus.SCHEDULED.value,
                "attendance_code": _code(first_meeting + n),
                "audience": "all",
                "created_by_id": 1,
                "minutes": None,
                "closed_at": None,
                "created_at": created,
                "updated_at": created,
            }
        )
    insert(connection, "meeting", meetings)
    coming = people[:DUE_REMINDERS]
    silent = people[DUE_REMINDERS : DUE_REMINDERS + DUE_RSVP_NUDGES]
    rows = [(first_meeting, pid, Answer.HADIR) for pid in coming]
    rows += [(first_meeting + 1, pid, Answer.PENDING) for pid in silent]
    insert(
        connection,
        "invitation",
        (
            {
                "id": first_invitation + n + 1,
                "meeting_id": meeting,
                "person_id": pid,
                "answer": answer.value,
                "answered_at": now - timedelta(days=1) if answer == Answer.HADIR else None,
                "created_at": meetings[meeting - first_meeting]["created_at"],
                "updated_at": now - timedelta(days=1),
            }
            for n, (meeting, pid, answer) in enumerate(rows)
        ),
    )
    today = now.astimezone(ZoneInfo(ZONE)).date()
    owners = people[DUE_REMINDERS + DUE_RSVP_NUDGES :][:DUE_ACTION_NUDGES]
    insert(
        connection,
        "action",
        (
            {
                "id": first_action + n + 1,
                "dedupe_key": f"due|{n}",
                "title": f"Laporan kegiatan {n}",
                "meeting_id": None,
                "owner_org_id": province.due_owner_org,
                "owner_person_id": pid,
                "due": today + timedelta(days=2),
                "status": ReportStatus.BELUM_MULAI.value,
                "created_by_id": 1,
                "escalated_at": None,
                "created_at": now - timedelta(days=30),
                "updated_at": now - timedelta(days=30),
            }
            for n, pid in enumerate(owners)
        ),
    )
    _fix_sequences(connection)


def generate(engine: Engine, shape: Shape, now: datetime) -> Generated:
    """Fill an empty, migrated database (see the module's docstring)."""
    started = time.perf_counter()
    province = _Province(shape, now)
    result = Generated(shape=shape, now=now)
    with engine.begin() as connection:
        for name, rows in (
            ("organization", province.organizations()),
            ("person", province.people()),
            ("meeting", province.meetings()),
            ("invitation", province.invitations()),
            ("action", province.actions()),
            ("outboxmessage", province.outbox()),
        ):
            result.counts[name] = insert(connection, name, rows)
        _fix_sequences(connection)
    _analyze(engine)
    result.warm_up_planned = _warm_up(engine, province)
    people = [
        pid
        for pid in range(len(AGENCIES) + 10, shape.people + 1)
        if province.reachable_on_telegram(pid)
    ]
    needed = DUE_REMINDERS + DUE_RSVP_NUDGES + DUE_ACTION_NUDGES
    if len(people) < needed:
        raise ValueError(f"{shape.people} people are too few for the due set ({needed})")
    result.telegram_people = people
    with engine.begin() as connection:
        _due_every_tick(connection, province, people[:needed])
    _analyze(engine)
    result.seconds = time.perf_counter() - started
    return result


def _analyze(engine: Engine) -> None:
    """PostgreSQL's autovacuum would gather statistics after such a load; do it now. SQLite is
    left as a deployment leaves it (nothing runs ANALYZE there)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
