"""Per-agent weekly contracts on SQLite and PostgreSQL: set in the API, kept by the solver, checked by the checker."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from frontline.kit.errors import InvalidInput
from frontline.workforce import service
from frontline.workforce.planning import PlanOptions
from frontline.workforce.schedule import Horizon
from tests.factories import make_agent
from tests.workforce.planner_helpers import add_history


def _weekly_hours(doc: dict) -> dict[tuple[str, int], float]:  # type: ignore[type-arg]
    """Hours of the shifts starting in each 7-day week of the document, per agent (computed here, not by the app)."""
    lengths = {t["name"]: t["length_minutes"] / 60 for t in doc["templates"]}
    start = date.fromisoformat(doc["start"])
    hours: dict[tuple[str, int], float] = defaultdict(float)
    for item in doc["assignments"]:
        hours[item["agent_id"], (date.fromisoformat(item["day"]) - start).days // 7] += lengths[item["shift"]]
    return hours


def test_contracts_are_set_and_listed_through_the_api(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/planner/contracts/{desk.agent1.user.id}"
    listed = client.get(f"/api/v1/planner/contracts?team_id={desk.l1.id}", headers=desk.supervisor.headers).json()
    assert listed == [{"user_id": desk.agent1.user.id, "name": desk.agent1.user.name, "contract_hours": 40.0,
                       "hours_below": 4.0, "hours_above": 4.0, "min_hours": 36.0, "max_hours": 44.0,
                       "default": True}]
    saved = client.put(url, json={"contract_hours": 20, "hours_below": 0, "hours_above": 2},
                       headers=desk.supervisor.headers)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["min_hours"], saved.json()["max_hours"], saved.json()["default"]) == (20.0, 22.0, False)
    again = client.put(url, json={"contract_hours": 30}, headers=desk.supervisor.headers).json()
    assert (again["contract_hours"], again["hours_below"]) == (30.0, 4.0)
    listed = client.get(f"/api/v1/planner/contracts?team_id={desk.l1.id}", headers=desk.supervisor.headers).json()
    assert listed[0]["contract_hours"] == 30.0 and listed[0]["default"] is False
    cases = [
        (client.put(url, json={"contract_hours": 20}, headers=desk.agent1.headers), 403),
        (client.put(url, json={"contract_hours": 0}, headers=desk.supervisor.headers), 422),
        (client.put(url, json={"contract_hours": 10, "hours_below": 12}, headers=desk.supervisor.headers), 422),
        (client.put("/api/v1/planner/contracts/987654", json={"contract_hours": 20}, headers=desk.supervisor.headers),
         404),
        (client.get("/api/v1/planner/contracts?team_id=987654", headers=desk.supervisor.headers), 404),
        (client.get(f"/api/v1/planner/contracts?team_id={desk.l1.id}", headers=desk.agent1.headers), 403),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


def test_schedule_keeps_each_agents_own_contract_and_checker_flags_breaking_it(database, desk, settings) -> None:  # type: ignore[no-untyped-def]
    part_timer = desk.agent1
    full_timer = make_agent(database, teams=[desk.l1], line="L1")
    add_history(database, desk.l1.id, days=8, per_day=40)
    with database.session() as db:
        service.set_contract(db, part_timer.user.id, 20, hours_below=0, hours_above=0)
        service.set_contract(db, full_timer.user.id, 36, hours_below=0, hours_above=4)
    horizon = Horizon(date.today(), 2)
    with database.session(write=False) as db:
        agents = service.team_agents(db, desk.l1.id)
        plan = service.plan_team(db, settings, desk.l1.id, horizon, PlanOptions())
        doc = service.plan_document(plan, agents, PlanOptions())
    assert {a["id"]: (a["contract_hours"], a["hours_below"], a["hours_above"]) for a in doc["agents"]} == {
        str(part_timer.user.id): (20.0, 0.0, 0.0), str(full_timer.user.id): (36.0, 0.0, 4.0)}
    solved = service.solve_document(doc, time_limit_s=3.0, explain=False)
    assert solved["status"] in ("optimal", "feasible") and solved["violations"] == []
    hours = _weekly_hours(solved)
    for week in range(2):
        assert hours[str(part_timer.user.id), week] == 20.0  # exactly the part-time contract, no band
        assert 36.0 <= hours[str(full_timer.user.id), week] <= 40.0
    # The full-timer's weeks, valid for the full-timer, given to the part-timer too: only the part-timer's
    # contract breaks, and the checker names the rule and the agent.
    full = [a for a in solved["assignments"] if a["agent_id"] == str(full_timer.user.id)]
    copied = full + [{**a, "agent_id": str(part_timer.user.id)} for a in full]
    checked = service.check_document({**solved, "assignments": copied})
    assert {v["rule"] for v in checked["violations"]} == {"weekly_max_hours"}
    assert {v["agent_id"] for v in checked["violations"]} == {str(part_timer.user.id)}
    with database.session() as db, pytest.raises(InvalidInput) as refused:
        service.publish(db, {**solved, "assignments": copied}, actor_id=None)
    assert {e["rule"] for e in refused.value.errors or []} == {"weekly_max_hours"}
