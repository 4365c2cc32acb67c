"""Rules are compiled once per configuration version: an edit is seen by the next ticket, and a new ticket's facts
(tags, sentiment, fields) come from its creation snapshot without changing what matches."""

from __future__ import annotations

from sqlalchemy import select

from frontline.rules import engine
from frontline.rules.models import Rule
from tests.factories import ticket_payload
from tests.rules.conftest import post_rule


def _tags(client, desk, **payload) -> list[str]:
    t = client.post("/api/v1/tickets", json=ticket_payload(**payload), headers=desk.agent1.headers).json()
    return sorted(client.get(f"/api/v1/tickets/{t['id']}", headers=desk.admin.headers).json()["tags"])


def test_rule_edits_are_seen_by_the_next_ticket(client, desk):
    body = {"name": "Mark logins", "events": ["created"], "actions": [{"type": "add_tag", "value": "login"}],
            "conditions": {"all": [{"field": "subject", "op": "contains", "value": "LOG IN"}]}}
    rule = post_rule(client, desk.supervisor.headers, **body)
    assert _tags(client, desk, subject="Cannot log in") == ["login"]
    body["conditions"] = {"all": [{"field": "subject", "op": "contains", "value": "password"}]}
    assert client.put(f"/api/v1/rules/{rule['id']}", json=body, headers=desk.supervisor.headers).status_code == 200
    assert _tags(client, desk, subject="Cannot log in") == []
    assert _tags(client, desk, subject="Forgot my Password") == ["login"]
    assert client.put(f"/api/v1/rules/{rule['id']}", json={**body, "active": False},
                      headers=desk.supervisor.headers).status_code == 200
    assert _tags(client, desk, subject="Forgot my password") == []


def test_an_orm_edit_without_updated_at_still_invalidates(client, database, desk):
    rule = post_rule(client, desk.supervisor.headers, name="vip", events=["created"],
                     conditions={"all": [{"field": "tags", "op": "contains", "value": "vip"}]},
                     actions=[{"type": "add_tag", "value": "seen"}])
    with database.session() as db:
        cached = engine.config(db)
        assert engine.config(db) is cached  # unchanged: the compiled rules are reused
    assert _tags(client, desk, tags=["vip"]) == ["seen", "vip"]
    with database.session() as db:  # e.g. an admin page that only sets the field it edits
        db.scalar(select(Rule).where(Rule.id == rule["id"])).active = False
    assert _tags(client, desk, tags=["vip"]) == ["vip"]


def test_new_ticket_facts_from_the_snapshot(client, desk):
    """Sentiment, tags, channel, priority and text of a new ticket, as rules on `created` see them."""
    post_rule(client, desk.supervisor.headers, name="angry vip", events=["created"],
              conditions={"all": [{"field": "sentiment_label", "op": "eq", "value": "negative"},
                                  {"field": "sentiment_score", "op": "lt", "value": -0.2},
                                  {"field": "tags", "op": "contains", "value": ["VIP", "gold"]},
                                  {"field": "priority", "op": "gte", "value": "normal"},
                                  {"field": "channel", "op": "eq", "value": "email"},
                                  {"field": "text", "op": "contains", "value": "БЕЗОБРАЗИЕ"},
                                  {"field": "hours_since_created", "op": "lt", "value": 1},
                                  {"field": "assignee_id", "op": "not_set"}]},
              actions=[{"type": "add_tag", "value": "escalate-me"}])
    angry = "Не работает, опять ошибка. Безобразие!"
    assert _tags(client, desk, tags=["vip"], channel="email", description=angry) == ["escalate-me", "vip"]
    assert _tags(client, desk, tags=["vip"], channel="email", description="Thanks a lot") == ["vip"]
    assert _tags(client, desk, tags=["vip"], channel="web", description=angry) == ["vip"]
    assert _tags(client, desk, tags=["other"], channel="email", description=angry) == ["other"]
