"""Planner integration on SQLite and PostgreSQL: history, API (incl. problem+json errors), publish, routing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from frontline.accounts.models import User
from frontline.routing.assign import candidates
from frontline.workforce import service
from frontline.workforce.history import contacts_from_db, interval_history
from frontline.workforce.roster import on_shift, rostered
from tests.workforce.planner_helpers import add_history, roster_doc


def test_history_counts_every_ticket_per_channel_and_interval(database, desk) -> None:  # type: ignore[no-untyped-def]
    made = add_history(database, desk.l1.id, days=3, per_day=8)
    with database.session(write=False) as db:
        contacts = contacts_from_db(db, team_id=desk.l1.id)
        other = contacts_from_db(db, team_id=desk.l2.id)
    frame = interval_history(contacts, tz="Europe/Moscow")
    assert len(contacts) == made and len(other) == 0
    assert set(frame.columns) == {"phone", "email", "chat"}
    assert frame.to_numpy().sum() == made
    assert len(frame) % 48 == 0  # whole local days of 30-minute intervals


@pytest.fixture
def planned(client, database, desk):  # type: ignore[no-untyped-def]
    add_history(database, desk.l1.id)
    body = {"team_id": desk.l1.id, "weeks": 1, "time_limit_s": 1.5, "explain": False}
    response = client.post("/api/v1/planner/schedules/build", json=body, headers=desk.supervisor.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_forecast_and_staffing_say_when_they_fall_back(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    add_history(database, desk.l1.id)
    params = {"team_id": desk.l1.id, "weeks": 1}
    forecast = client.get("/api/v1/planner/forecast", params=params, headers=desk.supervisor.headers).json()
    assert forecast["fallback"] is True and "days" in forecast["reason"]
    assert len(forecast["forecast"]["mean"]) == 336 and min(forecast["forecast"]["mean"]) >= 0
    staffing = client.get("/api/v1/planner/staffing", params=params, headers=desk.supervisor.headers).json()
    assert len(staffing["required"]) == 336 and max(staffing["required"]) >= 1
    assert staffing["handle_time_sources"]["phone"] == "settings"


def test_build_publish_export_and_check(client, desk, planned) -> None:  # type: ignore[no-untyped-def]
    assert planned["assignments"] and planned["violations"] == []
    published = client.post("/api/v1/planner/schedules", json={"plan": planned}, headers=desk.supervisor.headers)
    assert published.status_code == 201, published.text
    schedule_id = published.json()["id"]
    listed = client.get(f"/api/v1/planner/schedules?team_id={desk.l1.id}", headers=desk.supervisor.headers).json()
    assert [s["id"] for s in listed] == [schedule_id]
    csv_text = client.get(f"/api/v1/planner/schedules/{schedule_id}/schedule.csv", headers=desk.supervisor.headers).text
    assert csv_text.startswith("agent_id,date,shift")
    rows = csv_text.strip().splitlines()
    first = rows[1].split(",")
    doubled = csv_text + f"{first[0]},{first[1]},night\r\n"  # a second shift the same day breaks the rules
    check = client.post("/api/v1/planner/check", json={"schedule_id": schedule_id, "csv": doubled},
                        headers=desk.supervisor.headers).json()
    assert check["ok"] is False and {v["rule"] for v in check["violations"]} & {"one_shift_per_day", "invalid_entry"}
    clean = client.post("/api/v1/planner/check", json={"schedule_id": schedule_id, "csv": csv_text},
                        headers=desk.supervisor.headers).json()
    assert clean["ok"] is True


def test_agents_see_only_their_own_shifts(client, database, desk, planned) -> None:  # type: ignore[no-untyped-def]
    doc = {**planned, "agents": [{"id": str(desk.agent1.user.id), "name": "A", "line": "L1", "contract_hours": 8,
                                  "skills": []}],
           "assignments": [{"agent_id": str(desk.agent1.user.id), "day": planned["start"], "shift": "day"}]}
    assert client.post("/api/v1/planner/schedules", json={"plan": doc}, headers=desk.supervisor.headers).status_code \
        == 201
    mine = client.get("/api/v1/me/shifts", headers=desk.agent1.headers).json()
    assert [(s["day"], s["shift"]) for s in mine] == [(planned["start"], "day")]
    assert client.get("/api/v1/me/shifts", headers=desk.agent2.headers).json() == []
    ics = client.get("/api/v1/me/shifts.ics", headers=desk.agent1.headers)
    assert ics.headers["content-type"].startswith("text/calendar") and ics.text.count("BEGIN:VEVENT") == 1
    assert "DTSTART:" in ics.text and ics.text.endswith("END:VCALENDAR\r\n")
    assert client.get("/api/v1/me/shifts.csv", headers=desk.agent1.headers).text.count("\n") == 2


def test_simulate_and_what_ifs(client, desk, planned) -> None:  # type: ignore[no-untyped-def]
    planned = {**planned, "assignments": []}  # the draft: staffed as required (the team has one agent)
    base = client.post("/api/v1/planner/simulate", json={"plan": planned, "day": 1, "replications": 4},
                       headers=desk.supervisor.headers).json()
    assert 0 <= base["base"]["occupancy"]["mean"] <= 1
    more = client.post("/api/v1/planner/whatif", json={"plan": planned, "day": 1, "replications": 4,
                                                       "scenario": "volume"}, headers=desk.supervisor.headers).json()
    assert more["scenario"]["offered"]["mean"] > more["base"]["offered"]["mean"]
    sick = client.post("/api/v1/planner/whatif", json={"plan": planned, "day": 1, "replications": 4,
                                                       "scenario": "sick"}, headers=desk.supervisor.headers).json()
    assert sick["name"].startswith("one agent sick")


def test_errors_are_problem_json(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (client.get("/api/v1/planner/forecast", params={"team_id": 999999}, headers=desk.supervisor.headers), 404),
        (client.get("/api/v1/planner/forecast", params={"team_id": desk.l1.id}, headers=desk.agent1.headers), 403),
        (client.get("/api/v1/planner/forecast", params={"team_id": desk.l2.id}, headers=desk.supervisor.headers),
         422),  # no history
        (client.get("/api/v1/planner/staffing", params={"team_id": desk.l1.id, "weeks": 9},
                    headers=desk.supervisor.headers), 422),
        (client.post("/api/v1/planner/schedules", json={"plan": {"team_id": "x"}}, headers=desk.supervisor.headers),
         422),
        (client.post("/api/v1/planner/simulate", json={}, headers=desk.supervisor.headers), 422),
        (client.get("/api/v1/planner/schedules/424242", headers=desk.supervisor.headers), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


def test_publishing_a_rule_breaking_schedule_needs_force(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    day = date.today()
    doc = roster_doc(desk.l1.id, desk.agent1.user.id, shift_day=day, shift_start="09:00")
    doc["assignments"].append({"agent_id": str(desk.agent1.user.id), "day": day.isoformat(), "shift": "s"})
    refused = client.post("/api/v1/planner/schedules", json={"plan": doc}, headers=desk.supervisor.headers)
    assert refused.status_code == 422 and refused.json()["errors"]
    forced = client.post("/api/v1/planner/schedules", json={"plan": doc, "force": True},
                         headers=desk.supervisor.headers)
    assert forced.status_code == 201


def _set_online(database, user_id: int) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        user = db.get(User, user_id)
        user.availability = "online"


def test_published_schedule_decides_who_takes_tickets(database, desk) -> None:  # type: ignore[no-untyped-def]
    _set_online(database, desk.agent1.user.id)
    now = datetime.now(UTC)
    user_id = desk.agent1.user.id
    with database.session(write=False) as db:
        assert [c.user_id for c in candidates(db, desk.l1.id, 5)] == [user_id]  # no schedule: no change
        assert rostered(db, desk.l1.id, [user_id], now) is None
    slot = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0) - timedelta(hours=1)
    tomorrow = roster_doc(desk.l1.id, user_id, shift_day=slot.date() + timedelta(days=1), shift_start="09:00")
    tomorrow["start"] = (slot.date() - timedelta(days=1)).isoformat()
    with database.session() as db:
        service.publish(db, tomorrow, actor_id=None, force=True)
    with database.session(write=False) as db:
        assert candidates(db, desk.l1.id, 5) == [] and not on_shift(db, user_id, now)
    current = roster_doc(desk.l1.id, user_id, shift_day=slot.date(), shift_start=slot.strftime("%H:%M"))
    with database.session() as db:
        service.publish(db, current, actor_id=None, force=True)  # replaces the overlapping one
    with database.session(write=False) as db:
        assert [c.user_id for c in candidates(db, desk.l1.id, 5)] == [user_id] and on_shift(db, user_id, now)
        assert len(service.team_schedules(db, desk.l1.id)) == 1


def test_planner_numbers_are_bounded(client, desk):  # type: ignore[no-untyped-def]
    """`first_response_hours=1e307` used to try to allocate petabytes; every number has a sane range."""
    h = desk.supervisor.headers
    for query in ("first_response_hours=1e307", "first_response_hours=1e7", "answer_seconds=1e300"):
        r = client.get(f"/api/v1/planner/staffing?team_id={desk.l1.id}&{query}", headers=h)
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", (query, r.text)
    r = client.post("/api/v1/planner/simulate", json={"schedule_id": 1, "seed": 2**70}, headers=h)
    assert r.status_code == 422
