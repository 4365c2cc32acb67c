"""Issue 11.6: an administrator applies new or changed SLA policies to the tickets already open, seeing the count
first; tickets keep the time already elapsed, closed tickets are left alone, the work runs as `sla.apply` jobs
in batches. Before, a policy created later never reached an open ticket."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontline.jobs import run_pending
from frontline.kit.db import Database
from frontline.sla import service
from frontline.sla.models import TicketSla
from tests.factories import ticket_payload
from tests.web.conftest import browser_for  # noqa: F401 (the fixture)


def _clock(database: Database, ticket_id: int) -> TicketSla | None:
    with database.session(write=False) as db:
        return db.get(TicketSla, ticket_id)


def test_an_admin_applies_a_new_policy_to_open_tickets_after_seeing_the_count(
        client: TestClient, database: Database, desk: Any, browser_for: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "APPLY_BATCH", 2)  # three open tickets: two jobs, the second queued by the first
    tickets = [client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id, priority=p),
                           headers=desk.agent1.headers).json()["id"] for p in ("normal", "urgent", "normal", "low")]
    closed = tickets[-1]
    assert client.patch(f"/api/v1/tickets/{closed}", json={"status": "closed"},
                        headers=desk.admin.headers).status_code == 200
    assert all(_clock(database, t) is None for t in tickets)  # no policy existed when they were opened
    cal = client.post("/api/v1/sla/calendars", json={"name": "24/7", "always_open": True},
                      headers=desk.admin.headers).json()
    normal = client.post("/api/v1/sla/policies", json={"name": "Everything", "first_response_minutes": 240,
                                                       "calendar_id": cal["id"]}, headers=desk.admin.headers).json()
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/sla/apply")
    assert page.status_code == 200 and re.search(r'id="apply-count"><strong>3 open tickets', page.text), page.text
    done = admin.post("/ui/admin/sla/apply")
    assert done.status_code == 303 and done.headers["location"].startswith("/ui/admin/sla?applied=3")
    assert "3 will change" in admin.get(done.headers["location"]).text
    run_pending(database)  # whatever the app's own runner has not run yet
    assert [(_clock(database, t) or TicketSla()).policy_id for t in tickets] == [normal["id"]] * 3 + [None]
    assert client.get("/api/v1/sla/apply", headers=desk.supervisor.headers).json() == {"tickets": 0, "queued": False}

    started = _clock(database, tickets[1]).started_at  # type: ignore[union-attr]
    urgent = client.post("/api/v1/sla/policies", json={
        "name": "Urgent", "position": 1, "conditions": {"priority": ["urgent"]}, "first_response_minutes": 15,
        "calendar_id": cal["id"]}, headers=desk.admin.headers).json()
    assert client.get("/api/v1/sla/apply", headers=desk.supervisor.headers).json()["tickets"] == 1
    queued = client.post("/api/v1/sla/apply", headers=desk.supervisor.headers)
    assert queued.status_code == 202 and queued.json() == {"tickets": 1, "queued": True}
    run_pending(database)
    moved = _clock(database, tickets[1])
    assert moved is not None and moved.policy_id == urgent["id"] and moved.started_at == started  # time kept
    assert _clock(database, tickets[0]).policy_id == normal["id"]  # type: ignore[union-attr]


def test_agents_may_not_apply_policies(client: TestClient, desk: Any, browser_for: Any) -> None:  # noqa: F811
    assert client.post("/api/v1/sla/apply", headers=desk.agent1.headers).status_code == 403
    assert client.get("/api/v1/sla/apply", headers=desk.agent1.headers).status_code == 403
    assert browser_for(desk.agent1).post("/ui/admin/sla/apply").status_code == 403
