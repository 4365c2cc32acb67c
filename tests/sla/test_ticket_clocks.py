"""Ticket SLA clocks on business-hours calendars: weekends, holidays, DST, pauses, breaches that fire once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from frontline.kit.rawsql import Raw
from frontline.sla import hotpath, service
from frontline.sla.models import TicketSla
from frontline.tickets.models import Ticket, TicketEvent
from frontline.tickets.rows import TicketRow
from tests.factories import ticket_payload

MOSCOW_HOURS = {"name": "Moscow office", "timezone": "Europe/Moscow", "weekly_hours": {"mon-fri": "09:00-18:00"}}


def _policy(client, admin, calendar_body, **targets):
    cal = client.post("/api/v1/sla/calendars", json=calendar_body, headers=admin.headers)
    assert cal.status_code == 201, cal.text
    body = {"name": f"P{cal.json()['id']}", "calendar_id": cal.json()["id"], **targets}
    policy = client.post("/api/v1/sla/policies", json=body, headers=admin.headers)
    assert policy.status_code == 201, policy.text
    return policy.json()


def _ticket_at(client, database, agent, created: datetime, **payload) -> int:
    """A ticket whose clocks started at `created` (the API stamps 'now', so the test moves it)."""
    t = client.post("/api/v1/tickets", json=ticket_payload(**payload), headers=agent.headers).json()
    with database.session() as db:
        db.delete(db.get(TicketSla, t["id"])) if db.get(TicketSla, t["id"]) else None
        db.flush()
        ticket = db.get(Ticket, t["id"])
        ticket.created_at = created
        hotpath.start_new(db, Raw(db), TicketRow.of(ticket))
    return t["id"]


def _state(database, ticket_id) -> TicketSla:
    with database.session(write=False) as db:
        return db.get(TicketSla, ticket_id)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_friday_evening_ticket_is_due_on_monday_morning(client, database, desk):
    _policy(client, desk.admin, MOSCOW_HOURS, first_response_minutes=60, resolution_minutes=8 * 60)
    # Friday 2026-11-20 17:30 Moscow = 14:30 UTC: 30 minutes on Friday, 30 on Monday from 09:00.
    tid = _ticket_at(client, database, desk.agent1, _utc(2026, 11, 20, 14, 30))
    state = _state(database, tid)
    assert state.first_response_due == _utc(2026, 11, 23, 6, 30)  # Monday 09:30 Moscow
    assert state.resolution_due == _utc(2026, 11, 23, 13, 30)  # 30 min Fri + 7.5 h from 09:00 Mon = 16:30
    assert state.next_due == state.first_response_due
    sla = client.get(f"/api/v1/tickets/{tid}/sla", headers=desk.agent1.headers).json()
    assert sla["first_response_due"].startswith("2026-11-23T06:30")


def test_holiday_is_skipped(client, database, desk):
    body = {**MOSCOW_HOURS, "name": "With holiday", "holidays": ["2026-11-23"]}
    _policy(client, desk.admin, body, first_response_minutes=60)
    tid = _ticket_at(client, database, desk.agent1, _utc(2026, 11, 20, 14, 30))
    assert _state(database, tid).first_response_due == _utc(2026, 11, 24, 6, 30)  # Tuesday 09:30


def test_across_daylight_saving_change(client, database, desk):
    berlin = {"name": "Berlin", "timezone": "Europe/Berlin", "weekly_hours": {"mon-sun": "00:00-24:00"}}
    _policy(client, desk.admin, berlin, first_response_minutes=24 * 60)
    # 2026-03-29 is the spring-forward day in Berlin (23 hours long): 24 business hours from Saturday
    # 12:00 local end on Sunday 13:00 local, 24 real hours later in UTC terms.
    start = _utc(2026, 3, 28, 11, 0)  # Saturday 12:00 CET
    tid = _ticket_at(client, database, desk.agent1, start)
    assert _state(database, tid).first_response_due == start + timedelta(hours=24)  # Sunday 13:00 CEST


def test_pending_pauses_and_reply_resumes(client, database, desk):
    _policy(client, desk.admin, MOSCOW_HOURS, resolution_minutes=240)
    monday_10 = _utc(2026, 11, 23, 7, 0)  # Monday 10:00 Moscow
    tid = _ticket_at(client, database, desk.agent1, monday_10)
    assert _state(database, tid).resolution_due == _utc(2026, 11, 23, 11, 0)  # 14:00 Moscow
    with database.session() as db:
        ticket = db.get(Ticket, tid)
        ticket.status = "pending"
        service.status_changed(db, ticket, monday_10 + timedelta(hours=1))  # paused at 11:00
    paused = _state(database, tid)
    assert paused.resolution_due is None and paused.next_due is None  # no deadline while waiting on the customer
    with database.session() as db:
        ticket = db.get(Ticket, tid)
        ticket.status = "open"
        service.status_changed(db, ticket, monday_10 + timedelta(hours=3))  # customer answered at 13:00
    # 1 h counted before the pause, 3 h remain from 13:00: due 16:00 Moscow.
    assert _state(database, tid).resolution_due == _utc(2026, 11, 23, 13, 0)


def test_pending_through_the_api_pauses_the_clock(client, database, desk):
    _policy(client, desk.admin, {"name": "24/7", "always_open": True}, resolution_minutes=600)
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    assert client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()["resolution_due"]
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "pending"}, headers=desk.agent1.headers)
    sla = client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()
    assert sla["paused"] and sla["resolution_due"] is None
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Here are the logs"})
    sla = client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()
    assert not sla["paused"] and sla["resolution_due"]


def test_first_reply_meets_and_next_response_clock(client, database, desk):
    _policy(client, desk.admin, {"name": "24/7 b", "always_open": True}, first_response_minutes=30,
            next_response_minutes=60)
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"body_text": "Looking"}, headers=desk.agent1.headers)
    sla = client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()
    assert sla["first_response_met_at"] and sla["first_response_due"] is None and sla["next_response_due"] is None
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Any news?"})
    assert client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()["next_response_due"]
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body_text": "x"},
                headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{t['id']}/sla", headers=desk.agent1.headers).json()["next_response_due"]


def test_breach_fires_once_with_its_actions(client, database, desk):
    _policy(client, desk.admin, {"name": "24/7 c", "always_open": True}, first_response_minutes=60,
            warn_before_minutes=15)
    with database.session() as db:
        policy = db.scalars(select(service.Policy)).one()
        policy.breach_actions = ["raise_priority", "escalate", "notify_supervisor"]
    start = _utc(2026, 11, 23, 7, 0)
    tid = _ticket_at(client, database, desk.agent1, start)
    with database.session() as db:
        assert service.check(db, now=start + timedelta(minutes=30)) == []
        assert service.check(db, now=start + timedelta(minutes=50)) == [(tid, "first_response", "warning")]
        assert service.check(db, now=start + timedelta(minutes=55)) == []
        assert service.check(db, now=start + timedelta(minutes=61)) == [(tid, "first_response", "breach")]
    with database.session() as db:
        assert service.check(db, now=start + timedelta(minutes=90)) == []
        kinds = [e.kind for e in db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == tid))]
        ticket = db.get(Ticket, tid)
    assert kinds.count("sla_breach") == 1 and kinds.count("sla_warning") == 1
    assert kinds.count("escalated") == 1 and kinds.count("sla_notify") == 1
    assert ticket.priority == 2 and ticket.line == "L2" and ticket.team_id == desk.l2.id


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"name": "x", "weekly_hours": {"mon": "18:00-09:00"}}, "calendar"),
        ({"name": "x", "timezone": "Mars/Base", "weekly_hours": {"mon": "09:00-18:00"}}, "calendar"),
        ({"name": "x", "weekly_hours": {}}, "calendar"),
        ({"name": "x", "always_open": True, "public_holidays": "XX"}, "XX"),
    ],
)
def test_invalid_calendars(client, desk, body, word):
    r = client.post("/api/v1/sla/calendars", json=body, headers=desk.admin.headers)
    assert r.status_code == 422 and word in r.json()["detail"]


def test_policy_validation_and_permissions(client, desk):
    r = client.post("/api/v1/sla/policies", json={"name": "p", "first_response_minutes": 5},
                    headers=desk.agent1.headers)
    assert r.status_code == 403
    r = client.post("/api/v1/sla/policies", json={"name": "p"}, headers=desk.admin.headers)
    assert r.status_code == 422 and "target" in r.json()["detail"]
    r = client.post("/api/v1/sla/policies", json={"name": "p", "first_response_minutes": 5,
                                                  "conditions": {"colour": ["red"]}}, headers=desk.admin.headers)
    assert r.status_code == 422 and "colour" in r.json()["detail"]


def test_policy_matching_by_priority_and_tier(client, database, desk):
    urgent = {"name": "Urgent", "position": 1, "first_response_minutes": 15, "conditions": {"priority": ["urgent"]}}
    default = {"name": "Default", "position": 9, "first_response_minutes": 480}
    for body in (urgent, default):
        assert client.post("/api/v1/sla/policies", json=body, headers=desk.admin.headers).status_code == 201
    policies = {p["name"]: p["id"] for p in client.get("/api/v1/sla/policies", headers=desk.admin.headers).json()}
    a = client.post("/api/v1/tickets", json=ticket_payload(priority="urgent"), headers=desk.agent1.headers).json()
    b = client.post("/api/v1/tickets", json=ticket_payload(priority="low"), headers=desk.agent1.headers).json()
    assert client.get(f"/api/v1/tickets/{a['id']}/sla", headers=desk.agent1.headers).json()["policy_id"] == policies[
        "Urgent"]
    assert client.get(f"/api/v1/tickets/{b['id']}/sla", headers=desk.agent1.headers).json()["policy_id"] == policies[
        "Default"]


def test_sweep_reaches_new_clocks_behind_thousands_of_breached_ones(client, database, desk):
    """Breached clocks of open tickets keep their due time; they must not fill every sweep."""
    _policy(client, desk.admin, {"name": "24/7", "always_open": True}, first_response_minutes=60)
    start = _utc(2026, 11, 2, 9, 0)
    old = _ticket_at(client, database, desk.agent1, start - timedelta(days=30))
    columns = [c.name for c in Ticket.__table__.columns if c.name != "id"]
    names = ", ".join(columns)
    with database.session() as db:
        db.execute(text(f"INSERT INTO ticket ({names}) SELECT {names} FROM ticket WHERE id = :t"),
                   [{"t": old}] * 2000)
        db.flush()
        template = db.get(TicketSla, old)
        assert template is not None and template.first_response_due is not None
        service.check(db, now=start)  # the old ticket breaches
        copies = db.scalars(select(Ticket.id).where(Ticket.id != old)).all()
        db.execute(insert(TicketSla), [
            {"ticket_id": t, "policy_id": template.policy_id, "calendar_id": template.calendar_id,
             "started_at": template.started_at, "pauses": [], "first_response_due": template.first_response_due,
             "first_response_breached_at": start, "next_due": template.next_due} for t in copies])
    fresh = _ticket_at(client, database, desk.agent1, start)
    with database.session() as db:
        fired = service.check(db, now=start + timedelta(minutes=50))
        assert (fresh, "first_response", "warning") in fired
        assert all(kind != "breach" or t == fresh for t, _m, kind in fired)  # nothing breaches twice
        fired = service.check(db, now=start + timedelta(minutes=61))
        assert fired == [(fresh, "first_response", "breach")]


def test_agent_reply_stops_the_next_response_clock(client, database, desk):
    """Customer writes at 10:20, agent answers at 10:30: nothing breaches at 11:20 (60-minute target)."""
    _policy(client, desk.admin, {"name": "24/7 n", "always_open": True}, first_response_minutes=30,
            next_response_minutes=60)
    start = _utc(2026, 11, 2, 10, 0)
    tid = _ticket_at(client, database, desk.agent1, start)
    with database.session() as db:
        service.agent_replied(db, tid, start + timedelta(minutes=5))
        service.customer_wrote(db, tid, start + timedelta(minutes=20))
        assert db.get(TicketSla, tid).next_response_due == start + timedelta(minutes=80)
        service.agent_replied(db, tid, start + timedelta(minutes=30))
        assert db.get(TicketSla, tid).next_response_due is None
        assert service.check(db, now=start + timedelta(minutes=81)) == []
        service.customer_wrote(db, tid, start + timedelta(minutes=90))  # waiting again: a new clock
        assert db.get(TicketSla, tid).next_response_due == start + timedelta(minutes=150)
        assert service.check(db, now=start + timedelta(minutes=151)) == [(tid, "next_response", "breach")]
    # over HTTP: the agent's public reply stops it, an internal note does not
    link = client.post(f"/api/v1/tickets/{tid}/customer-link", headers=desk.agent1.headers).json()["token"]
    client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Still broken"})
    client.post(f"/api/v1/tickets/{tid}/messages", json={"kind": "note", "body_text": "x"},
                headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{tid}/sla", headers=desk.agent1.headers).json()["next_response_due"]
    client.post(f"/api/v1/tickets/{tid}/messages", json={"body_text": "Fixed now"}, headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{tid}/sla", headers=desk.agent1.headers).json()["next_response_due"] is None


def test_policy_follows_the_ticket_when_its_priority_changes(client, database, desk):
    """Raising a ticket to urgent moves it to the urgent policy, keeping the time elapsed; a trigger that raises
    the priority of a new ticket does the same (the policy was chosen before the triggers ran)."""
    cal = client.post("/api/v1/sla/calendars", json={"name": "24/7 p", "always_open": True},
                      headers=desk.admin.headers).json()
    urgent = client.post("/api/v1/sla/policies", json={
        "name": "Urgent", "position": 1, "conditions": {"priority": ["urgent"]}, "first_response_minutes": 15,
        "calendar_id": cal["id"]}, headers=desk.admin.headers).json()
    normal = client.post("/api/v1/sla/policies", json={
        "name": "Normal", "position": 2, "first_response_minutes": 240, "calendar_id": cal["id"]},
        headers=desk.admin.headers).json()
    t = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.agent1.headers).json()
    assert _state(database, t["id"]).policy_id == normal["id"]
    started = _state(database, t["id"]).started_at
    r = client.patch(f"/api/v1/tickets/{t['id']}", json={"priority": "urgent"}, headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    state = _state(database, t["id"])
    assert state.policy_id == urgent["id"] and state.started_at == started
    assert state.first_response_due == started + timedelta(minutes=15)
    page = client.get(f"/ui/tickets/{t['id']}", headers=desk.agent1.headers)
    assert page.status_code in (200, 303)
    rule = {"name": "outage is urgent", "kind": "trigger", "events": ["created"],
            "conditions": {"all": [{"field": "subject", "op": "contains", "value": "outage"}]},
            "actions": [{"type": "set_priority", "value": "urgent"}]}
    assert client.post("/api/v1/rules", json=rule, headers=desk.admin.headers).status_code == 201
    t2 = client.post("/api/v1/tickets", json=ticket_payload(subject="Total outage", team_id=desk.l1.id),
                     headers=desk.agent1.headers).json()
    assert t2["priority"] == "urgent"
    assert _state(database, t2["id"]).policy_id == urgent["id"]
