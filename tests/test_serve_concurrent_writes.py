"""No mix of concurrent writes can freeze a real `frontline serve` (issue 10, section 1).

Anonymous and authenticated API creates, portal messages (API and page), agents' replies and status changes
through the pages (with CSRF) and raw e-mail over HTTP, all at once against 1 and 2 worker processes, while
a probe asks `/healthz` ten times a second. Every request must finish with a non-5xx status (or a 503 that
says when to retry), and `/healthz` must keep answering throughout: no single answer may take as long as
FREEZE_BUDGET (the freeze this guards against never answered again), and the median answer stays under
HEALTH_MEDIAN, so a server whose loop is blocked for most of the run fails even if each answer squeezes in.
The budgets leave room for a shared, loaded 2-core machine (one answer of 1.2 s was seen under load; in one
full-suite run on 2026-12-04, four writes of the 2-worker server answered after more than 10 s while /healthz
kept answering: a queue behind the turn to write, not a freeze, and not seen in runs alone or beside
a CPU hog), while a frozen loop still fails at once: WRITE_TIMEOUT bounds each write. Everything is bounded
by timeouts, so a frozen server fails the test instead of hanging the suite.
"""

from __future__ import annotations

import itertools
import os
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import httpx
import pytest

from frontline.kit.db import Database
from tests.factories import PASSWORD, make_agent
from tests.support.serve import serve_process

HAMMER_SECONDS = 4.0
REQUEST_TIMEOUT = 10.0
WRITE_TIMEOUT = 25.0  # seconds for one write of the hammer (the loop's freeze is the /healthz probe's to catch)
FREEZE_BUDGET = 3.0  # seconds for any one /healthz answer
HEALTH_MEDIAN = 0.25  # seconds, median of all /healthz answers during the run
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
ADMIN = "boss@desk.example"


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    health: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses.setdefault(kind, []).append(response.status_code)
            if response.status_code >= 500 and not (
                    response.status_code == 503 and response.headers.get("retry-after", "").isdigit()):
                self.failures.append(f"{kind}: {response.status_code} {response.text[:200]}")

    def fail(self, kind: str, error: Exception) -> None:
        with self.lock:
            self.failures.append(f"{kind}: {type(error).__name__} {error}")


@dataclass
class Desk:
    token: str
    intake_token: str  # bound to the mailbox: raw mail takes an integration token
    tickets: list[tuple[int, str]]  # (id, customer link token)
    agent: httpx.Client  # logged in through the form
    agent_csrf: str
    visitor: httpx.Client  # a customer's browser on the portal
    visitor_csrf: str


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def _raw_mail(n: int, subject: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Sender {n} <sender{n % 7}@client.example>"
    mail["To"] = "help@desk.example"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="client.example")
    mail.set_content(f"Mail number {n} over HTTP.")
    return mail.as_bytes()


def _prepare(base: str, token: str) -> Desk:
    api = {"Authorization": f"Bearer {token}"}
    made = httpx.post(f"{base}/api/v1/mailboxes", headers=api, timeout=REQUEST_TIMEOUT,
                      json={"name": "help", "address": "help@desk.example"})
    assert made.status_code == 201, made.text
    intake = httpx.post(f"{base}/api/v1/mailboxes/help/tokens", headers=api, timeout=REQUEST_TIMEOUT,
                        json={"name": "relay"})
    assert intake.status_code == 201, intake.text
    tickets = []
    for n in range(4):
        created = httpx.post(f"{base}/api/v1/tickets", headers=api, timeout=REQUEST_TIMEOUT, json={
            "subject": f"Seed {n}", "description": "Seed ticket", "customer": {"email": f"seed{n}@client.example"}})
        assert created.status_code == 201, created.text
        tickets.append((created.json()["id"], created.json()["customer_link"].rsplit("/", 1)[1]))
    agent = httpx.Client(base_url=base, timeout=WRITE_TIMEOUT)
    login_csrf = _csrf(agent.get("/login").text)
    logged_in = agent.post("/login", data={"email": ADMIN, "password": PASSWORD, "csrf": login_csrf})
    assert logged_in.status_code == 303, logged_in.text
    visitor = httpx.Client(base_url=base, timeout=WRITE_TIMEOUT)
    visitor_csrf = _csrf(visitor.get(f"/portal/t/{tickets[0][1]}").text)
    agent_csrf = _csrf(agent.get("/ui/account").text)
    return Desk(token, intake.json()["token"], tickets, agent, agent_csrf, visitor, visitor_csrf)


