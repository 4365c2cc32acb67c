"""Server time of the web UI's heaviest pages: queues at 1,000,000 tickets and a ticket with 200 messages.

Run by hand: `.venv/bin/python benchmarks/ui_pages.py [--db sqlite,postgresql] [--tickets 1000000]
[--shape lines,nolines] [--keep DIR] [--profile PAGE]`.
Target: p95 <= 50 ms per page. Each request goes through the whole ASGI app in process (routing, session
check, queries, Jinja rendering, security headers), without a network hop, so the figure is server time.
Tickets are bulk-loaded with the generator of benchmarks/queue_view.py (same distribution); every
unsolved, not pending ticket also gets SLA clocks (policy, due times from 1 day overdue to 2 days ahead,
so queues show breached, at-risk and healthy rows), and the long ticket runs on a business-hours calendar.
Two data shapes (`--shape`): `lines`, teams and their tickets on lines L1-L3 (4/2/2 teams); `nolines`, a desk
without lines (one line or none: every team's and ticket's line is empty, so the line queues are empty).

Columns: p50/p95/p99 of server time; CPU ms: this process's CPU time (user + system) over the timed
requests divided by their number (it counts the in-process test client too, about 0.3 ms a request);
DB CPU: the same for the PostgreSQL server and its backends (SQLite runs inside this process).
`--keep DIR` keeps the SQLite database in DIR (PostgreSQL: leaves its server running) and reuses it on
the next run (no reload);
`--profile PATH` prints a pyinstrument profile of 50 requests to one page instead of timing.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np
import psycopg
from _common import database, process_tree_cpu
from fastapi.testclient import TestClient
from queue_view import Desk, create_desk, load_postgresql, load_sqlite
from sqlalchemy import select

from frontline.accounts.auth import issue_token
from frontline.accounts.models import Team, TeamMember, TokenKind, User
from frontline.accounts.principal import Principal
from frontline.api.app import create_app
from frontline.kit.db import get_database
from frontline.kit.migrate import upgrade
from frontline.kit.settings import Settings
from frontline.sla.models import Calendar, Policy
from frontline.tickets.access import access_ticket
from frontline.tickets.create import create_ticket
from frontline.tickets.messages import add_agent_message, add_customer_message
from frontline.tickets.schemas import MessageCreate, TicketCreate
from tests.support.postgres import start_postgres

REPETITIONS = 200


def session_cookie(url: str, user_id: int) -> str:
    with get_database(url).session() as db:
        user = db.get(User, user_id)
        assert user is not None
        return issue_token(db, user, name="bench", kind=TokenKind.session)[1]


def sla_setup(url: str) -> int:
    """A business-hours calendar and a policy every new ticket matches; returns the policy id."""
    with get_database(url).session() as db:
        calendar = Calendar(name="Office", timezone="Europe/Berlin", weekly_hours={"mon-fri": "09:00-18:00"})
        db.add(calendar)
        db.flush()
        policy = Policy(name="Standard", position=1, first_response_minutes=240, next_response_minutes=480,
                        resolution_minutes=2400, calendar_id=calendar.id, warn_before_minutes=60)
        db.add(policy)
        db.flush()
        return policy.id


def sla_rows_sql(postgres: bool, policy_id: int, now: datetime) -> str:
    """SLA clocks for the generated unsolved tickets: due from 24 h overdue to 48 h ahead of `now`."""
    offset = "((t.id * 2246822519) % 259200) - 86400"
    epoch = int(now.timestamp())
    if postgres:
        due = f"to_timestamp({epoch} + {offset})"
        pauses = "'[]'::jsonb"
    else:
        due = f"(datetime({epoch} + {offset}, 'unixepoch') || '.000000')"
        pauses = "'[]'"
    return (f"INSERT INTO ticket_sla (ticket_id, policy_id, started_at, pauses, first_response_due, resolution_due, "
            f"next_due) SELECT t.id, {policy_id}, t.created_at, {pauses}, {due}, {due}, {due} FROM ticket t "
            f"WHERE t.status IN ('new', 'open', 'on_hold') AND NOT EXISTS "
            f"(SELECT 1 FROM ticket_sla s WHERE s.ticket_id = t.id)")


def lines_sql(first_team_id: int) -> list[str]:
    """Teams 0-3 work on L1, 4-5 on L2, 6-7 on L3; their tickets sit on the team's line."""
    case = (f"CASE WHEN {{col}} < {first_team_id + 4} THEN 'L1' WHEN {{col}} < {first_team_id + 6} THEN 'L2' "
            f"ELSE 'L3' END")
    return [f"UPDATE team SET line = {case.format(col='id')}",
            f"UPDATE ticket SET line = {case.format(col='team_id')}"]


