"""What a tick costs against what is stored: the planners and the dispatcher's claim (issue 15).

Run:  .venv/bin/python -m bench.scale [--sizes 1000,10000,100000] [--ticks 5] [--plot PATH]
      .venv/bin/python -m bench.scale --rss        (memory of `pokjanal run`)
      .venv/bin/python -m bench.scale --latency    (replies while it ticks)

For each size N a fresh database gets N invitations, N actions and N outbox rows, almost none
of them due, and the same 10 reminders and 100 nudges due at every tick (``bench.scale_data``).
Then, ``--ticks`` times, the meeting planner, the action planner and the claim each run in their
own transaction, which is rolled back (every tick sees the same state); the medians are printed
per database as issue 15's table, with the query plans of every distinct statement at the
largest size (a full scan of invitations, actions or the outbox is marked), and drawn against N
on a log-log plot. SQLite always; PostgreSQL too when Debian's binaries are there (a throwaway
server, as ``tests/pg`` starts it). A tick that costs what is due stays flat as N grows.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.scale_data import (
    CLAIMABLE,
    DUE_ACTION_NUDGES,
    DUE_REMINDERS,
    DUE_RSVP_NUDGES,
    Generated,
    Shape,
    generate,
    planners,
)
from bot.database import open_database
from models.outbox import claim_due
from scheduler.dispatcher import DispatchConfig
from tests.pg.server import PostgresServer, PostgresUnavailable, throwaway_server
from tests.query_plans import Captured, captured_statements, explain

NOW = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)  # a Tuesday, 09.00 WIB
ROOT = Path(__file__).resolve().parent.parent
WORKS = ("meeting planner", "action planner", "claim")


@dataclass
class Result:
    database: str
    rows: int
    ticks: int
    seconds: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    generated: Generated | None = None

    def median_ms(self, work: str) -> float:
        return statistics.median(self.seconds[work]) * 1000

    @property
    def total_ms(self) -> float:
        return sum(self.median_ms(work) for work in WORKS)


def _rolled_back_sessions(engine: Engine) -> None:
    """The claim commits; to roll it back too, each tick's session works in a SAVEPOINT of an
    outer transaction. SQLite's Python driver starts transactions lazily and would let the
    savepoint's release commit, so on SQLite the transaction is begun explicitly (SQLAlchemy's
    documented recipe; only this benchmark's engine is changed)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def timed(engine: Engine, work: Callable[[Session], int]) -> tuple[float, int]:
    """Run ``work`` in a transaction that is rolled back afterwards; seconds and its count."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
                started = time.perf_counter()
                count = work(session)
                session.flush()
                elapsed = time.perf_counter() - started
        finally:
            outer.rollback()
    return elapsed, count


def _fingerprint(engine: Engine) -> tuple[Any, ...]:
    """What a tick would change if it were not rolled back."""
    with engine.connect() as connection:
        return tuple(
            connection.execute(text(query)).scalar()
            for query in (
                "SELECT count(*) FROM outboxmessage",
                "SELECT count(*) FROM outboxmessage WHERE status = 'pending'",
                "SELECT count(*) FROM action WHERE escalated_at IS NOT NULL",
            )
        )


def works(now: datetime) -> dict[str, Callable[[Session], int]]:
    """The three pieces of a tick, each returning how many rows it planned or claimed."""
    meeting, action = planners(now)
    config = DispatchConfig()

    def claim(session: Session) -> int:
        ids = claim_due(
            session, now=now, limit=config.batch, worker="bench.scale", lease=config.lease
        )
        return len(ids)

    return {"meeting planner": meeting, "action planner": action, "claim": claim}


def measure(engine: Engine, database: str, generated: Generated, ticks: int) -> Result:
    result = Result(database, generated.shape.rows, ticks, generated=generated)
    before = _fingerprint(engine)
    for _ in range(ticks):
        for name, work in works(generated.now).items():
            seconds, count = timed(engine, work)
            result.seconds.setdefault(name, []).append(seconds)
            if result.counts.setdefault(name, count) != count:
                raise AssertionError(
                    f"{name}: {count} rows this tick, {result.counts[name]} before"
                )
    if _fingerprint(engine) != before:
        raise AssertionError("a tick was not rolled back: the ticks did not see the same state")
    return result


# ------------------------------------------------------------------------------ query plans


def _short(statement: str) -> str:
    """The statement without its column list and long IN lists: what the plan is about."""
    one_line = " ".join(statement.split())
    one_line = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", one_line)
    one_line = re.sub(r"^INSERT INTO (\w+) \(.*", r"INSERT INTO \1 (…) VALUES …", one_line)
    parameter = r"(?:\?|%\(\w+\)s(?:::\w+)?)"  # SQLite's ?, psycopg's %(name)s::TYPE
    one_line = re.sub(rf"\({parameter}(?:, {parameter})+\)", "(…)", one_line)
    return one_line[:240]


def plans_report(engine: Engine, now: datetime) -> list[str]:
    """Every distinct statement one tick sends, once, with its plan (``tests.query_plans``)."""
    lines: list[str] = []
    for name, work in works(now).items():
        with captured_statements(engine) as seen:
            timed(engine, work)
        distinct: dict[str, Captured] = {}
        sent: dict[str, int] = {}
        for item in seen:
            distinct.setdefault(item.statement, item)
            sent[item.statement] = sent.get(item.statement, 0) + 1
        explained = explain(engine, list(distinct.values()))
        scans = sum(1 for e in explained if e.full_scans())
        lines.append(
            f"{name}: {len(seen)} statements, {len(distinct)} distinct, "
            f"{scans} with a full scan of a big table"
        )
        for e in explained:
            marker = "FULL SCAN " if e.full_scans() else ""
            lines.append(f"  {marker}[x{sent[e.statement]}] {_short(e.statement)}")
            lines.extend(f"      {step}" for step in e.plan)
    return lines


# ------------------------------------------------------------------------------ databases


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="pokjanal-scale-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'scale.db'}"


@contextlib.contextmanager
def postgres_database(server: PostgresServer, rows: int) -> Iterator[str]:
    name = f"scale_{os.getpid()}_{rows}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


def run_size(url: str, database: str, rows: int, ticks: int, plans: bool) -> Result:
    engine = open_database(url)
    generated = generate(engine, Shape.of(rows), NOW)
    engine.dispose()
    engine = open_database(url, upgrade=False)
    _rolled_back_sessions(engine)
    try:
        result = measure(engine, database, generated, ticks)
        if plans:
            print(f"\nQuery plans at N={rows:,} on {database}:")
            if database == "postgresql":
                print("(explained with enable_seqscan off: a Seq Scan left is one no index serves)")
            print("\n".join(plans_report(engine, generated.now)))
    finally:
        engine.dispose()
    return result


# ------------------------------------------------------------------------------ output


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def table(results: list[Result]) -> list[str]:
    lines = []
    for database in dict.fromkeys(r.database for r in results):
        rows = [r for r in results if r.database == database]
        lines += [
            f"\n{database} (median of {rows[0].ticks} tick(s) each):",
            "| N | meeting planner | action planner | claim | total |",
            "|---|---|---|---|---|",
        ]
        for r in rows:
            cells = " | ".join(_ms(r.median_ms(work)) for work in WORKS)
            lines.append(f"| {r.rows:,} | {cells} | {_ms(r.total_ms)} |")
    return lines


def plot(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    styles = {"sqlite": "-", "postgresql": "--"}
    markers = {"meeting planner": "o", "action planner": "s", "claim": "^"}
    for database in dict.fromkeys(r.database for r in results):
        rows = [r for r in results if r.database == database]
        for work in WORKS:
            axes.plot(
                [r.rows for r in rows],
                [r.median_ms(work) for r in rows],
                linestyle=styles.get(database, ":"),
                marker=markers[work],
                label=f"{work} ({database})",
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("N (invitations = actions = outbox rows)")
    axes.set_ylabel("tick cost, median (ms)")
    axes.set_title(f"Tick cost against rows stored ({os.cpu_count()} CPUs, {platform.machine()})")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs {model or platform.machine()}, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    )


def ticks_benchmark(args: argparse.Namespace) -> None:
    sizes = [int(size) for size in args.sizes.split(",") if size]
    databases = [d for d in args.databases.split(",") if d]
    results: list[Result] = []
    print(f"bench.scale on {machine()}")
    print(
        f"each tick plans {DUE_REMINDERS} reminders + {DUE_RSVP_NUDGES} RSVP nudges (meeting "
        f"planner) and {DUE_ACTION_NUDGES} action nudges, and claims {CLAIMABLE} rows"
    )

    def one(url: str, database: str, rows: int, largest: int) -> None:
        result = run_size(url, database, rows, args.ticks, args.plans and rows == largest)
        assert result.generated is not None
        print(
            f"{database} N={rows:,}: generated in {result.generated.seconds:.1f} s "
            f"({result.generated.shape.people:,} people, {result.generated.shape.meetings:,} "
            f"meetings, {result.generated.warm_up_planned:,} rows planned before); "
            f"per tick planned/claimed {result.counts}; "
            + ", ".join(f"{work} {_ms(result.median_ms(work))}" for work in WORKS),
            flush=True,
        )
        results.append(result)

    if "sqlite" in databases:
        for rows in sizes:
            with sqlite_database() as url:
                one(url, "sqlite", rows, max(sizes))
    if "postgresql" in databases:
        pg_sizes = [s for s in sizes if s <= args.pg_max] or sizes[:1]
        try:
            with throwaway_server() as server:
                for rows in pg_sizes:
                    with postgres_database(server, rows) as url:
                        one(url, "postgresql", rows, max(pg_sizes))
        except PostgresUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}")
    print("\n".join(table(results)))
    if args.plot and results:
        plot(results, Path(args.plot))
        print(f"\nplot: {args.plot}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="N values, comma-separated (1M: 1000000)"
    )
    parser.add_argument("--ticks", type=int, default=5, help="timed ticks per size (median)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-max", type=int, default=100_000, help="largest N run on PostgreSQL")
    parser.add_argument("--plot", default=str(ROOT / "artifacts" / "scale.png"))
    parser.add_argument("--no-plans", dest="plans", action="store_false")
    parser.add_argument("--rss", action="store_true", help="memory of `pokjanal run` instead")
    parser.add_argument("--latency", action="store_true", help="reply latency during ticks")
    parser.add_argument("--seconds", type=float, default=60, help="--rss/--latency duration")
    parser.add_argument(
        "--run-rows", type=int, default=100_000, help="--rss/--latency: N (people: N/2 for --rss)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.rss or args.latency:
        from bench.scale_run import run_modes

        run_modes(args)
    else:
        ticks_benchmark(args)
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
