"""Every field change leaves a history entry (who, when, field, old -> new); security actions are logged."""

from __future__ import annotations

from sqlalchemy import select

from frontline.accounts.models import AuditLog
from tests.factories import ticket_payload


def test_every_field_change_is_recorded(client, desk, database):
    t = client.post(
        "/api/v1/tickets", json=ticket_payload(subject="Old", tags=["a"]), headers=desk.agent1.headers
    ).json()
    changes = {
        "subject": "New",
        "priority": "urgent",
        "status": "open",
        "category": "Billing",
        "tags": ["b", "a"],
        "team_id": desk.l2.id,
        "line": "L2",
        "assignee_id": desk.agent2.user.id,
    }
    r = client.patch(f"/api/v1/tickets/{t['id']}", json=changes, headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.admin.headers).json()
    changed = {e["field"]: e for e in events if e["kind"] == "changed"}
    assert set(changed) == {"subject", "priority", "status", "category", "tags", "team_id", "line", "assignee_id"}
    assert (changed["subject"]["old_value"], changed["subject"]["new_value"]) == ("Old", "New")
    assert (changed["priority"]["old_value"], changed["priority"]["new_value"]) == ("normal", "urgent")
    assert (changed["status"]["old_value"], changed["status"]["new_value"]) == ("new", "open")
    assert (changed["tags"]["old_value"], changed["tags"]["new_value"]) == ("a", "a, b")
    assert changed["category"]["old_value"] is None and changed["category"]["new_value"] == "Billing"
    assert changed["team_id"]["new_value"] == str(desk.l2.id)
    assert changed["line"]["old_value"] == "L1"
    for e in changed.values():
        assert e["actor_kind"] == "agent" and e["actor_user_id"] == desk.agent1.user.id and e["created_at"]
    # A PATCH that changes nothing records nothing.
    client.patch(f"/api/v1/tickets/{t['id']}", json={"subject": "New"}, headers=desk.admin.headers)
    assert len(client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.admin.headers).json()) == len(events)


def test_customer_actions_are_attributed_to_the_customer(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.post(f"/api/v1/portal/{link}/solve")
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.agent1.headers).json()
    solved = [e for e in events if e["field"] == "status"][-1]
    assert solved["actor_kind"] == "customer" and solved["actor_contact_id"] == t["contact_id"]


def test_security_actions_are_audited(client, desk, database):
    client.post("/api/v1/auth/login", json={"email": desk.agent1.user.email, "password": "wrong"})
    client.post("/api/v1/auth/login", json={"email": desk.agent1.user.email, "password": "correct horse battery"})
    token = client.post("/api/v1/tokens", json={"name": "ci"}, headers=desk.agent1.headers).json()
    client.delete(f"/api/v1/tokens/{token['id']}", headers=desk.agent1.headers)
    client.patch(f"/api/v1/users/{desk.agent1.user.id}", json={"role": "supervisor"}, headers=desk.admin.headers)
    client.patch(f"/api/v1/users/{desk.agent1.user.id}", json={"team_ids": [desk.l2.id]}, headers=desk.admin.headers)
    with database.session(write=False) as db:
        actions = [(a.action, a.actor_user_id) for a in db.scalars(select(AuditLog).order_by(AuditLog.id))]
    me, admin = desk.agent1.user.id, desk.admin.user.id
    for expected in [
        ("login.failure", me),
        ("login.success", me),
        ("token.created", me),
        ("token.revoked", me),
        ("user.role_changed", admin),
        ("user.teams_changed", admin),
    ]:
        assert expected in actions, (expected, actions)
