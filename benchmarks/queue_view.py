"""The agent queue (one team, status open, most urgent then longest waiting) at 10k, 100k and 1M tickets.

Run by hand: `.venv/bin/python benchmarks/queue_view.py [--db sqlite,postgresql] [--sizes 10000,100000,1000000]`.
Target: p95 <= 30 ms on both databases for the first page and for a page deep in the queue, and flat from
10k to 1M tickets. Timed through `list_tickets`, the function the API and the UI call, with a warm cache.

Tickets are generated inside the database (recursive CTE on SQLite, generate_series on PostgreSQL) from
a multiplicative hash of the row number, so both databases hold the same distribution and a million rows
load in seconds. The table grows in steps (10k, measure, up to 100k, measure, ...) to save loading time.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from _common import database
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from frontline.accounts.models import Team, User
from frontline.accounts.principal import Principal
from frontline.kit import pagination
from frontline.kit.db import Database, get_database
from frontline.tickets.models import Ticket
from frontline.tickets.query import SORTS, TicketFilter, list_tickets

# Shares in percent (each list sums to 100). The queue measured is team 0 / open: about 2% of all tickets.
TEAM_SHARES = [24, 18, 15, 12, 10, 9, 7, 5]
STATUS_SHARES = [("closed", 52), ("solved", 28), ("open", 9), ("pending", 5), ("on_hold", 3), ("new", 3)]
PRIORITY_SHARES = [(0, 15), (1, 62), (2, 17), (3, 6)]
CHANNEL_SHARES = [("email", 45), ("web", 20), ("chat", 15), ("phone", 8), ("portal", 7), ("api", 3), ("telegram", 2)]
AGENTS_PER_TEAM = 5
UNASSIGNED_PERCENT = 8
START_EPOCH = 1672531200  # 2023-01-01T00:00:00Z; tickets spread over the two years after it
SPAN_SECONDS = 2 * 365 * 24 * 3600
DEEP_FRACTIONS = np.linspace(0.75, 0.85, 20)  # deep-page cursors, cycled through the repetitions


@dataclass(frozen=True)
class Desk:
    """The fixed people and teams the generated tickets refer to."""

    first_team_id: int
    first_agent_id: int
    supervisor: Principal
    agent: Principal

    @property
    def queue_team_id(self) -> int:
        return self.first_team_id


@dataclass(frozen=True)
class Measurement:
    kind: str
    tickets: int
    queue_rows: int
    query: str
    role: str
    timings_ms: Sequence[float]

    def row(self) -> str:
        p50, p95, p99 = np.percentile(self.timings_ms, [50, 95, 99])
        flag = "" if p95 <= 30 else "  > 30 ms"
        return (f"{self.kind:<11} {self.tickets:>9,} {self.queue_rows:>7,} {self.query:<11} {self.role:<11} "
                f"{p50:>7.2f} {p95:>7.2f} {p99:>7.2f}{flag}")


# ---------------------------------------------------------------- data generation


def _hash_percent(multiplier: int) -> str:
    """A pseudo-random 0..99 from the row number `i`: the high bits of a 32-bit multiplicative hash.
    Deterministic, so one expression can be used twice in a row and means the same draw."""
    return f"(((i * {multiplier}) % 4294967296) / 65536 % 100)"


def _bucket(draw: str, shares: Sequence[tuple[Any, int]]) -> str:
    """CASE expression mapping a 0..99 draw to the value whose share covers it."""
    whens, upto = [], 0
    for value, share in shares[:-1]:
        upto += share
        whens.append(f"WHEN {draw} < {upto} THEN {_literal(value)}")
    return f"CASE {' '.join(whens)} ELSE {_literal(shares[-1][0])} END"


def _literal(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(int(value))


def _ticket_select(desk: Desk, created_at: Callable[[str], str]) -> str:
    """Column list and SELECT expressions (over a series column `i`) shared by both databases."""
    team_index = _bucket(_hash_percent(2654435761), list(enumerate(TEAM_SHARES)))
    status_draw = _hash_percent(2246822519)
    assignee_draw = _hash_percent(668265263)
    new_from = 100 - STATUS_SHARES[-1][1]  # 'new' is the last bucket: nobody has picked it up yet
    assignee = (f"CASE WHEN {status_draw} >= {new_from} OR {assignee_draw} < {UNASSIGNED_PERCENT} THEN NULL "
                f"ELSE {desk.first_agent_id} + ({team_index}) * {AGENTS_PER_TEAM} "
                f"+ {assignee_draw} % {AGENTS_PER_TEAM} END")
    created = created_at(f"{START_EPOCH} + ((i * 374761393) % 4294967296) % {SPAN_SECONDS}")
    columns = {
        "subject": "'Queue benchmark ticket ' || i",
        "status": _bucket(status_draw, STATUS_SHARES),
        "priority": _bucket(_hash_percent(3266489917), PRIORITY_SHARES),
        "channel": _bucket(_hash_percent(2654435769), CHANNEL_SHARES),
        "team_id": f"{desk.first_team_id} + {team_index}",
        "assignee_id": assignee,
        "created_at": created,
        "updated_at": created,
        "reopen_count": "0",
    }
    return f"({', '.join(columns)}) SELECT {', '.join(columns.values())}"


def load_sqlite(url: str, desk: Desk, first: int, last: int) -> None:
    """Rows `first`..`last` in one INSERT ... SELECT over a recursive CTE (no Python per row)."""
    conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        body = _ticket_select(desk, lambda secs: f"(datetime({secs}, 'unixepoch') || '.000000')")
        conn.execute("BEGIN")
        conn.execute(f"WITH RECURSIVE n(i) AS (SELECT {int(first)} UNION ALL SELECT i + 1 FROM n "
                     f"WHERE i < {int(last)}) INSERT INTO ticket {body} FROM n")
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()


def load_postgresql(url: str, desk: Desk, first: int, last: int) -> None:
    """Rows `first`..`last` in one INSERT ... SELECT over generate_series; foreign-key triggers are
    skipped for the load (the generated ids all exist), then ANALYZE refreshes the planner's statistics."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        body = _ticket_select(desk, lambda secs: f"to_timestamp({secs})")
        conn.execute(f"INSERT INTO ticket {body} "
                     f"FROM generate_series({int(first)}::bigint, {int(last)}::bigint) AS n(i)")
        conn.execute("VACUUM ANALYZE ticket")


