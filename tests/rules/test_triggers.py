"""Triggers on ticket events: sentiment, tags, templates, business hours, escalation, and the loop guard."""

from __future__ import annotations

from tests.factories import make_team, ticket_payload
from tests.rules.conftest import post_rule


def _events(client, desk, ticket_id):
    return client.get(f"/api/v1/tickets/{ticket_id}/events", headers=desk.admin.headers).json()


def test_angry_customer_message_raises_priority(client, desk):
    post_rule(client, desk.supervisor.headers, name="Angry -> urgent", events=["created", "customer_replied"],
              conditions={"all": [{"field": "sentiment_label", "op": "eq", "value": "negative"}]},
              actions=[{"type": "set_priority", "value": "urgent"}])
    calm = client.post("/api/v1/tickets", json=ticket_payload(description="Thanks, a quick question"),
                       headers=desk.agent1.headers).json()
    assert calm["priority"] == "normal"
    link = calm["customer_link"].rsplit("/", 1)[-1]
    r = client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Не работает, опять ошибка. Безобразие!"})
    assert r.status_code == 201, r.text
    now = client.get(f"/api/v1/tickets/{calm['id']}", headers=desk.agent1.headers).json()
    assert now["priority"] == "urgent"
    change = [e for e in _events(client, desk, calm["id"]) if e["field"] == "priority"]
    assert change[-1]["new_value"] == "urgent" and change[-1]["data"]["rule"] == "Angry -> urgent"


def test_vip_tag_routes_to_team_on_creation(client, desk):
    vip = make_team(client.app.state.database, "VIP desk", "L2")
    post_rule(client, desk.supervisor.headers, name="VIP", events=["created"],
              conditions={"all": [{"field": "tags", "op": "contains", "value": "vip"}]},
              actions=[{"type": "set_team", "value": vip.id}, {"type": "add_tag", "value": "routed"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(tags=["vip"]), headers=desk.agent1.headers).json()
    other = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    assert t["team_id"] == vip.id and other["team_id"] == desk.l1.id
    stored = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.admin.headers).json()
    assert sorted(stored["tags"]) == ["routed", "vip"]
    fired = [e for e in _events(client, desk, t["id"]) if e["kind"] == "rule_fired"]
    assert [(e["data"]["rule"], e["data"]["on"]) for e in fired] == [("VIP", "created")]


def test_template_reply_and_text_match(client, desk):
    post_rule(client, desk.supervisor.headers, name="Ack refunds", events=["created"],
              conditions={"any": [{"field": "text", "op": "matches", "value": r"refund|возврат"}]},
              actions=[{"type": "reply", "body": "Hello {{customer.name}}, {{ticket.number}} is with billing."}])
    payload = ticket_payload(subject="Where is my refund?")
    t = client.post("/api/v1/tickets", json=payload, headers=desk.agent1.headers).json()
    messages = client.get(f"/api/v1/tickets/{t['id']}/messages", headers=desk.admin.headers).json()
    replies = [m for m in messages if m["kind"] == "reply"]
    name = payload["customer"]["name"]  # type: ignore[index]
    assert [m["body_text"] for m in replies] == [f"Hello {name}, FL-{t['id']} is with billing."]


def test_business_hours_and_escalation(client, desk):
    cal = client.post("/api/v1/sla/calendars", json={"name": "Always", "always_open": True},
                      headers=desk.admin.headers).json()
    post_rule(client, desk.supervisor.headers, name="Out of hours to L2", events=["created"],
              conditions={"all": [{"field": "business_hours", "op": "within", "value": cal["id"]},
                                  {"field": "priority", "op": "gte", "value": "high"}]},
              actions=[{"type": "escalate", "reason": "High priority, straight to L2"}])
    low = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    high = client.post("/api/v1/tickets", json=ticket_payload(priority="high"), headers=desk.agent1.headers).json()
    assert low["line"] == "L1"
    assert (high["line"], high["team_id"]) == ("L2", desk.l2.id)
    moved = [e for e in _events(client, desk, high["id"]) if e["kind"] == "escalated"]
    assert moved[0]["data"]["reason"] == "High priority, straight to L2" and moved[0]["data"]["by"] == "rule"


def test_two_rules_flipping_status_stop(client, desk):
    post_rule(client, desk.supervisor.headers, name="open -> pending", events=["updated"], position=1,
              conditions={"all": [{"field": "status", "op": "eq", "value": "open"}]},
              actions=[{"type": "set_status", "value": "pending"}])
    post_rule(client, desk.supervisor.headers, name="pending -> open", events=["updated"], position=2,
              conditions={"all": [{"field": "status", "op": "eq", "value": "pending"}]},
              actions=[{"type": "set_status", "value": "open"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    r = client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "open"}, headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    events = _events(client, desk, t["id"])
    fired = [e["data"]["rule"] for e in events if e["kind"] == "rule_fired"]
    assert fired == ["open -> pending", "pending -> open"]
    statuses = [e["new_value"] for e in events if e["field"] == "status"]
    assert statuses == ["open", "pending", "open"]


def test_a_chain_stops_after_five_passes(client, desk):
    for k in range(1, 8):  # rule k adds tag t<k> once t<k-1> is there; listed last-first, so one fires per pass
        post_rule(client, desk.supervisor.headers, name=f"step {k}", events=["updated"], position=100 - k,
                  conditions={"all": [{"field": "tags", "op": "contains", "value": f"t{k - 1}"}]},
                  actions=[{"type": "add_tag", "value": f"t{k}"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    client.patch(f"/api/v1/tickets/{t['id']}", json={"tags": ["t0"]}, headers=desk.agent1.headers)
    tags = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.admin.headers).json()["tags"]
    assert sorted(tags) == ["t0", "t1", "t2", "t3", "t4", "t5"]


def test_inactive_rule_and_internal_note_do_not_fire(client, desk):
    post_rule(client, desk.supervisor.headers, name="off", events=["created"], active=False,
              conditions={"all": []}, actions=[{"type": "add_tag", "value": "x"}])
    post_rule(client, desk.supervisor.headers, name="on reply", events=["agent_replied"],
              conditions={"all": []}, actions=[{"type": "add_tag", "value": "answered"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    assert t["tags"] == []
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body_text": "hm"},
                headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.admin.headers).json()["tags"] == []
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"body_text": "Try again"}, headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.admin.headers).json()["tags"] == ["answered"]
