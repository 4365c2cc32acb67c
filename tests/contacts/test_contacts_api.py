"""Contacts with several identities, organisations by e-mail domain, and their API errors."""

from __future__ import annotations

from tests.factories import ticket_payload


def test_contact_with_identities_and_organisation_by_domain(client, desk):
    org = client.post("/api/v1/organisations", json={"name": "ООО «Ромашка»", "domains": ["Romashka.example"],
                                                     "tier": "vip"}, headers=desk.agent1.headers)
    assert org.status_code == 201, org.text
    r = client.post("/api/v1/contacts", json={
        "name": "Мария Иванова", "emails": ["Maria@romashka.example"], "phones": ["+7 (999) 123-45-67"],
        "identities": [{"kind": "telegram", "value": "@maria"}], "language": "ru"}, headers=desk.agent1.headers)
    assert r.status_code == 201, r.text
    contact = r.json()
    assert contact["organisation_id"] == org.json()["id"]
    assert {(i["kind"], i["value"]) for i in contact["identities"]} == {
        ("email", "maria@romashka.example"), ("phone", "+79991234567"), ("telegram", "@maria")}
    # Agents see the customers of their teams' tickets (tests/contacts/test_contact_isolation.py); supervisors all.
    found = client.get("/api/v1/contacts?q=romashka", headers=desk.supervisor.headers).json()["items"]
    assert [c["id"] for c in found] == [contact["id"]]
    # A ticket from the same address joins the existing contact and its organisation.
    t = client.post("/api/v1/tickets", json=ticket_payload(customer={"email": "MARIA@romashka.example"}),
                    headers=desk.agent1.headers).json()
    assert t["contact_id"] == contact["id"] and t["organisation_id"] == org.json()["id"]


def test_identity_belongs_to_one_contact(client, desk):
    body = {"name": "A", "emails": ["same@client.example"]}
    assert client.post("/api/v1/contacts", json=body, headers=desk.agent1.headers).status_code == 201
    r = client.post("/api/v1/contacts", json={"name": "B", "emails": ["same@client.example"]},
                    headers=desk.agent1.headers)
    assert r.status_code == 409 and "already belongs" in r.json()["detail"]


def test_contact_errors(client, desk):
    bad = client.post("/api/v1/contacts", json={"emails": ["not an address"]}, headers=desk.agent1.headers)
    assert bad.status_code == 422 and "e-mail" in bad.json()["detail"]
    assert client.get("/api/v1/contacts/424242", headers=desk.agent1.headers).status_code == 404
    r = client.patch("/api/v1/contacts/424242", json={"name": "x"}, headers=desk.agent1.headers)
    assert r.status_code == 404
    dup = client.post("/api/v1/organisations", json={"name": "Dup"}, headers=desk.agent1.headers)
    assert dup.status_code == 201
    again = client.post("/api/v1/organisations", json={"name": "Dup"}, headers=desk.agent1.headers)
    assert again.status_code == 409


def test_contact_paging(client, desk):
    for i in range(5):
        client.post("/api/v1/contacts", json={"name": f"P{i}", "emails": [f"p{i}@client.example"]},
                    headers=desk.agent1.headers)
    sees_all = desk.supervisor.headers
    first = client.get("/api/v1/contacts?limit=3", headers=sees_all).json()
    second = client.get(f"/api/v1/contacts?limit=3&cursor={first['next_cursor']}", headers=sees_all).json()
    names = [c["name"] for c in first["items"] + second["items"]]
    assert names == [f"P{i}" for i in range(5)] and second["next_cursor"] is None


def test_teams_and_users_api(client, desk):
    team = client.post("/api/v1/teams", json={"name": "L3 Engineering", "line": "L3",
                                              "member_ids": [desk.agent2.user.id]}, headers=desk.admin.headers)
    assert team.status_code == 201 and team.json()["member_ids"] == [desk.agent2.user.id]
    me = client.get("/api/v1/me", headers=desk.agent2.headers).json()
    assert team.json()["id"] in me["team_ids"]
    r = client.post("/api/v1/users", json={"email": "x@desk.example", "name": "X", "timezone": "Mars/Olympus"},
                    headers=desk.admin.headers)
    assert r.status_code == 422 and "time zone" in r.json()["detail"]
    r = client.post("/api/v1/teams", json={"name": "T", "member_ids": [999999]}, headers=desk.admin.headers)
    assert r.status_code == 422