def create_desk(db: Database) -> Desk:
    """Eight teams with five agents each, plus a supervisor; ids must be consecutive for the generator."""
    with db.session() as s:
        teams = [Team(name=f"Team {n}") for n in range(len(TEAM_SHARES))]
        s.add_all(teams)
        s.flush()
        agents = [User(email=f"agent{t}.{a}@bench.example", name=f"Agent {t}.{a}", role="agent")
                  for t in range(len(TEAM_SHARES)) for a in range(AGENTS_PER_TEAM)]
        boss = User(email="supervisor@bench.example", name="Supervisor", role="supervisor")
        s.add_all(agents)
        s.flush()
        s.add(boss)
        s.flush()
        team_ids, agent_ids = [t.id for t in teams], [a.id for a in agents]
        if team_ids != list(range(team_ids[0], team_ids[0] + len(teams))) or \
                agent_ids != list(range(agent_ids[0], agent_ids[0] + len(agents))):
            raise RuntimeError("team and agent ids are not consecutive; the generator relies on it")
        # The measured agent works in the queue's team and one other, like most agents do.
        agent = Principal(user_id=agent_ids[0], role="agent", team_ids=frozenset({team_ids[0], team_ids[2]}))
        return Desk(first_team_id=team_ids[0], first_agent_id=agent_ids[0],
                    supervisor=Principal(user_id=boss.id, role="supervisor"), agent=agent)


# ---------------------------------------------------------------- measurement


def queue_filter(desk: Desk) -> TicketFilter:
    return TicketFilter(status=["open"], team_id=[desk.queue_team_id])


def deep_cursors(db: Database, desk: Desk) -> tuple[int, list[str]]:
    """The queue's length and cursors of rows 75-85% of the way down it (found by OFFSET, untimed),
    never so deep that less than a full page follows."""
    key = SORTS["priority"]
    where = [Ticket.team_id == desk.queue_team_id, Ticket.status == "open", Ticket.merged_into_id.is_(None)]
    with db.session(write=False) as s:
        length = s.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
        cursors = []
        for fraction in DEEP_FRACTIONS:
            offset = min(int(length * fraction), length - 51)
            row = s.execute(select(Ticket.priority, Ticket.created_at, Ticket.id).where(*where)
                            .order_by(*pagination.order_by(key)).offset(offset).limit(1)).one()
            cursors.append(pagination.encode_cursor(list(row)))
    return length, cursors


