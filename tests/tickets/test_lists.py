"""Ticket lists: filters, sort orders and cursor pagination that neither skips nor repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import ticket_payload


@pytest.fixture
def tickets(client, desk):
    made = []
    specs = [("low", ["billing"]), ("urgent", ["bug"]), ("normal", []), ("high", ["bug", "vip"]), ("urgent", [])]
    for i, (priority, tags) in enumerate(specs * 3):
        team = desk.l1 if i % 2 == 0 else desk.l2
        body = ticket_payload(
            priority=priority, tags=tags, team_id=team.id, assignee_id=desk.agent1.user.id if i % 3 == 0 else None
        )
        made.append(client.post("/api/v1/tickets", json=body, headers=desk.admin.headers).json())
    return made


def _all_pages(client, agent, query: str, limit: int = 4) -> list[dict]:
    items, cursor = [], None
    while True:
        url = f"/api/v1/tickets?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        r = client.get(url, headers=agent.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("sort", ["-created", "created", "-updated", "updated", "priority"])
def test_pages_cover_everything_once_in_order(client, desk, tickets, sort):
    items = _all_pages(client, desk.admin, f"sort={sort}")
    assert sorted(t["id"] for t in items) == sorted(t["id"] for t in tickets)
    rank = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
    keys = {
        "-created": lambda t: (t["created_at"], t["id"]),
        "created": lambda t: (t["created_at"], t["id"]),
        "-updated": lambda t: (t["updated_at"], t["id"]),
        "updated": lambda t: (t["updated_at"], t["id"]),
        "priority": lambda t: (-rank[t["priority"]], t["created_at"], t["id"]),
    }
    expected = sorted(items, key=keys[sort], reverse=sort.startswith("-"))
    assert [t["id"] for t in items] == [t["id"] for t in expected]


def test_filters(client, desk, tickets):
    def ids(query):
        return {t["id"] for t in _all_pages(client, desk.admin, query, limit=50)}

    assert ids("priority=urgent") == {t["id"] for t in tickets if t["priority"] == "urgent"}
    assert ids("priority=urgent&priority=low") == {t["id"] for t in tickets if t["priority"] in ("urgent", "low")}
    assert ids(f"team_id={desk.l2.id}") == {t["id"] for t in tickets if t["team_id"] == desk.l2.id}
    assert ids("tag=bug") == {t["id"] for t in tickets if "bug" in t["tags"]}
    assert ids("tag=BUG") == ids("tag=bug")
    assert ids("assignee=none") == {t["id"] for t in tickets if t["assignee_id"] is None}
    assert ids(f"assignee={desk.agent1.user.id}") == {t["id"] for t in tickets if t["assignee_id"]}
    assert ids("line=L2") == {t["id"] for t in tickets if t["line"] == "L2"}
    assert ids("status=new") == {t["id"] for t in tickets}
    assert ids("status=open") == set()
    one = tickets[0]
    assert ids(f"contact_id={one['contact_id']}") == {one["id"]}
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"created_after={future}") == set()
    assert ids(f"created_before={future}") == {t["id"] for t in tickets}


def test_assignee_me(client, desk, tickets):
    mine = _all_pages(client, desk.agent1, "assignee=me", limit=50)
    assert mine and all(t["assignee_id"] == desk.agent1.user.id for t in mine)


def test_merge_moves_conversation_and_points_to_survivor(client, desk):
    a = client.post("/api/v1/tickets", json=ticket_payload(tags=["x"]), headers=desk.agent1.headers).json()
    b = client.post("/api/v1/tickets", json=ticket_payload(tags=["y"]), headers=desk.agent1.headers).json()
    client.post(f"/api/v1/tickets/{a['id']}/messages", json={"body_text": "reply on A"}, headers=desk.agent1.headers)
    r = client.post(f"/api/v1/tickets/{a['number']}/merge", json={"into": b["number"]}, headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["x", "y"]
    merged = client.get(f"/api/v1/tickets/{a['id']}", headers=desk.agent1.headers).json()
    assert merged["merged_into"] == b["number"] and merged["status"] == "closed"
    texts = [
        m["body_text"] for m in client.get(f"/api/v1/tickets/{b['id']}/messages", headers=desk.agent1.headers).json()
    ]
    assert "reply on A" in texts and len(texts) == 3
    kinds = [e["kind"] for e in client.get(f"/api/v1/tickets/{b['id']}/events", headers=desk.agent1.headers).json()]
    assert kinds.count("created") == 2 and "merged" in kinds
    listed = {t["id"] for t in client.get("/api/v1/tickets", headers=desk.agent1.headers).json()["items"]}
    assert a["id"] not in listed and b["id"] in listed
    again = client.post(f"/api/v1/tickets/{a['id']}/merge", json={"into": b["number"]}, headers=desk.agent1.headers)
    assert again.status_code == 422
    self_merge = client.post(
        f"/api/v1/tickets/{b['id']}/merge", json={"into": b["number"]}, headers=desk.agent1.headers
    )
    assert self_merge.status_code == 422


def test_merge_into_invisible_ticket_is_not_found(client, desk):
    a = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    hidden = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent2.headers).json()
    r = client.post(f"/api/v1/tickets/{a['id']}/merge", json={"into": hidden["number"]}, headers=desk.agent1.headers)
    assert r.status_code == 404
