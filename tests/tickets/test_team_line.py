"""A team change takes the team's line unless a line is given (issue 11.16): the ticket never falls out of every
line queue. The same through the API and through a rule's set_team action."""

from __future__ import annotations

from tests.factories import ticket_payload


def test_changing_the_team_over_the_api_takes_its_line(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.admin.headers).json()
    assert t["line"] == "L1"
    moved = client.patch(f"/api/v1/tickets/{t['id']}", json={"team_id": desk.l2.id}, headers=desk.admin.headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["team_id"], moved.json()["line"]) == (desk.l2.id, "L2")
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.admin.headers).json()
    assert any(e.get("field") == "line" for e in (events.get("items", events) if isinstance(events, dict) else events))
    given = client.patch(f"/api/v1/tickets/{t['id']}", json={"team_id": desk.l1.id, "line": "L3"},
                         headers=desk.admin.headers).json()
    assert (given["team_id"], given["line"]) == (desk.l1.id, "L3")  # a line given with the team wins


def test_a_rule_moving_a_ticket_to_a_team_takes_its_line(client, desk):
    rule = {"name": "billing to L2", "kind": "trigger", "events": ["created"],
            "conditions": {"all": [{"field": "subject", "op": "contains", "value": "refund"}]},
            "actions": [{"type": "set_team", "value": desk.l2.id}]}
    assert client.post("/api/v1/rules", json=rule, headers=desk.admin.headers).status_code == 201
    t = client.post("/api/v1/tickets", json=ticket_payload(subject="A refund please", team_id=desk.l1.id),
                    headers=desk.admin.headers).json()
    assert (t["team_id"], t["line"]) == (desk.l2.id, "L2")
