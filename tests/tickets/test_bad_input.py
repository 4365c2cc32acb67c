"""Bad input gets a clear 4xx problem+json and changes nothing; nothing produces a 500."""

from __future__ import annotations

import pytest

from tests.factories import ticket_payload

PROBLEM = "application/problem+json"


def _assert_problem(r, status: int, *words: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


def _count(client, agent) -> int:
    return len(client.get("/api/v1/tickets?limit=200", headers=agent.headers).json()["items"])


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"subject": ""}, "subject"),
        ({"description": "no subject"}, "subject"),
        ({"subject": "x", "priority": "apocalyptic"}, "priority"),
        ({"subject": "x", "customer": {"email": "not-an-email"}}, "email"),
        ({"subject": "x", "colour": "red"}, "colour"),
        ({"subject": "x" * 501}, "subject"),
        ({"subject": "x", "tags": ["two words"]}, "tag"),
        ({"subject": "x", "status": "closed"}, "status"),
        ({"subject": "x", "team_id": 424242}, "team"),
        ({"subject": "x", "assignee_id": 424242}, "agent"),
        ({"subject": "x", "contact_id": 1, "customer": {"email": "a@b.example"}}, "not both"),
    ],
)
def test_invalid_ticket_payloads(client, desk, body, word):
    r = client.post("/api/v1/tickets", json=body, headers=desk.agent1.headers)
    assert r.status_code == 422
    _assert_problem(r, 422, word)
    assert _count(client, desk.agent1) == 0


def test_malformed_json_and_wrong_types(client, desk):
    r = client.post("/api/v1/tickets", content=b"{not json", headers={**desk.agent1.headers,
                                                                      "content-type": "application/json"})
    _assert_problem(r, 422)
    _assert_problem(client.post("/api/v1/tickets", json=[1, 2], headers=desk.agent1.headers), 422)
    _assert_problem(client.patch("/api/v1/tickets/FL-1", json={"priority": 5}, headers=desk.agent1.headers), 422)


def test_unknown_filters_and_bad_cursor(client, desk):
    body = _assert_problem(client.get("/api/v1/tickets?stauts=open", headers=desk.agent1.headers), 422, "stauts")
    assert body["errors"][0]["loc"] == ["query", "stauts"]
    _assert_problem(client.get("/api/v1/tickets?status=sleeping", headers=desk.agent1.headers), 422)
    _assert_problem(client.get("/api/v1/tickets?sort=colour", headers=desk.agent1.headers), 422, "sort")
    _assert_problem(client.get("/api/v1/tickets?cursor=garbage!!", headers=desk.agent1.headers), 422, "cursor")
    _assert_problem(client.get("/api/v1/tickets?limit=100000", headers=desk.agent1.headers), 422)
    _assert_problem(client.get("/api/v1/tickets?assignee=someone", headers=desk.agent1.headers), 422, "assignee")
    _assert_problem(client.get("/api/v1/tickets?created_after=yesterday", headers=desk.agent1.headers), 422)


