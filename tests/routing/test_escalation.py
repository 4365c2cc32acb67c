"""Escalation L1 -> L2 -> L3 with reasons in the history, de-escalation, and visibility moving along."""

from __future__ import annotations

from tests.factories import make_agent, make_team, ticket_payload


def test_escalation_chain_and_history(client, database, desk):
    l3 = make_team(database, "Third line", "L3")
    engineer = make_agent(database, teams=[l3], line="L3")
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    assert t["line"] == "L1"
    r = client.post(
        f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "Needs a log analysis"}, headers=desk.agent1.headers
    )
    assert r.status_code == 200, r.text
    assert (r.json()["line"], r.json()["team_id"]) == ("L2", desk.l2.id)
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).status_code == 404
    r = client.post(
        f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "Bug in the exporter"}, headers=desk.agent2.headers
    )
    assert (r.json()["line"], r.json()["team_id"]) == ("L3", l3.id)
    last = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "more"}, headers=engineer.headers)
    assert last.status_code == 422 and "last line" in last.json()["detail"]
    back = client.post(
        f"/api/v1/tickets/{t['id']}/deescalate",
        json={"reason": "Fixed, L1 tells the customer"},
        headers=engineer.headers,
    )
    assert (back.json()["line"], back.json()["team_id"]) == ("L1", desk.l1.id)
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.admin.headers).json()
    moves = [
        (e["kind"], e["old_value"], e["new_value"], e["data"]["reason"])
        for e in events
        if e["kind"] in ("escalated", "deescalated")
    ]
    assert moves == [
        ("escalated", "L1", "L2", "Needs a log analysis"),
        ("escalated", "L2", "L3", "Bug in the exporter"),
        ("deescalated", "L3", "L1", "Fixed, L1 tells the customer"),
    ]
    assert all(e["actor_user_id"] for e in events if e["kind"] in ("escalated", "deescalated"))


def test_escalation_needs_a_reason_and_a_target(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    r = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": ""}, headers=desk.agent1.headers)
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "x", "team_id": 999999}, headers=desk.agent1.headers
    )
    assert r.status_code == 422
    hidden = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent2.headers).json()
    r = client.post(f"/api/v1/tickets/{hidden['id']}/escalate", json={"reason": "x"}, headers=desk.agent1.headers)
    assert r.status_code == 404


def test_escalation_team_from_routing_settings(client, database, desk):
    billing_l2 = make_team(database, "Billing experts", "L2")
    client.put(
        f"/api/v1/teams/{desk.l1.id}/routing",
        json={"strategy": "manual", "escalation_team_id": billing_l2.id},
        headers=desk.admin.headers,
    )
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    r = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "refund"}, headers=desk.agent1.headers)
    assert r.json()["team_id"] == billing_l2.id


def test_sentiment_is_stored_for_customer_messages(client, desk):
    t = client.post(
        "/api/v1/tickets", json=ticket_payload(description="Ужасно, ничего не работает!!!"), headers=desk.agent1.headers
    ).json()
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Спасибо, всё заработало!"})
    scores = client.get(f"/api/v1/tickets/{t['id']}/sentiment", headers=desk.agent1.headers).json()
    assert [s["label"] for s in scores] == ["negative", "positive"]


def test_deescalation_returns_to_the_team_the_ticket_came_from(client, database, desk):
    """Two L1 teams: a ticket escalated from the second one comes back to it, not to the first L1 team by id."""
    other_l1 = make_team(database, "First line, Berlin", "L1")
    agent = make_agent(database, teams=[other_l1])
    t = client.post("/api/v1/tickets", json=ticket_payload(team_id=other_l1.id), headers=agent.headers).json()
    up = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "needs an engineer"},
                     headers=agent.headers)
    assert up.status_code == 200, up.text
    assert up.json()["team_id"] == desk.l2.id
    down = client.post(f"/api/v1/tickets/{t['id']}/deescalate", json={"reason": "answer ready"},
                       headers=desk.admin.headers)
    assert down.status_code == 200, down.text
    assert (down.json()["team_id"], down.json()["line"]) == (other_l1.id, "L1")