def _writers(desk: Desk) -> dict[str, Callable[[httpx.Client, int], httpx.Response]]:
    auth = {"Authorization": f"Bearer {desk.token}"}

    def ticket(n: int) -> tuple[int, str]:
        return desk.tickets[n % len(desk.tickets)]

    def create(c: httpx.Client, n: int) -> httpx.Response:
        return c.post("/api/v1/tickets", headers=auth, json={
            "subject": f"Load {n}", "description": "Mixed load", "customer": {"email": f"c{n % 50}@client.example"}})

    def create_anonymous(c: httpx.Client, n: int) -> httpx.Response:
        headers = {"Authorization": "Bearer fl_not-a-token"} if n % 2 else {}
        return c.post("/api/v1/tickets", headers=headers, json={"subject": "Anon", "description": "x"})

    def portal_api(c: httpx.Client, n: int) -> httpx.Response:
        link = ticket(n)[1] if n % 3 else "not-a-link"
        return c.post(f"/api/v1/portal/{link}/messages", json={"body_text": f"Customer says {n}"})

    def portal_page(_c: httpx.Client, n: int) -> httpx.Response:
        return desk.visitor.post(f"/portal/t/{desk.tickets[0][1]}/reply",
                                 data={"body": f"Portal reply {n}", "csrf": desk.visitor_csrf})

    def ui_reply(_c: httpx.Client, n: int) -> httpx.Response:
        return desk.agent.post(f"/ui/tickets/{ticket(n)[0]}/reply",
                               data={"body": f"Agent reply {n}", "kind": "reply", "csrf": desk.agent_csrf})

    def ui_status(_c: httpx.Client, n: int) -> httpx.Response:
        return desk.agent.post(f"/ui/tickets/{ticket(n)[0]}/fields", data={
            "status": "pending" if n % 2 else "open", "priority": "normal", "csrf": desk.agent_csrf})

    def mail(c: httpx.Client, n: int) -> httpx.Response:
        subject = f"Re: [FL-{ticket(n)[0]}] follow-up" if n % 2 else f"New mail {n}"
        return c.post("/api/v1/mailboxes/help/raw", content=_raw_mail(n, subject),
                      headers={"Authorization": f"Bearer {desk.intake_token}", "Content-Type": "message/rfc822"})

    return {"create": create, "create_anonymous": create_anonymous, "portal_api": portal_api,
            "portal_page": portal_page, "ui_reply": ui_reply, "ui_status": ui_status, "mail": mail}


def _hammer(base: str, desk: Desk, *, seconds: float, per_kind: int) -> Outcome:
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    counter = itertools.count()

    def write_loop(kind: str, send: Callable[[httpx.Client, int], httpx.Response]) -> None:
        with httpx.Client(base_url=base, timeout=WRITE_TIMEOUT) as c:
            while True:  # at least one request each, however late a loaded machine starts this thread
                try:
                    outcome.record(kind, send(c, next(counter)))
                except httpx.HTTPError as error:
                    outcome.fail(kind, error)
                    return
                if time.monotonic() >= deadline:
                    return

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as c:
            while time.monotonic() < deadline + 0.5:
                started = time.monotonic()
                try:
                    c.get("/healthz", timeout=FREEZE_BUDGET).raise_for_status()
                except httpx.HTTPError as error:
                    outcome.fail("healthz", error)
                    return
                outcome.health.append(time.monotonic() - started)
                time.sleep(0.1)

    threads = [threading.Thread(target=probe, daemon=True)] + [
        threading.Thread(target=write_loop, args=(kind, send), daemon=True)
        for kind, send in _writers(desk).items() for _ in range(per_kind)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 2 * WRITE_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client is still waiting after every timeout passed"
    return outcome


@pytest.fixture
def process_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "FRONTLINE_DATABASE_URL": database_url, "FRONTLINE_DATA_DIR": str(tmp_path / "data"),
            "FRONTLINE_SECRET_KEY": "freeze-test", "FRONTLINE_LOG_LEVEL": "WARNING"}


@pytest.mark.parametrize("workers", [1, 2], ids=["1-worker", "2-workers"])
def test_mixed_concurrent_writes_never_freeze_the_server(
        process_env: dict[str, str], database: Database, workers: int) -> None:
    token = make_agent(database, role="admin", line=None, email=ADMIN).token
    with serve_process(process_env, workers=workers) as base:
        desk = _prepare(base, token)
        try:
            outcome = _hammer(base, desk, seconds=HAMMER_SECONDS, per_kind=2)
        finally:
            desk.agent.close()
            desk.visitor.close()
        assert not outcome.failures, outcome.failures[:10]
        assert outcome.health, "the /healthz probe never got an answer"
        assert max(outcome.health) < FREEZE_BUDGET, max(outcome.health)
        assert statistics.median(outcome.health) < HEALTH_MEDIAN, sorted(outcome.health)[-5:]
        done = {kind: sorted(set(codes)) for kind, codes in outcome.statuses.items()}
        assert set(done) == set(_writers(desk)), done  # every kind of write got through at least once
        assert 201 in done["create"] and 303 in done["ui_reply"] and 303 in done["ui_status"], done
        assert 201 in done["portal_api"] and 303 in done["portal_page"] and 201 in done["mail"], done
        assert set(done["create_anonymous"]) == {401}, done
        # the server is still whole afterwards: a plain read and a write both answer
        api = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/api/v1/tickets?limit=1", headers=api, timeout=5).status_code == 200
        after = httpx.post(f"{base}/api/v1/tickets", headers=api, timeout=5,
                           json={"subject": "After", "description": "Still writing", "customer": {
                               "email": "after@client.example"}})
        assert after.status_code == 201, after.text