def load_sla_and_lines(url: str, policy_id: int, first_team_id: int, shape: str) -> None:
    statements = [*(lines_sql(first_team_id) if shape == "lines" else []),
                  sla_rows_sql(url.startswith("postgresql"), policy_id, datetime.now(UTC))]
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")
        for sql in statements:
            conn.execute(sql)
        conn.execute("ANALYZE")
        conn.close()
    else:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as pg:
            pg.execute("SET session_replication_role = replica")
            for sql in statements:
                pg.execute(sql)
            pg.execute("VACUUM ANALYZE ticket")
            pg.execute("VACUUM ANALYZE ticket_sla")


def long_ticket(url: str, team_id: int, agent_id: int, messages: int) -> int:
    """A ticket whose conversation has `messages` entries (customer, reply and note, in turn)."""
    agent = Principal(user_id=agent_id, role="agent", team_ids=frozenset({team_id}))
    with get_database(url).session() as db:
        new = create_ticket(db, agent, TicketCreate.model_validate({
            "subject": "Long conversation", "description": "First message",
            "customer": {"email": "long@client.example", "name": "Long Talker"}, "team_id": team_id}))
        ticket = access_ticket(db, agent, new.id)
        for n in range(messages - 1):
            if n % 3 == 0:
                add_customer_message(db, ticket, f"Customer follow-up {n}: still broken " * 5, None,
                                     channel=ticket.channel)
            else:
                kind = "reply" if n % 3 == 1 else "note"
                add_agent_message(db, ticket, MessageCreate(kind=kind, body_text=f"Agent answer {n} " * 8,
                                                            body_html=f"<p>Agent <b>answer</b> {n}</p>"), agent)
    return new.id


class ServerClock:
    """ASGI wrapper timing each request inside the server: from the call into the app until the last
    byte of the response is handed over (the test client's own thread hops are not counted)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.samples.append((time.perf_counter() - started) * 1000)


POSTMASTER: list[int] = []  # the PostgreSQL server's pid, when measuring on PostgreSQL


def postmaster_pid(url: str) -> int:
    """The pid of the server behind `url` (its backends are its children), from postmaster.pid."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    return int((Path(row[0]) / "postmaster.pid").read_text().split()[0])


Timing = tuple[list[float], float, float | None]


def timed(client: TestClient, clock: ServerClock, path: str) -> Timing | None:
    """Server milliseconds of each request, then CPU milliseconds per request of this process and of the
    PostgreSQL server (None on SQLite, which runs inside this process). None: no such page."""
    if client.get(path).status_code == 404:
        return None
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    clock.samples.clear()
    cpu = time.process_time()
    db_cpu = process_tree_cpu(POSTMASTER[0]) if POSTMASTER else 0.0
    for _ in range(REPETITIONS):
        assert client.get(path).status_code == 200
    app_ms = (time.process_time() - cpu) * 1000 / REPETITIONS
    db_ms = (process_tree_cpu(POSTMASTER[0]) - db_cpu) * 1000 / REPETITIONS if POSTMASTER else None
    return list(clock.samples), app_ms, db_ms


ONLY: list[str] = []  # --only: labels to run (substrings); empty runs every page


def wanted(label: str) -> bool:
    return not ONLY or any(part in label for part in ONLY)


