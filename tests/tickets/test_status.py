"""The ticket life cycle: allowed and refused status changes, reopen counting, timestamps."""

from __future__ import annotations

import pytest

from frontline.tickets.status import TRANSITIONS
from tests.factories import ticket_payload

STATUSES = list(TRANSITIONS)


def _ticket(client, agent, status="new"):
    return client.post("/api/v1/tickets", json=ticket_payload(status=status) if status != "new" else ticket_payload(),
                       headers=agent.headers).json()


def _move_to(client, agent, tid, status):
    path = {"new": [], "open": ["open"], "pending": ["pending"], "on_hold": ["on_hold"], "solved": ["solved"],
            "closed": ["solved", "closed"]}[status]
    for step in path:
        r = client.patch(f"/api/v1/tickets/{tid}", json={"status": step}, headers=agent.headers)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("old", STATUSES)
def test_every_transition_is_allowed_or_refused_cleanly(client, desk, old):
    for new in STATUSES:
        if new == old:
            continue
        t = _ticket(client, desk.agent1)
        _move_to(client, desk.agent1, t["id"], old)
        events_before = len(client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.agent1.headers).json())
        r = client.patch(f"/api/v1/tickets/{t['id']}", json={"status": new}, headers=desk.agent1.headers)
        if new in TRANSITIONS[old]:
            assert r.status_code == 200, (old, new, r.text)
            assert r.json()["status"] == new
        else:
            assert r.status_code == 409, (old, new)
            assert r.headers["content-type"] == "application/problem+json"
            assert f"'{old}' to '{new}'" in r.json()["detail"]
            after = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()
            assert after["status"] == old
            events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.agent1.headers).json()
            assert len(events) == events_before


def test_reopen_counts_and_stamps(client, desk):
    t = _ticket(client, desk.agent1)
    solved = client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "solved"}, headers=desk.agent1.headers).json()
    assert solved["solved_at"] is not None
    reopened = client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "open"}, headers=desk.agent1.headers).json()
    assert reopened["reopen_count"] == 1 and reopened["solved_at"] is None
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "solved"}, headers=desk.agent1.headers)
    closed = client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "closed"}, headers=desk.agent1.headers).json()
    assert closed["closed_at"] is not None and closed["reopen_count"] == 1
    kinds = [e["kind"] for e in client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.agent1.headers).json()]
    assert "reopened" in kinds


def test_customer_reply_reopens_solved_and_wakes_pending(client, desk):
    t = _ticket(client, desk.agent1)
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "pending"}, headers=desk.agent1.headers)
    assert client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "Here you go"}).status_code == 201
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()["status"] == "open"
    assert client.post(f"/api/v1/portal/{link}/solve").json()["status"] == "solved"
    client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "It broke again"})
    after = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()
    assert after["status"] == "open" and after["reopen_count"] == 1


def test_closed_ticket_refuses_customer_and_agent_replies(client, desk):
    t = _ticket(client, desk.agent1)
    _move_to(client, desk.agent1, t["id"], "closed")
    link = t["customer_link"].rsplit("/", 1)[-1]
    r = client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "hello?"})
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    r = client.post(f"/api/v1/tickets/{t['id']}/messages", json={"body_text": "x"}, headers=desk.agent1.headers)
    assert r.status_code == 409


def test_first_reply_opens_and_stamps_first_response(client, desk):
    t = _ticket(client, desk.agent1)
    r = client.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body_text": "checking"},
                    headers=desk.agent1.headers)
    assert r.status_code == 201
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()["first_response_at"] is None
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"body_text": "On it"}, headers=desk.agent1.headers)
    after = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()
    assert after["status"] == "open" and after["first_response_at"] is not None
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"body_text": "Waiting", "status": "pending"},
                headers=desk.agent1.headers)
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()["status"] == "pending"
