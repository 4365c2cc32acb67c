"""Server time of the web UI's heaviest pages: a queue at 1,000,000 tickets and a ticket with 200 messages.

Run by hand: `.venv/bin/python benchmarks/ui_pages.py [--db sqlite,postgresql] [--tickets 1000000]`.
Target: p95 <= 50 ms per page. Each request goes through the whole ASGI app in process (routing, session
check, queries, Jinja rendering, security headers), without a network hop, so the figure is server time.
Tickets are bulk-loaded with the generator of benchmarks/queue_view.py (same distribution).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np
from _common import database
from fastapi.testclient import TestClient
from queue_view import create_desk, load_postgresql, load_sqlite
from sqlalchemy import select

from frontline.accounts.auth import issue_token
from frontline.accounts.models import TeamMember, TokenKind, User
from frontline.api.app import create_app
from frontline.kit.db import get_database
from frontline.kit.settings import Settings
from frontline.tickets.access import access_ticket
from frontline.tickets.create import create_ticket
from frontline.tickets.messages import add_agent_message, add_customer_message
from frontline.tickets.schemas import MessageCreate, TicketCreate

REPETITIONS = 200


def session_cookie(url: str, user_id: int) -> str:
    with get_database(url).session() as db:
        user = db.get(User, user_id)
        assert user is not None
        return issue_token(db, user, name="bench", kind=TokenKind.session)[1]


def long_ticket(url: str, team_id: int, agent_id: int, messages: int) -> int:
    """A ticket whose conversation has `messages` entries (customer, reply and note, in turn)."""
    from frontline.accounts.principal import Principal

    agent = Principal(user_id=agent_id, role="agent", team_ids=frozenset({team_id}))
    with get_database(url).session() as db:
        new = create_ticket(db, agent, TicketCreate.model_validate({
            "subject": "Long conversation", "description": "First message",
            "customer": {"email": "long@client.example", "name": "Long Talker"}, "team_id": team_id}))
        ticket = access_ticket(db, agent, new.id)
        for n in range(messages - 1):
            if n % 3 == 0:
                add_customer_message(db, ticket, f"Customer follow-up {n}: still broken " * 5, None)
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


def timed(client: TestClient, clock: ServerClock, path: str) -> list[float]:
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    clock.samples.clear()
    for _ in range(REPETITIONS):
        assert client.get(path).status_code == 200
    return list(clock.samples)


def report(kind: str, label: str, samples: list[float]) -> None:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    flag = "" if p95 <= 50 else "  > 50 ms"
    print(f"{kind:<11} {label:<44} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f}{flag}", flush=True)


def run(kind: str, tickets: int) -> None:
    with database(kind) as url, TemporaryDirectory() as tmp:
        desk = create_desk(get_database(url))
        with get_database(url).session() as db:  # the measured agent's memberships, as in queue_view's Desk
            db.add_all([TeamMember(team_id=t, user_id=desk.first_agent_id) for t in desk.agent.team_ids])
        loader: Callable[..., None] = load_sqlite if kind == "sqlite" else load_postgresql
        started = time.perf_counter()
        loader(url, desk, 1, tickets)
        print(f"{kind}: loaded {tickets:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)
        ticket_id = long_ticket(url, desk.first_team_id, desk.first_agent_id, 200)
        with get_database(url).session() as db:
            supervisor_id = db.scalar(select(User.id).where(User.role == "supervisor"))
        settings = Settings(database_url=url, data_dir=Path(tmp), jobs_in_process=False, log_json=False)
        clock = ServerClock(create_app(settings))
        with TestClient(clock) as client:
            client.cookies.set("fl_session", session_cookie(url, desk.first_agent_id))
            report(kind, "ticket page, 200 messages", timed(client, clock, f"/ui/tickets/{ticket_id}"))
            report(kind, "queue: team unassigned (agent)", timed(client, clock, "/ui/queues/unassigned"))
            report(kind, "queue: all open, by priority (agent)", timed(client, clock, "/ui/queues/all?status=open"))
            report(kind, "sidebar counts (7 capped counts, agent)", timed(client, clock, "/ui/counts"))
            client.cookies.set("fl_session", session_cookie(url, supervisor_id or 0))
            report(kind, "queue: all open, priority (supervisor)", timed(client, clock, "/ui/queues/all?status=open"))
            report(kind, "queue: all, newest first (supervisor)", timed(client, clock, "/ui/queues/all?sort=-created"))
        get_database(url).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"{'database':<11} {'page':<44} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for kind in args.db.split(","):
        run(kind, args.tickets)


if __name__ == "__main__":
    main()