def test_patch_invalid_changes_nothing(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    r = client.patch(f"/api/v1/tickets/{t['id']}", json={"subject": "New", "team_id": 999999},
                     headers=desk.agent1.headers)
    _assert_problem(r, 422, "team")
    after = client.get(f"/api/v1/tickets/{t['id']}", headers=desk.agent1.headers).json()
    assert after["subject"] == t["subject"]
    events = client.get(f"/api/v1/tickets/{t['id']}/events", headers=desk.agent1.headers).json()
    assert [e["kind"] for e in events] == ["created"]
    _assert_problem(client.patch(f"/api/v1/tickets/{t['id']}", json={"status": None}, headers=desk.agent1.headers),
                    422, "status")


def test_oversized_attachment_is_refused_and_not_kept(client, desk, settings):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    big = b"x" * (settings.max_attachment_bytes + 1)
    r = client.post(f"/api/v1/tickets/{t['id']}/attachments", files={"file": ("big.bin", big)},
                    headers=desk.agent1.headers)
    _assert_problem(r, 413, "MiB")
    stored = [p for p in (settings.data_dir / "attachments").rglob("*") if p.is_file()]
    assert stored == []


def test_unknown_routes_and_methods(client, desk):
    _assert_problem(client.get("/api/v1/nothing-here", headers=desk.agent1.headers), 404)
    _assert_problem(client.put("/api/v1/tickets", headers=desk.agent1.headers), 405)
    _assert_problem(client.get("/api/v1/tickets/not-a-number", headers=desk.agent1.headers), 404)
    _assert_problem(client.get("/api/v1/tickets/FL-99999999999999999999", headers=desk.agent1.headers), 404)


def test_bad_message_bodies(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    path = f"/api/v1/tickets/{t['id']}/messages"
    _assert_problem(client.post(path, json={"body_text": "  "}, headers=desk.agent1.headers), 422, "message needs")
    _assert_problem(client.post(path, json={"body_text": "x", "kind": "inbound"}, headers=desk.agent1.headers), 422)
    _assert_problem(client.post(path, json={"body_text": "x", "attachment_ids": [987654]},
                                headers=desk.agent1.headers), 422, "987654")
    assert len(client.get(path, headers=desk.agent1.headers).json()) == 1
    client.patch(f"/api/v1/tickets/{t['id']}", json={"status": "solved"}, headers=desk.agent1.headers)
    # The status change fails, so the whole request rolls back: no half-done reply is left behind.
    _assert_problem(client.post(path, json={"body_text": "x", "status": "on_hold"}, headers=desk.agent1.headers),
                    409, "'solved' to 'on_hold'")
    assert len(client.get(path, headers=desk.agent1.headers).json()) == 1


# --- no 500 on any input (issue 10, section 4): each of these answered 500 before ---

BIG = 2**31  # one past PostgreSQL's integer columns
HUGE = 2**63  # one past SQLite's


def test_date_filter_without_time_zone_is_a_422(client, desk):
    r = client.get("/api/v1/tickets?created_after=2026-01-01T00:00:00", headers=desk.agent1.headers)
    _assert_problem(r, 422, "created_after")
    ok = client.get("/api/v1/tickets?created_after=2026-01-01T00:00:00Z", headers=desk.agent1.headers)
    assert ok.status_code == 200


@pytest.mark.parametrize("number", [BIG, HUGE])
def test_ids_beyond_the_column_range_are_a_422(client, desk, number):
    h = desk.admin.headers
    for path in (f"/api/v1/users/{number}", f"/api/v1/teams/{number}", f"/api/v1/contacts/{number}",
                 f"/api/v1/attachments/{number}", f"/api/v1/raw-emails/{number}", f"/api/v1/rules/{number}",
                 f"/api/v1/tickets?team_id={number}", f"/api/v1/tickets?contact_id={number}",
                 f"/api/v1/contacts?cursor={number}", f"/api/v1/planner/contracts?team_id={number}"):
        _assert_problem(client.get(path, headers=h), 422)
    assert client.get(f"/api/v1/tickets/FL-{number}", headers=h).status_code == 404
    for body in ({"team_id": number}, {"assignee_id": number}, {"contact_id": number, "customer": None}):
        _assert_problem(client.post("/api/v1/tickets", json=ticket_payload(**body), headers=h), 422)
    _assert_problem(client.post("/api/v1/users", json={"email": "n@desk.example", "name": "N", "team_ids": [number]},
                                headers=h), 422)
    _assert_problem(client.patch(f"/api/v1/users/{desk.agent1.user.id}", json={"team_ids": [number]}, headers=h), 422)
    _assert_problem(client.post("/api/v1/sla/policies", json={"name": "p", "position": HUGE}, headers=h), 422)


def test_ids_beyond_the_column_range_in_pages_are_a_4xx(browser_for, desk):
    browser = browser_for(desk.admin)
    for path in (f"/ui/admin/rules/{HUGE}", f"/ui/admin/sla/policies/{BIG}", f"/portal/my/{HUGE}"):
        r = browser.get(path, follow_redirects=False)
        assert 400 <= r.status_code < 500 or r.status_code == 303, (path, r.status_code)
    r = browser.post(f"/ui/admin/users/{HUGE}/active")
    assert 400 <= r.status_code < 500


def test_nul_characters_are_refused_everywhere(client, desk, browser_for):
    h = desk.admin.headers
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=h).json()
    bodies = [
        ("post", "/api/v1/tickets", ticket_payload(subject="a\x00b")),
        ("post", "/api/v1/tickets", ticket_payload(tags=["x\x00"])),
        ("post", f"/api/v1/tickets/{t['id']}/messages", {"body_text": "hi\x00"}),
        ("post", "/api/v1/contacts", {"name": "N\x00"}),
        ("post", "/api/v1/organisations", {"name": "Org", "domains": ["a\x00.example"]}),
        ("patch", f"/api/v1/users/{desk.agent1.user.id}", {"languages": ["e\x00n"]}),
        ("post", "/api/v1/planner/check", {"plan": {"k\x00": 1}}),
    ]
    for method, path, body in bodies:
        _assert_problem(getattr(client, method)(path, json=body, headers=h), 422, "NUL")
    _assert_problem(client.get("/api/v1/contacts?q=a%00b", headers=h), 422, "NUL")
    _assert_problem(client.get("/api/v1/tickets?tag=a%00", headers=h), 422, "NUL")
    browser = browser_for(desk.admin)
    r = browser.post(f"/ui/tickets/{t['id']}/reply", data={"body": "x\x00y", "kind": "note"})
    assert r.status_code == 422
    assert browser.get("/ui/search?q=%00").status_code == 422
