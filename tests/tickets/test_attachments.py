"""Attachments: content-addressed storage, claimed by messages, downloaded safely."""

from __future__ import annotations

import hashlib

from tests.factories import ticket_payload


def test_upload_attach_download(client, desk, settings):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    content = "отчёт".encode() * 100
    up = client.post(
        f"/api/v1/tickets/{t['id']}/attachments",
        headers=desk.agent1.headers,
        files={"file": ("../../etc/Отчёт за май.pdf", content, "application/pdf")},
    )
    assert up.status_code == 201, up.text
    att = up.json()
    assert att["filename"] == "Отчёт за май.pdf" and att["size"] == len(content)
    assert att["sha256"] == hashlib.sha256(content).hexdigest()
    blob = settings.data_dir / "attachments" / att["sha256"][:2] / att["sha256"][2:4] / att["sha256"]
    assert blob.read_bytes() == content
    msg = client.post(
        f"/api/v1/tickets/{t['id']}/messages",
        json={"body_text": "See file", "attachment_ids": [att["id"]]},
        headers=desk.agent1.headers,
    ).json()
    assert [a["id"] for a in msg["attachments"]] == [att["id"]]
    again = client.post(
        f"/api/v1/tickets/{t['id']}/messages",
        json={"body_text": "x", "attachment_ids": [att["id"]]},
        headers=desk.agent1.headers,
    )
    assert again.status_code == 422
    r = client.get(f"/api/v1/attachments/{att['id']}", headers=desk.agent1.headers)
    assert r.status_code == 200 and r.content == content
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/api/v1/attachments/{att['id']}", headers=desk.agent2.headers).status_code == 404
    link = t["customer_link"].rsplit("/", 1)[-1]
    assert client.get(f"/api/v1/portal/{link}/attachments/{att['id']}").content == content


def test_active_content_never_renders_inline(client, desk):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    for name, ctype in (("x.html", "text/html"), ("x.svg", "image/svg+xml"), ("x.js", "application/javascript")):
        att = client.post(
            f"/api/v1/tickets/{t['id']}/attachments",
            headers=desk.agent1.headers,
            files={"file": (name, b"<script>alert(1)</script>", ctype)},
        ).json()
        r = client.get(f"/api/v1/attachments/{att['id']}", headers=desk.agent1.headers)
        assert r.headers["content-type"] == "application/octet-stream"
        assert "sandbox" in r.headers["content-security-policy"]


def test_same_bytes_stored_once(client, desk, settings):
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    for name in ("a.txt", "b.txt"):
        client.post(
            f"/api/v1/tickets/{t['id']}/attachments",
            headers=desk.agent1.headers,
            files={"file": (name, b"same bytes", "text/plain")},
        )
    files = [p for p in (settings.data_dir / "attachments").rglob("*") if p.is_file()]
    assert len(files) == 1


def test_html_bodies_are_sanitised(client, desk):
    t = client.post(
        "/api/v1/tickets",
        json=ticket_payload(
            description_html='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'
        ),
        headers=desk.agent1.headers,
    ).json()
    html = client.get(f"/api/v1/tickets/{t['id']}/messages", headers=desk.agent1.headers).json()[0]["body_html"]
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html and "Hi" in html