def time_pages(db: Database, principal: Principal, f: TicketFilter, cursors: Sequence[str | None],
               repetitions: int) -> list[float]:
    """Milliseconds per page: one read transaction per call, as an API request does."""
    for cursor in cursors[:5]:  # warm-up: statement cache, connection pool, pages in memory
        with db.session(write=False) as s:
            list_tickets(s, principal, f, sort="priority", cursor=cursor, limit=50)
    timings = []
    for n in range(repetitions):
        cursor = cursors[n % len(cursors)]
        started = time.perf_counter()
        with db.session(write=False) as s:
            rows, _ = list_tickets(s, principal, f, sort="priority", cursor=cursor, limit=50)
        timings.append((time.perf_counter() - started) * 1000)
        if len(rows) != 50:
            raise RuntimeError(f"expected a full page of 50 tickets, got {len(rows)}")
    return timings


def measure(kind: str, tickets: int, db: Database, desk: Desk, repetitions: int) -> list[Measurement]:
    length, cursors = deep_cursors(db, desk)
    f = queue_filter(desk)
    results = []
    with db.session(write=False) as s:  # page 2 is where the unsorted remainder of the queue is largest
        _, second = list_tickets(s, desk.supervisor, f, sort="priority", limit=50)
    for query, page_cursors in (("first page", [None]), ("second page", [second]), ("deep page", cursors)):
        for role, principal in (("supervisor", desk.supervisor), ("agent", desk.agent)):
            timings = time_pages(db, principal, f, page_cursors, repetitions)
            results.append(Measurement(kind, tickets, length, query, role, timings))
    return results


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL and parameters the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(db: Database, desk: Desk, principal: Principal, cursor: str | None) -> str:
    """The plan of exactly the statement `list_tickets` runs (PostgreSQL: with actual timings)."""
    with captured_statements(db.reader) as seen, db.session(write=False) as s:
        list_tickets(s, principal, queue_filter(desk), sort="priority", cursor=cursor, limit=50)
    statement, parameters = seen[-1]
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    with db.reader.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    if db.is_sqlite:
        return "\n".join(f"  {row[-1]}" for row in rows)
    return "\n".join(f"  {row[0]}" for row in rows)


def print_plans(kind: str, db: Database, desk: Desk, tickets: int, show_sql: bool) -> None:
    """The agent's plans for the first page, page 2 and a deep page; optionally the deep page's SQL."""
    _, deep = deep_cursors(db, desk)
    with db.session(write=False) as s:
        _, second = list_tickets(s, desk.agent, queue_filter(desk), sort="priority", limit=50)
    pages = (("first page", None), ("second page", second), ("deep page", deep[len(deep) // 2]))
    for title, cursor in pages:
        print(f"\n{kind} plan at {tickets:,} tickets, {title}, agent:\n{explain(db, desk, desk.agent, cursor)}")
    if show_sql:
        with captured_statements(db.reader) as seen, db.session(write=False) as s:
            list_tickets(s, desk.agent, queue_filter(desk), sort="priority", cursor=deep[0], limit=50)
        print(f"\nSQL: {seen[-1][0]}\nparameters: {seen[-1][1]}")


# ---------------------------------------------------------------- driver


def run_database(kind: str, sizes: Sequence[int], repetitions: int, show_sql: bool) -> list[Measurement]:
    load = load_sqlite if kind == "sqlite" else load_postgresql
    results: list[Measurement] = []
    with database(kind) as url:
        db = get_database(url)
        desk = create_desk(db)
        loaded = 0
        for size in sizes:
            started = time.perf_counter()
            load(url, desk, loaded + 1, size)
            print(f"{kind}: loaded {size - loaded:,} tickets (total {size:,}) in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            loaded = size
            results.extend(measure(kind, size, db, desk, repetitions))
            for m in results[-6:]:
                print(m.row(), flush=True)
        print_plans(kind, db, desk, loaded, show_sql)
        db.dispose()
    return results


HEADER = (f"{'database':<11} {'tickets':>9} {'queue':>7} {'query':<11} {'role':<11} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--show-sql", action="store_true", help="print the deep-page SQL list_tickets sends")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = []
    for kind in args.db.split(","):
        print(HEADER, flush=True)
        results.extend(run_database(kind, sizes, args.repetitions, args.show_sql))
        print()
    print("Summary (queue = open tickets of the measured team):")
    print(HEADER)
    for m in results:
        print(m.row())


if __name__ == "__main__":
    main()
