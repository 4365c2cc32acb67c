"""Issue 11.8: nothing falls through. Before, a portal request sent before any mailbox existed, on a topic the
classifier was unsure of, had no team and no line: only the supervisor's "All tickets" showed it. Now an
administrator's default team (and its line) takes every new ticket nothing else gave a team, and an "Unrouted"
queue shows supervisors any unsolved ticket of no team."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontline.accounts.models import Team
from frontline.kit.db import Database
from frontline.tickets.models import Ticket, TicketEvent
from tests.web.conftest import browser_for, csrf_of  # noqa: F401 (the fixture)


def _portal_request(client: TestClient, subject: str) -> int:
    token = csrf_of(client.get("/portal").text)
    page = client.post("/portal", data={"name": "Olga", "email": "olga@client.example", "subject": subject,
                                        "description": "Something odd happened.", "csrf": token})
    assert page.status_code == 200, page.text
    number = re.search(r'id="ticket-number">FL-(\d+)<', page.text)
    assert number is not None
    return int(number.group(1))


def test_without_a_default_an_unrouted_ticket_shows_in_the_supervisors_unrouted_queue(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    ticket_id = _portal_request(client, "Strange question nobody routes")
    with database.session(write=False) as db:
        assert db.get(Ticket, ticket_id).team_id is None  # no mailbox, no classifier, no default team
    boss, agent = browser_for(desk.supervisor), browser_for(desk.agent1)
    queue = boss.get("/ui/queues/unrouted")
    assert queue.status_code == 200 and "Strange question nobody routes" in queue.text
    assert 'href="/ui/queues/unrouted"' in boss.get("/ui/queues/mine").text
    assert 'data-queue="unrouted">1<' in boss.get("/ui/counts").text
    assert agent.get("/ui/queues/unrouted").status_code == 404  # agents cannot see teamless tickets anyway
    assert 'href="/ui/queues/unrouted"' not in agent.get("/ui/queues/mine").text


def test_the_default_team_takes_what_nothing_else_routes_and_its_agents_see_it(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    admin = browser_for(desk.admin)
    saved = admin.post("/ui/admin/lines/default", {"team_id": str(desk.l1.id)})
    assert saved.status_code == 303 and saved.headers["location"] == "/ui/admin/lines?done=default_team_saved"
    page = admin.get(saved.headers["location"]).text
    assert "Default team saved" in page and f'<option value="{desk.l1.id}" selected>' in page

    ticket_id = _portal_request(client, "Strange question nobody routes")
    with database.session(write=False) as db:
        ticket = db.get(Ticket, ticket_id)
        event = db.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                    TicketEvent.field == "team_id"))
    assert (ticket.team_id, ticket.line) == (desk.l1.id, "L1")
    assert event is not None and event.data == {"by": "default"}
    agent = browser_for(desk.agent1)
    assert "Strange question nobody routes" in agent.get("/ui/queues/unassigned").text
    assert "Strange question nobody routes" not in browser_for(desk.supervisor).get("/ui/queues/unrouted").text

    chosen = client.post("/api/v1/tickets", json={"subject": "For L2", "description": "x", "team_id": desk.l2.id,
                                                  "customer": {"email": "ann@client.example"}},
                         headers=desk.admin.headers).json()
    assert chosen["team_id"] == desk.l2.id  # a team given is kept: the default is only for nothing


def test_one_default_team_at_most_and_the_api_shows_it(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    assert client.patch(f"/api/v1/teams/{desk.l1.id}", json={"is_default": True},
                        headers=desk.admin.headers).status_code == 200
    assert client.patch(f"/api/v1/teams/{desk.l2.id}", json={"is_default": True},
                        headers=desk.admin.headers).status_code == 200
    teams = {t["id"]: t["is_default"] for t in client.get("/api/v1/teams", headers=desk.agent1.headers).json()}
    assert teams[desk.l1.id] is False and teams[desk.l2.id] is True
    assert browser_for(desk.admin).post("/ui/admin/lines/default", {"team_id": ""}).status_code == 303  # none
    with database.session(write=False) as db:
        assert db.scalars(select(Team.id).where(Team.is_default.is_(True))).all() == []
    assert browser_for(desk.agent1).post("/ui/admin/lines/default", {"team_id": str(desk.l1.id)}).status_code == 403
