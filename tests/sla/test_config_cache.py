"""The SLA configuration cached per process for new tickets: every change is seen by the very next ticket, and the
clocks it starts (the only way a ticket's clocks start) follow the policies' order and calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from frontline.kit.rawsql import Raw
from frontline.sla import hotpath
from frontline.sla.models import TeamCalendar, TicketSla
from frontline.tickets.models import Ticket
from frontline.tickets.rows import TicketRow
from tests.factories import ticket_payload

ALWAYS = {"name": "Always", "timezone": "UTC", "always_open": True}


def _new_ticket(client, desk, **payload) -> int:
    r = client.post("/api/v1/tickets", json=ticket_payload(**payload), headers=desk.agent1.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _clocks(database, ticket_id) -> TicketSla | None:
    with database.session(write=False) as db:
        return db.get(TicketSla, ticket_id)


def _first_response_minutes(database, ticket_id) -> float:
    state = _clocks(database, ticket_id)
    assert state is not None and state.first_response_due is not None
    return (state.first_response_due - state.started_at).total_seconds() / 60


def _calendar(client, desk, body) -> int:
    r = client.post("/api/v1/sla/calendars", json=body, headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _policy(client, desk, **body) -> dict:
    r = client.post("/api/v1/sla/policies", json={"name": "P", **body}, headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_policy_edits_are_seen_by_the_next_ticket(client, database, desk):
    assert _clocks(database, _new_ticket(client, desk)) is None  # no policy yet (and that state is cached)
    calendar = _calendar(client, desk, ALWAYS)
    policy = _policy(client, desk, calendar_id=calendar, first_response_minutes=60)
    assert _first_response_minutes(database, _new_ticket(client, desk)) == 60

    body = {k: policy[k] for k in ("name", "calendar_id", "resolution_minutes", "conditions")}
    r = client.put(f"/api/v1/sla/policies/{policy['id']}", json={**body, "first_response_minutes": 30},
                   headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    assert _first_response_minutes(database, _new_ticket(client, desk)) == 30

    r = client.put(f"/api/v1/sla/policies/{policy['id']}", json={**body, "first_response_minutes": 30,
                                                                 "active": False}, headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    assert _clocks(database, _new_ticket(client, desk)) is None


def test_calendar_edits_are_seen_by_the_next_ticket(client, database, desk):
    calendar = _calendar(client, desk, ALWAYS)
    _policy(client, desk, calendar_id=calendar, first_response_minutes=60)
    assert _first_response_minutes(database, _new_ticket(client, desk)) == 60

    today = datetime.now(UTC).date()
    closed = [(today + timedelta(days=n)).isoformat() for n in range(4)]  # today and the next three days off
    r = client.put(f"/api/v1/sla/calendars/{calendar}", json={**ALWAYS, "holidays": closed},
                   headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    state = _clocks(database, _new_ticket(client, desk))
    assert state is not None
    reopens = datetime.combine(date.fromisoformat(closed[-1]) + timedelta(days=1), datetime.min.time(), UTC)
    assert state.first_response_due == reopens + timedelta(minutes=60)


def test_a_change_made_elsewhere_in_plain_sql_is_seen(client, database, desk):
    """Another process (or any writer) changes the tables: the next ticket's one configuration query notices."""
    calendar = _calendar(client, desk, ALWAYS)
    _policy(client, desk, calendar_id=calendar, first_response_minutes=60)
    assert _first_response_minutes(database, _new_ticket(client, desk)) == 60
    with database.session() as db:
        db.execute(text("UPDATE sla_policy SET first_response_minutes = 15"))
    assert _first_response_minutes(database, _new_ticket(client, desk)) == 15


def test_first_matching_policy_on_its_calendar_and_a_restart_from_the_loaded_ticket_agrees(client, database, desk):
    """Policies by position, the policy's calendar before the team's; starting the clocks again from the ticket as
    loaded through the ORM (`TicketRow.of`) stores exactly what creation stored from its own row."""
    office = _calendar(client, desk, {"name": "Office", "timezone": "Europe/Moscow",
                                      "weekly_hours": {"mon-fri": "09:00-18:00"}, "holidays": ["2026-12-31"]})
    night = _calendar(client, desk, {"name": "Night", "timezone": "Asia/Tokyo",
                                     "weekly_hours": {"mon-sun": "20:00-24:00"}})
    with database.session() as db:
        db.add(TeamCalendar(team_id=desk.l1.id, calendar_id=night))
    urgent = _policy(client, desk, name="Urgent", position=1, calendar_id=office, first_response_minutes=30,
                     resolution_minutes=240, conditions={"priority": ["urgent"]})
    team = _policy(client, desk, name="Team hours", position=5, first_response_minutes=90, resolution_minutes=600,
                   conditions={"team_id": [desk.l1.id]})
    email = _policy(client, desk, name="Email", position=9, calendar_id=office, next_response_minutes=60,
                    resolution_minutes=480, conditions={"channel": ["email"]})
    cases = [_new_ticket(client, desk, priority="urgent", team_id=desk.l1.id),
             _new_ticket(client, desk, team_id=desk.l1.id),
             _new_ticket(client, desk, channel="email", team_id=desk.l2.id),
             _new_ticket(client, desk, channel="web", team_id=desk.l2.id)]
    columns = ("policy_id", "calendar_id", "started_at", "first_response_due", "next_response_due", "resolution_due",
               "next_due", "pauses")
    created = {}
    for ticket_id in cases:
        state = _clocks(database, ticket_id)
        created[ticket_id] = None if state is None else tuple(getattr(state, c) for c in columns)
    assert [created[t][:2] if created[t] else None for t in cases] == [
        (urgent["id"], office), (team["id"], night), (email["id"], office), None]
    with database.session() as db:
        for ticket_id in cases:
            state = db.get(TicketSla, ticket_id)
            if state is not None:
                db.delete(state)
        db.flush()
        for ticket_id in cases:
            hotpath.start_new(db, Raw(db), TicketRow.of(db.get(Ticket, ticket_id)))
    for ticket_id in cases:
        state = _clocks(database, ticket_id)
        assert (None if state is None else tuple(getattr(state, c) for c in columns)) == created[ticket_id]


def test_configuration_is_built_once_while_unchanged(client, database, desk):
    calendar = _calendar(client, desk, ALWAYS)
    policy = _policy(client, desk, calendar_id=calendar, first_response_minutes=60)
    with database.session() as db:
        first = hotpath.config(db, Raw(db))
        assert hotpath.config(db, Raw(db)) is first  # same policies, same calendar objects (warm memo)
        assert [p.id for p in first.policies] == [policy["id"]]
        assert first.calendar(calendar) is first.calendar(calendar)
    _policy(client, desk, name="Second", position=200, first_response_minutes=5)
    with database.session() as db:
        again = hotpath.config(db, Raw(db))
        assert again is not first and [p.id for p in again.policies] == [policy["id"], again.policies[1].id]
