"""Creating, reading and listing tickets over the API."""

from __future__ import annotations

from tests.factories import ticket_payload


def test_create_and_read_back(client, desk):
    r = client.post("/api/v1/tickets", json=ticket_payload(subject="Счёт не пришёл"), headers=desk.agent1.headers)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["number"] == f"FL-{created['id']}"
    assert created["id"] >= 10001
    assert created["status"] == "new"
    assert created["team_id"] == desk.l1.id and created["line"] == "L1"
    assert created["customer_link"].startswith("http")
    got = client.get(f"/api/v1/tickets/{created['number']}", headers=desk.agent1.headers).json()
    assert got["subject"] == "Счёт не пришёл"
    messages = client.get(f"/api/v1/tickets/{created['id']}/messages", headers=desk.agent1.headers).json()
    assert [m["kind"] for m in messages] == ["inbound"]
    assert messages[0]["author_contact_id"] == created["contact_id"]


def test_numbers_are_unique_and_increasing(client, desk):
    numbers = [
        client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()["id"]
        for _ in range(3)
    ]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_openapi_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tickets" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/tickets"]
