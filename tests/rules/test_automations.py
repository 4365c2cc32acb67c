"""Time-based automations with explicit `now` values: each fires once per rule per ticket state."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from frontline.jobs.registry import PERIODIC
from frontline.kit.db import utcnow
from frontline.rules import jobs  # noqa: F401 (registers the periodic sweep)
from frontline.rules.automations import run_automations
from frontline.rules.models import RuleFiring
from tests.factories import ticket_payload
from tests.rules.conftest import post_rule


def _sweep(database, now):
    with database.session() as db:
        return run_automations(db, now, prefix="FL")


def _ticket(client, desk, tid):
    return client.get(f"/api/v1/tickets/{tid}", headers=desk.admin.headers).json()


def test_pending_five_days_solved_then_solved_three_days_closed(client, database, desk):
    post_rule(client, desk.supervisor.headers, name="Pending 5 days", kind="automation",
              conditions={"all": [{"field": "status", "op": "eq", "value": "pending"},
                                  {"field": "hours_since_status_change", "op": "gte", "value": 120}]},
              actions=[{"type": "set_status", "value": "solved"}])
    post_rule(client, desk.supervisor.headers, name="Solved 3 days", kind="automation",
              conditions={"all": [{"field": "status", "op": "eq", "value": "solved"},
                                  {"field": "hours_since_status_change", "op": "gte", "value": 72}]},
              actions=[{"type": "set_status", "value": "closed"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    waiting = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "pending"}, headers=desk.agent1.headers)
    start = utcnow()
    assert _sweep(database, start + timedelta(days=4, hours=23)) == []
    fired = _sweep(database, start + timedelta(days=5, minutes=1))
    assert [ticket for _, ticket in fired] == [t["id"]]
    assert _ticket(client, desk, t["id"])["status"] == "solved"
    assert _ticket(client, desk, waiting["id"])["status"] == "new"
    # Solved "now" in real time: three days after the real solve it closes, and nothing fires twice.
    assert _sweep(database, utcnow() + timedelta(days=2)) == []
    closing = _sweep(database, utcnow() + timedelta(days=3, minutes=1))
    assert [ticket for _, ticket in closing] == [t["id"]]
    assert _ticket(client, desk, t["id"])["status"] == "closed"
    assert _sweep(database, utcnow() + timedelta(days=30)) == []
    with database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(RuleFiring)) == 2


def test_fires_once_per_state(client, database, desk):
    post_rule(client, desk.supervisor.headers, name="Old open tickets get a tag", kind="automation",
              conditions={"all": [{"field": "status", "op": "in", "value": ["new", "open"]},
                                  {"field": "hours_since_created", "op": "gt", "value": 24}]},
              actions=[{"type": "notify", "message": "Still open after a day"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    later = utcnow() + timedelta(days=2)
    assert len(_sweep(database, later)) == 1
    assert _sweep(database, later + timedelta(hours=1)) == []  # same state: remembered
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "open"}, headers=desk.agent1.headers)
    assert len(_sweep(database, later + timedelta(hours=2))) == 1  # a new state: may fire again
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.admin.headers).json()
    notes = [e for e in events if e["kind"] == "rule_notify"]
    assert len(notes) == 2 and notes[0]["data"]["message"] == "Still open after a day"


def test_unanswered_two_business_hours_escalates(client, database, desk):
    cal = client.post("/api/v1/sla/calendars", json={"name": "24/7 desk", "always_open": True},
                      headers=desk.admin.headers).json()
    post_rule(client, desk.supervisor.headers, name="Unanswered 2h", kind="automation",
              conditions={"all": [{"field": "hours_since_customer_message", "op": "gte", "value": 2,
                                   "calendar_id": cal["id"]},
                                  {"field": "line", "op": "eq", "value": "L1"}]},
              actions=[{"type": "escalate", "reason": "Unanswered for 2 business hours"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    answered = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    client.post(f"/api/v1/tickets/{answered['id']}/messages", json={"body_text": "On it"},
                headers=desk.agent1.headers)
    assert _sweep(database, utcnow() + timedelta(hours=1)) == []
    fired = _sweep(database, utcnow() + timedelta(hours=2, minutes=5))
    assert [ticket for _, ticket in fired] == [t["id"]]
    assert _ticket(client, desk, t["id"])["line"] == "L2"
    assert _ticket(client, desk, answered["id"])["line"] == "L1"


def test_sweep_is_a_periodic_job():
    assert PERIODIC["rules.automations"].every == timedelta(minutes=5)