def report(kind: str, label: str, measured: Timing | None) -> None:
    if measured is None:
        print(f"{kind:<15} {label:<44} (page not found)", flush=True)
        return
    samples, cpu, db_cpu = measured
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    flag = "" if p95 <= 50 else "  > 50 ms"
    db = f"{db_cpu:>7.2f}" if db_cpu is not None else f"{'-':>7}"
    print(f"{kind:<15} {label:<44} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f} {cpu:>7.2f} {db}{flag}", flush=True)


@contextmanager
def uncached_counts() -> Iterator[None]:
    """Sidebar counts computed on every request (they are otherwise reused for a few seconds per session)."""
    from frontline.web import queue_counts

    ttl = queue_counts.COUNT_TTL
    queue_counts.COUNT_TTL = 0
    try:
        yield
    finally:
        queue_counts.COUNT_TTL = ttl


@contextmanager
def prepared(kind: str, tickets: int, keep: str | None, shape: str) -> Iterator[tuple[str, Desk, int]]:
    """A database holding the desk, `tickets` generated tickets with SLA clocks and the long ticket."""
    if keep:
        os.makedirs(keep, exist_ok=True)
        marker = Path(keep) / f"ui-{kind}-{tickets}{'' if shape == 'lines' else '-' + shape}.ready"
        if marker.exists() and kind == "postgresql" and not _reachable(marker.read_text().split()[3]):
            marker.unlink()
        if not marker.exists():
            if kind == "sqlite":
                path = Path(keep) / f"ui-{tickets}{'' if shape == 'lines' else '-' + shape}.db"
                path.unlink(missing_ok=True)
                url = f"sqlite:///{path}"
            else:  # a server left running for the next run (stop it with pg_ctl, or by the pid it prints)
                server = start_postgres()
                url = server.create_database("bench")
                print(f"PostgreSQL kept running: {url}, data in {server.root}", flush=True)
            upgrade(url)
            filled, long_id = fill(kind, url, tickets, shape)
            marker.write_text(f"{filled.first_team_id} {filled.first_agent_id} {long_id} {url}")
        first_team, first_agent, long_ticket_id, kept_url = marker.read_text().split()
        yield kept_url, Desk(int(first_team), int(first_agent), Principal(), Principal()), int(long_ticket_id)
        return
    with database(kind) as url:
        desk, ticket_id = fill(kind, url, tickets, shape)
        yield url, desk, ticket_id


