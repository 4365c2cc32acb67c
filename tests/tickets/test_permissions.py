"""The permission matrix: who sees which ticket, and that outsiders learn nothing (404, not 403)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr

from frontline.accounts.auth import authenticate_ticket_link, ticket_link_token
from frontline.kit.errors import Unauthorized
from tests.factories import make_agent, ticket_payload


def _create(client, agent, **kw):
    r = client.post("/api/v1/tickets", json=ticket_payload(**kw), headers=agent.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_agent_outside_team_gets_404_like_missing(client, desk):
    ticket = _create(client, desk.agent1)
    for path in (f"/api/v1/tickets/{ticket['number']}", f"/api/v1/tickets/{ticket['id']}/messages",
                 f"/api/v1/tickets/{ticket['id']}/events"):
        assert client.get(path, headers=desk.agent2.headers).status_code == 404
    missing = client.get("/api/v1/tickets/FL-99999999", headers=desk.agent2.headers)
    hidden = client.get(f"/api/v1/tickets/{ticket['number']}", headers=desk.agent2.headers)
    assert missing.status_code == hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    r = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "open"}, headers=desk.agent2.headers)
    assert r.status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=desk.agent1.headers).json()["status"] == "new"


def test_lists_show_only_visible_tickets(client, desk):
    mine = _create(client, desk.agent1)
    theirs = _create(client, desk.agent2)
    ids1 = {t["id"] for t in client.get("/api/v1/tickets", headers=desk.agent1.headers).json()["items"]}
    ids2 = {t["id"] for t in client.get("/api/v1/tickets", headers=desk.agent2.headers).json()["items"]}
    assert mine["id"] in ids1 and theirs["id"] not in ids1
    assert theirs["id"] in ids2 and mine["id"] not in ids2
    for boss in (desk.admin, desk.supervisor):
        ids = {t["id"] for t in client.get("/api/v1/tickets", headers=boss.headers).json()["items"]}
        assert {mine["id"], theirs["id"]} <= ids


def test_assignee_outside_team_still_sees_ticket(client, desk):
    ticket = _create(client, desk.agent1, assignee_id=desk.agent2.user.id)
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=desk.agent2.headers).status_code == 200


def test_escalation_moves_visibility_to_the_next_line(client, desk):
    ticket = _create(client, desk.agent1)
    r = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"team_id": desk.l2.id, "line": "L2"},
                     headers=desk.agent1.headers)
    assert r.status_code == 200
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=desk.agent2.headers).status_code == 200
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=desk.agent1.headers).status_code == 404


def test_customer_a_cannot_reach_customer_b(client, desk, settings):
    a = _create(client, desk.agent1, customer={"email": "a@client.example"})
    b = _create(client, desk.agent1, customer={"email": "b@client.example"})
    link_a = a["customer_link"].rsplit("/", 1)[-1]
    view = client.get(f"/api/v1/portal/{link_a}")
    assert view.status_code == 200 and view.json()["number"] == a["number"]
    # A's link gives nothing of B: not B's messages, not B's attachments, and no agent API at all.
    assert b["subject"] not in view.text
    assert client.get(f"/api/v1/tickets/{b['id']}", headers={"Authorization": f"Bearer {link_a}"}).status_code == 401
    b_upload = client.post(f"/api/v1/tickets/{b['id']}/attachments", headers=desk.agent1.headers,
                           files={"file": ("b.txt", b"secret of B", "text/plain")}).json()
    assert client.get(f"/api/v1/portal/{link_a}/attachments/{b_upload['id']}").status_code == 404


def test_internal_notes_never_reach_the_customer(client, desk):
    t = _create(client, desk.agent1)
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body_text": "VIP, be careful"},
                headers=desk.agent1.headers)
    client.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body_text": "Hello!"},
                headers=desk.agent1.headers)
    view = client.get(f"/api/v1/portal/{t['customer_link'].rsplit('/', 1)[-1]}").json()
    assert [m["kind"] for m in view["messages"]] == ["inbound", "reply"]
    assert "VIP" not in str(view)


def test_expired_and_forged_links(client, desk, settings):
    t = _create(client, desk.agent1)
    other_key = settings.model_copy(update={"secret_key": SecretStr("other")})
    forged = ticket_link_token(other_key, ticket_id=t["id"], contact_id=None)
    r = client.get(f"/api/v1/portal/{forged}")
    assert r.status_code == 401 and "not valid" in r.json()["detail"]
    serializer = URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt="frontline.ticket-link")
    old = serializer.dumps([t["id"], t["contact_id"]])
    expired = settings.model_copy(update={"customer_link_days": -1})
    with pytest.raises(Unauthorized, match="expired"):
        authenticate_ticket_link(expired, old)


def test_expired_link_over_http(client, desk, settings):
    t = _create(client, desk.agent1)
    link = t["customer_link"].rsplit("/", 1)[-1]
    client.app.state.settings = settings.model_copy(update={"customer_link_days": -1})
    r = client.get(f"/api/v1/portal/{link}")
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_revoked_and_expired_tokens(client, database, desk):
    revoked = client.post("/api/v1/tokens", json={"name": "ci"}, headers=desk.agent1.headers).json()
    headers = {"Authorization": f"Bearer {revoked['token']}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{revoked['id']}", headers=desk.agent1.headers).status_code == 200
    r = client.get("/api/v1/tickets", headers=headers)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    old = make_agent(database, teams=[desk.l1], token_ttl=timedelta(seconds=-1))
    r = client.get("/api/v1/tickets", headers=old.headers)
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert client.get("/api/v1/tickets", headers={"Authorization": "Bearer fl_nonsense"}).status_code == 401
    assert client.get("/api/v1/tickets").status_code == 401


def test_read_only_token_cannot_write(client, database, desk):
    reader = make_agent(database, teams=[desk.l1], scopes=["read"])
    assert client.get("/api/v1/tickets", headers=reader.headers).status_code == 200
    r = client.post("/api/v1/tickets", json=ticket_payload(), headers=reader.headers)
    assert r.status_code == 403 and "write" in r.json()["detail"]


def test_tokens_of_others_are_invisible(client, desk):
    token = client.post("/api/v1/tokens", json={"name": "mine"}, headers=desk.agent1.headers).json()
    assert client.delete(f"/api/v1/tokens/{token['id']}", headers=desk.agent2.headers).status_code == 404
    assert token["id"] not in [t["id"] for t in client.get("/api/v1/tokens", headers=desk.agent2.headers).json()]


def test_only_admins_manage_users_and_teams(client, desk):
    body = {"email": "new@desk.example", "name": "New"}
    assert client.post("/api/v1/users", json=body, headers=desk.agent1.headers).status_code == 403
    assert client.post("/api/v1/users", json=body, headers=desk.supervisor.headers).status_code == 403
    assert client.post("/api/v1/users", json=body, headers=desk.admin.headers).status_code == 201
    assert client.post("/api/v1/teams", json={"name": "X"}, headers=desk.agent1.headers).status_code == 403
