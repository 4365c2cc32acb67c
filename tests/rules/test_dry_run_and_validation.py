"""Dry runs touch nothing; invalid rules are refused on save with a message that says what is wrong."""

from __future__ import annotations

import pytest

from tests.factories import ticket_payload

CALM = {"all": [{"field": "subject", "op": "contains", "value": "refund"}]}


def test_dry_run_lists_matches_and_changes_nothing(client, desk):
    ids = [client.post("/api/v1/tickets", json=ticket_payload(subject=s), headers=desk.agent1.headers).json()["id"]
           for s in ("Refund please", "Login broken", "Second REFUND question")]
    body = {"kind": "trigger", "events": ["created"], "conditions": CALM,
            "actions": [{"type": "set_priority", "value": "urgent"}]}
    r = client.post("/api/v1/rules/dry-run", json=body, headers=desk.supervisor.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"tested": 3, "matched": [ids[2], ids[0]]}
    assert client.post("/api/v1/rules/dry-run", json={**body, "limit": 1},
                       headers=desk.supervisor.headers).json() == {"tested": 1, "matched": [ids[2]]}
    for tid in ids:
        ticket = client.get(f"/api/v1/tickets/{tid}", headers=desk.admin.headers).json()
        assert ticket["priority"] == "normal"
    assert client.get("/api/v1/rules", headers=desk.admin.headers).json() == []


@pytest.mark.parametrize(("change", "message"), [
    ({"conditions": {"all": [{"field": "mood", "op": "eq", "value": 1}]}}, "unknown field 'mood'"),
    ({"conditions": {"all": [{"field": "status", "op": "above", "value": "new"}]}}, "unknown op 'above'"),
    ({"conditions": {"all": [{"field": "status", "op": "eq", "value": "lost"}]}}, "'lost' is not a valid status"),
    ({"conditions": {"any": [{"field": "text", "op": "matches", "value": "(["}]}}, "not a valid regular expression"),
    ({"actions": [{"type": "explode"}]}, "unknown action 'explode'"),
    ({"actions": [{"type": "reply", "body": "Hi {{agent.name}}"}]}, "unknown placeholder"),
    ({"actions": [{"type": "set_team", "value": 999999}]}, "no team with id 999999"),
    ({"events": ["deleted"]}, "'deleted' is not one"),
    ({"kind": "automation", "events": []}, "needs a time condition"),
    ({"conditions": {"all": [{"field": "business_hours", "op": "within", "value": 424242}]}}, "no SLA calendar"),
])
def test_invalid_rules_are_refused(client, desk, change, message):
    body = {"name": "bad", "events": ["created"], "conditions": CALM,
            "actions": [{"type": "add_tag", "value": "x"}], **change}
    r = client.post("/api/v1/rules", json=body, headers=desk.supervisor.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert message in r.json()["detail"]


def test_only_supervisors_manage_rules(client, desk):
    body = {"name": "ok", "events": ["created"], "conditions": CALM, "actions": [{"type": "add_tag", "value": "x"}]}
    assert client.post("/api/v1/rules", json=body, headers=desk.agent1.headers).status_code == 403
    assert client.get("/api/v1/rules", headers=desk.agent1.headers).status_code == 403
    created = client.post("/api/v1/rules", json=body, headers=desk.supervisor.headers)
    assert created.status_code == 201
    rule_id = created.json()["id"]
    changed = client.put(f"/api/v1/rules/{rule_id}", json={**body, "position": 5}, headers=desk.admin.headers)
    assert changed.json()["position"] == 5
    assert client.post("/api/v1/rules", json=body, headers=desk.admin.headers).status_code == 422  # same name
    assert client.delete(f"/api/v1/rules/{rule_id}", headers=desk.admin.headers).status_code == 204
    assert client.get(f"/api/v1/rules/{rule_id}", headers=desk.admin.headers).status_code == 404