def _reachable(url: str) -> bool:
    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def fill(kind: str, url: str, tickets: int, shape: str) -> tuple[Desk, int]:
    desk = create_desk(get_database(url))
    with get_database(url).session() as db:  # the measured agent's memberships, as in queue_view's Desk
        db.add_all([TeamMember(team_id=t, user_id=desk.first_agent_id) for t in desk.agent.team_ids])
    loader: Callable[..., None] = load_sqlite if kind == "sqlite" else load_postgresql
    started = time.perf_counter()
    loader(url, desk, 1, tickets)
    policy_id = sla_setup(url)
    load_sla_and_lines(url, policy_id, desk.first_team_id, shape)
    print(f"{kind} ({shape}): loaded {tickets:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)
    create_app(Settings(database_url=url, jobs_in_process=False, log_json=False))  # installs the SLA listeners
    return desk, long_ticket(url, desk.first_team_id, desk.first_agent_id, 200)


async def _inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def profile(client: TestClient, clock: ServerClock, path: str) -> None:
    """A pyinstrument profile (`pip install pyinstrument`) of 50 requests. Sync endpoints and dependencies
    run inline on the event loop for it, so the one profiled thread sees the page's own work."""
    import fastapi.dependencies.utils
    import fastapi.routing
    from pyinstrument import Profiler

    fastapi.routing.run_in_threadpool = _inline
    fastapi.dependencies.utils.run_in_threadpool = _inline
    for _ in range(5):
        client.get(path)
    profiler = Profiler(interval=0.0005)
    app = clock.app

    async def profiled(scope: Any, receive: Any, send: Any) -> None:
        profiler.start()
        try:
            await app(scope, receive, send)
        finally:
            profiler.stop()

    clock.app = profiled
    for _ in range(50):
        client.get(path)
    clock.app = app
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def pages(ticket_id: int, agent: str, supervisor: str) -> list[tuple[str, str, str, bool]]:
    """(label, path, session cookie, counts cache on) of every measured page."""
    return [
        ("ticket page, 200 messages", f"/ui/tickets/{ticket_id}", agent, True),
        ("queue: team unassigned (agent)", "/ui/queues/unassigned", agent, True),
        ("queue: all open, by priority (agent)", "/ui/queues/all?status=open", agent, True),
        ("queue: L1 by priority (agent)", "/ui/queues/l1", agent, True),
        ("queue: L1 by SLA due (agent)", "/ui/queues/l1?sort=due", agent, True),
        ("queue: SLA at risk (agent)", "/ui/queues/sla", agent, True),
        ("sidebar counts (capped counts, agent)", "/ui/counts", agent, True),
        ("sidebar counts, cache off (agent)", "/ui/counts", agent, False),
        ("queue: all open, priority (supervisor)", "/ui/queues/all?status=open", supervisor, True),
        ("queue: all, newest first (supervisor)", "/ui/queues/all?sort=-created", supervisor, True),
        ("queue: L1 by priority (supervisor)", "/ui/queues/l1", supervisor, True),
        ("queue: SLA at risk (supervisor)", "/ui/queues/sla", supervisor, True),
        ("sidebar counts (supervisor)", "/ui/counts", supervisor, True),
        ("sidebar counts, cache off (supervisor)", "/ui/counts", supervisor, False),
    ]


def run(kind: str, tickets: int, keep: str | None, profile_path: str | None, shape: str) -> None:
    with prepared(kind, tickets, keep, shape) as (url, desk, ticket_id), TemporaryDirectory() as tmp:
        with get_database(url).session() as db:
            supervisor_id = db.scalar(select(User.id).where(User.role == "supervisor"))
            assert db.scalar(select(Team.id).where(Team.id == desk.first_team_id)) is not None
        POSTMASTER[:] = [postmaster_pid(url)] if kind == "postgresql" else []
        settings = Settings(database_url=url, data_dir=Path(tmp), jobs_in_process=False, log_json=False)
        clock = ServerClock(create_app(settings))
        with TestClient(clock) as client:
            client.cookies.set("fl_session", session_cookie(url, desk.first_agent_id))
            if profile_path:
                profile(client, clock, profile_path.replace("{ticket}", str(ticket_id)))
                return
            agent_cookie = client.cookies.get("fl_session")
            boss_cookie = session_cookie(url, supervisor_id or 0)
            for label, path, cookie, cached in pages(ticket_id, agent_cookie or "", boss_cookie):
                if not wanted(label):
                    continue
                client.cookies.set("fl_session", cookie)
                with nullcontext() if cached else uncached_counts():
                    report(f"{kind[:6]}/{shape}", label, timed(client, clock, path))
        get_database(url).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--keep", help="keep (and reuse) the SQLite database in this folder")
    parser.add_argument("--profile", help="profile this page instead of timing ({ticket}: the long ticket)")
    parser.add_argument("--shape", default="lines,nolines", help="data shapes: lines, nolines (desk without lines)")
    parser.add_argument("--only", default="", help="comma-separated parts of page labels to run (default: all)")
    args = parser.parse_args()
    ONLY.extend(part for part in args.only.split(",") if part)
    print(f"{'db/shape':<15} {'page':<44} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'DB CPU':>7}")
    for shape in args.shape.split(","):
        if shape not in ("lines", "nolines"):
            parser.error(f"unknown shape {shape!r}")
        for kind in args.db.split(","):
            run(kind, args.tickets, args.keep, args.profile, shape)


if __name__ == "__main__":
    main()
