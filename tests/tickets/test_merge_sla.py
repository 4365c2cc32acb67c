"""A merge stops the merged ticket's SLA clocks in the same transaction: the SLA check records no warning or
breach for it afterwards, whatever state its clocks were in; the survivor's clocks are untouched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from frontline.kit.db import utcnow
from frontline.sla import service as sla
from frontline.sla.models import METRICS, Calendar, Policy, TicketSla
from frontline.tickets.models import TicketEvent
from tests.factories import ticket_payload

CLOCK_FIELDS = [c.key for c in TicketSla.__table__.columns]


def _policy(database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        calendar = Calendar(name="Always", timezone="UTC", always_open=True)
        db.add(calendar)
        db.flush()
        db.add(Policy(name="Standard", position=1, calendar_id=calendar.id, first_response_minutes=60,
                      next_response_minutes=120, resolution_minutes=240, warn_before_minutes=30,
                      breach_actions=["raise_priority", "notify_supervisor"]))


def _ticket(client, agent) -> dict:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/tickets", json=ticket_payload(), headers=agent.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _clocks(database, ticket_id: int) -> dict:  # type: ignore[no-untyped-def]
    with database.session(write=False) as db:
        state = db.get(TicketSla, ticket_id)
        assert state is not None
        return {name: getattr(state, name) for name in CLOCK_FIELDS}


def _merge(client, agent, source: dict, target: dict) -> None:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1/tickets/{source['number']}/merge", json={"into": target["number"]}, headers=agent.headers)
    assert r.status_code == 200, r.text


def _sla_events(database, ticket_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session(write=False) as db:
        return list(db.scalars(select(TicketEvent.kind).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(["sla_breach", "sla_warning", "sla_notify"]))))


def test_merged_ticket_records_no_breach_and_survivor_clocks_are_unchanged(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    _policy(database)
    source, target = _ticket(client, desk.agent1), _ticket(client, desk.agent1)
    assert _clocks(database, source["id"])["next_due"] is not None  # running before the merge
    survivor_before = _clocks(database, target["id"])
    _merge(client, desk.agent1, source, target)
    stopped = _clocks(database, source["id"])
    assert stopped["next_due"] is None
    assert all(stopped[f"{m}_due"] is None for m in METRICS)
    assert all(stopped[f"{m}_breached_at"] is None for m in METRICS)
    assert stopped["resolution_met_at"] is None  # stopped, not counted as resolved
    assert _clocks(database, target["id"]) == survivor_before
    with database.session() as db:  # ten hours on: every clock of both tickets would be overdue
        fired = sla.check(db, now=utcnow() + timedelta(hours=10))
    assert {t for t, _, _ in fired} == {target["id"]}  # the survivor breaches, the merged one does not
    assert {(m, k) for t, m, k in fired} == {("first_response", "breach"), ("resolution", "breach")}
    merged = client.get(f"/api/v1/tickets/{source['id']}", headers=desk.agent1.headers).json()
    assert merged["priority"] == source["priority"]  # no breach action ran on it either
    assert _sla_events(database, source["id"]) == []


def test_a_pending_ticket_merged_stays_stopped(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    """Pending pauses the clocks; the merge closes the ticket, which must not end the pause and resume them."""
    _policy(database)
    source, target = _ticket(client, desk.agent1), _ticket(client, desk.agent1)
    r = client.patch(f"/api/v1/tickets/{source['id']}", json={"status": "pending"}, headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    _merge(client, desk.agent1, source, target)
    assert _clocks(database, source["id"])["next_due"] is None
    with database.session() as db:
        fired = sla.check(db, now=utcnow() + timedelta(days=3))
    assert source["id"] not in {t for t, _, _ in fired}
    assert _sla_events(database, source["id"]) == []


def test_closing_stops_every_clock_even_after_a_solved_pause(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    """Solved pauses the clocks; closing ends the ticket for good: no clock resumes, nothing breaches later."""
    _policy(database)
    ticket = _ticket(client, desk.agent1)
    for status in ("solved", "closed"):
        r = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": status}, headers=desk.agent1.headers)
        assert r.status_code == 200, r.text
    clocks = _clocks(database, ticket["id"])
    assert clocks["next_due"] is None and all(clocks[f"{m}_due"] is None for m in METRICS)
    assert clocks["resolution_met_at"] is not None  # closed counts as resolved
    with database.session() as db:
        fired = sla.check(db, now=utcnow() + timedelta(days=3))
    assert ticket["id"] not in {t for t, _, _ in fired}
    assert _sla_events(database, ticket["id"]) == []
