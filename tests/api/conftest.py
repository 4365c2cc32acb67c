"""A desk with one object of every kind, made through the API, for the fuzzer and the authorization matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import Desk, ticket_payload

RAW_MAIL = (b"From: Ann Customer <ann@client.example>\r\nTo: support@desk.example\r\nSubject: Printer on fire\r\n"
            b"Message-ID: <seed-1@client.example>\r\n\r\nIt is burning.\r\n")


@dataclass
class Seeded:
    """Ids of real objects, keyed by the path parameter names that take them."""

    ids: dict[str, Any] = field(default_factory=dict)
    ticket: dict[str, Any] = field(default_factory=dict)
    link: str = ""


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def seed_objects(client: TestClient, desk: Desk) -> Seeded:
    admin = desk.admin.headers
    ticket = _ok(client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=admin))
    other = _ok(client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l2.id), headers=admin))
    upload = _ok(client.post(f"/api/v1/tickets/{ticket['id']}/attachments", files={"file": ("a.txt", b"hello")},
                             headers=admin))
    note = {"body_text": "See the file.", "attachment_ids": [upload["id"]]}
    _ok(client.post(f"/api/v1/tickets/{ticket['id']}/messages", json=note, headers=admin))
    link = _ok(client.post(f"/api/v1/tickets/{ticket['id']}/customer-link", headers=admin))["token"]
    org = _ok(client.post("/api/v1/organisations", json={"name": "Client Ltd", "domains": ["client.example"]},
                          headers=admin))
    spare = _ok(client.post("/api/v1/tokens", json={"name": "spare", "scopes": ["read"]}, headers=admin))
    calendar = _ok(client.post("/api/v1/sla/calendars", json={"name": "Office", "weekly_hours": {
        "mon-fri": "09:00-18:00"}}, headers=admin))
    policy = _ok(client.post("/api/v1/sla/policies", json={"name": "Standard", "first_response_minutes": 60,
                                                          "calendar_id": calendar["id"]}, headers=admin))
    hook = {"name": "hook", "url": "https://hooks.example/in", "secret": "s" * 20, "events": ["ticket.created"],
            "active": False}
    webhook = _ok(client.post("/api/v1/webhooks", json=hook, headers=admin))
    rule = _ok(client.post("/api/v1/rules", json={"name": "tag urgent", "kind": "trigger", "events": ["created"],
                                                  "conditions": {"all": [{"field": "subject", "op": "contains",
                                                                          "value": "urgent"}]},
                                                  "actions": [{"type": "add_tag", "value": "urgent"}]},
                           headers=admin))
    mailbox = _ok(client.post("/api/v1/mailboxes", json={"name": "support", "address": "support@desk.example",
                                                         "team_id": desk.l1.id}, headers=admin))
    ids = {"ref": str(ticket["id"]), "attachment_id": upload["id"], "link": link, "user_id": desk.agent1.user.id,
           "team_id": desk.l1.id, "token_id": spare["id"], "contact_id": ticket["contact_id"], "org_id": org["id"],
           "calendar_id": calendar["id"], "policy_id": policy["id"], "webhook_id": webhook["id"],
           "rule_id": rule["id"], "name": mailbox["name"], "other_ref": str(other["id"])}
    return Seeded(ids=ids, ticket=ticket, link=link)


@pytest.fixture
def seeded(client: TestClient, desk: Desk) -> Seeded:
    return seed_objects(client, desk)
