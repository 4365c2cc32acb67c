"""Queues, the ticket page and its actions, canned responses, search and presence, on both databases."""

from __future__ import annotations

import re

from sqlalchemy import select

from frontline.tickets.models import Priority, Ticket, TicketEvent
from frontline.web.models import CannedResponse
from tests.web.conftest import make_ticket


def test_l1_queue_lists_team_tickets_and_pages_with_cursor(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ids = [make_ticket(database, desk.l1.id, subject=f"Case {i}") for i in range(55)]
    agent = browser_for(desk.agent1)
    first = agent.get("/ui/queues/l1?sort=created")
    assert first.status_code == 200 and "Case 0<" in first.text and f"FL-{ids[49]}" in first.text
    assert f"FL-{ids[50]}" not in first.text
    next_url = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    second = agent.get(next_url)
    assert f"FL-{ids[50]}" in second.text and f"FL-{ids[0]}<" not in second.text
    other_team = browser_for(desk.agent2).get("/ui/queues/l1")
    assert "Case 0<" not in other_team.text  # L2 agents do not see L1's tickets


def test_sidebar_counts(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    make_ticket(database, desk.l1.id)
    make_ticket(database, desk.l1.id)
    html = browser_for(desk.agent1).get("/ui/counts").text
    assert re.search(r'data-queue="l1">2<', html) and re.search(r'data-queue="l2">0<', html)


def test_bulk_assign_status_priority_tag(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ids = [make_ticket(database, desk.l1.id) for _ in range(3)]
    agent = browser_for(desk.agent1)
    response = agent.post("/ui/bulk", {"ids": ids[:2], "assignee": "me", "status": "pending",
                                       "priority": "high", "tag": "vip", "back": "/ui/queues/l1"})
    assert response.status_code == 303
    with database.session() as db:
        rows = {t.id: t for t in db.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    assert [rows[i].assignee_id for i in ids] == [desk.agent1.user.id] * 2 + [None]
    assert rows[ids[0]].status == "pending" and rows[ids[0]].priority == Priority.high
    assert "vip" in agent.get("/ui/queues/pending").text


def test_reply_note_attachment_and_timeline(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    files = {"files": ("log.txt", b"error 42", "text/plain")}
    reply = agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "We are on it.", "kind": "reply"}, files=files)
    assert reply.status_code == 303
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Customer is grumpy", "kind": "note", "status": "pending"})
    page = agent.get(f"/ui/tickets/{ticket_id}").text
    assert "We are on it." in page and "Customer is grumpy" in page and "log.txt" in page
    assert "msg-note" in page and "Ann Customer" in page
    assert "changed status" in page  # field changes from the history are on the timeline


def test_canned_response_fills_placeholders_and_sets_status(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    agent.post("/ui/macros", {"title": "Need logs", "team_id": str(desk.l1.id), "set_status": "pending",
                              "body": "Hello {{customer.name}}, about {{ticket.number}}: send logs. {{agent.name}}"
                                      " {% raw %}{{ 7*7 }}"})
    with database.session() as db:
        macro = db.scalar(select(CannedResponse))
    found = agent.get(f"/ui/tickets/{ticket_id}/macros?q=logs").text
    assert "Need logs" in found
    box = agent.get(f"/ui/tickets/{ticket_id}/macros/{macro.id}", params={"body": "Hi!"}).text
    assert f"Hi!\n\nHello Ann Customer, about FL-{ticket_id}: send logs. {desk.agent1.user.name}" in box
    assert "{% raw %}{{ 7*7 }}" in box and "{% raw %}49" not in box  # no template evaluation of user text
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", box, re.S).group(1)
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": text, "kind": "reply", "macro_id": str(macro.id)})
    with database.session() as db:
        assert db.get(Ticket, ticket_id).status == "pending"
    assert browser_for(desk.agent2).get(f"/ui/tickets/{ticket_id}/macros?q=logs").text.count("Need logs") == 0


def test_escalation_moves_ticket_to_l2_with_reason(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id, subject="Database corrupted")
    l1, l2 = browser_for(desk.agent1), browser_for(desk.agent2)
    assert l1.post(f"/ui/tickets/{ticket_id}/escalate", {"reason": ""}).status_code == 422
    assert l1.post(f"/ui/tickets/{ticket_id}/escalate", {"reason": "Needs DB access"}).status_code == 303
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
        event = db.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                    TicketEvent.kind == "escalated"))
    assert (ticket.team_id, ticket.line, ticket.assignee_id) == (desk.l2.id, "L2", None)
    assert event.data["reason"] == "Needs DB access"
    assert "Database corrupted" in l2.get("/ui/queues/l2").text
    page = l2.get(f"/ui/tickets/{ticket_id}").text
    assert "Needs DB access" in page and "escalated the ticket from L1 (First line) to L2 (Second line)" in page
    assert "Database corrupted" not in l1.get("/ui/queues/l1").text


def test_merge_and_customer_panel(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    first = make_ticket(database, desk.l1.id, subject="First problem")
    second = make_ticket(database, desk.l1.id, subject="Second problem", description="More details here")
    agent = browser_for(desk.agent1)
    panel = agent.get(f"/ui/tickets/{second}").text
    assert "Other tickets: 1" in panel and f"FL-{first}" in panel
    assert agent.post(f"/ui/tickets/{second}/merge", {"into": f"FL-{first}"}).status_code == 303
    merged = agent.get(f"/ui/tickets/{first}").text
    assert "More details here" in merged and f"merged FL-{second} into this ticket" in merged


def test_fields_panel_updates_ticket(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    agent.post(f"/ui/tickets/{ticket_id}/fields", {"status": "open", "priority": "urgent", "team_id": str(desk.l1.id),
                                                   "line": "L1", "assignee_id": str(desk.agent1.user.id),
                                                   "tags": "billing, refund", "category": "Payments"})
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("open", 3, desk.agent1.user.id)
    page = agent.get(f"/ui/tickets/{ticket_id}").text
    assert 'value="billing refund"' in page and 'value="Payments"' in page


def test_search_stems_english_and_russian_and_respects_visibility(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    make_ticket(database, desk.l1.id, subject="Printers keep jamming", description="Paper jams daily")
    make_ticket(database, desk.l1.id, subject="Не работает оплата", description="Платежи не проходят с карты",
                customer={"email": "ivan@client.example", "name": "Иван Петров"})
    agent = browser_for(desk.agent1)
    assert "Printers keep jamming" in agent.get("/ui/search", params={"q": "printer jammed"}).text
    assert "Не работает оплата" in agent.get("/ui/search", params={"q": "платёж"}).text
    assert "Иван Петров" in agent.get("/ui/search", params={"q": "петров"}).text
    assert "Printers keep jamming" not in browser_for(desk.agent2).get("/ui/search", params={"q": "printer"}).text


def test_presence_warns_both_agents(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id)
    one, boss = browser_for(desk.agent1), browser_for(desk.supervisor)
    assert "also viewing" not in one.post(f"/ui/tickets/{ticket_id}/presence", {"activity": "viewing"}).text
    seen = boss.post(f"/ui/tickets/{ticket_id}/presence", {"activity": "replying"}).text
    assert f"{desk.agent1.user.name} is also viewing" in seen
    assert f"{desk.supervisor.user.name} is replying" in one.post(f"/ui/tickets/{ticket_id}/presence").text


def test_hostile_message_renders_inert(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(
        database, desk.l1.id, subject="<script>alert('s')</script>", description="<img src=x onerror=alert(1)>",
        description_html='<p>Hi</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
                         '<a href="javascript:alert(3)">click</a><div style="position:fixed">cover</div>',
        customer={"email": "evil@client.example", "name": "<b onmouseover=alert(4)>Eve</b>"})
    page = browser_for(desk.agent1).get(f"/ui/tickets/{ticket_id}").text
    assert "<script>alert" not in page and "onerror=" not in page and "javascript:alert" not in page
    assert "&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;" in page and "&lt;b onmouseover" in page
    assert 'style="position' not in page


def test_customer_panel_counts_other_tickets_the_agent_cannot_see(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.9: a customer with tickets in another team was shown as "First contact" to the L1 agent."""
    hidden = make_ticket(database, desk.l2.id, subject="Database corrupted")
    current = make_ticket(database, desk.l1.id, subject="Printer again")
    panel = browser_for(desk.agent1).get(f"/ui/tickets/{current}").text
    assert "First contact." not in panel
    assert "Other tickets: 1" in panel and "1 of them not listed here" in panel
    assert f"/ui/tickets/{hidden}\"" not in panel and "Database corrupted" not in panel  # counted, never shown
    ru = browser_for(desk.agent1)
    ru.post("/ui/account/preferences", {"language": "ru", "timezone": "UTC"})
    assert "Ещё 1 здесь не показаны" in ru.get(f"/ui/tickets/{current}").text
    alone = make_ticket(database, desk.l1.id, subject="Someone new", customer={"email": "new@client.example"})
    assert "Первое обращение." in ru.get(f"/ui/tickets/{alone}").text  # the agent now reads Russian


def test_attachment_sizes_read_in_the_agents_language(browser_for, client, desk) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.9: "KB" stayed English on a Russian agent's ticket page."""
    from tests.factories import ticket_payload

    ticket = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.agent1.headers).json()
    up = client.post(f"/api/v1/tickets/{ticket['id']}/attachments", headers=desk.agent1.headers,
                     files={"file": ("log.txt", b"x" * 2048, "text/plain")}).json()
    client.post(f"/api/v1/tickets/{ticket['id']}/messages", json={"body_text": "Log", "attachment_ids": [up["id"]]},
                headers=desk.agent1.headers)
    agent = browser_for(desk.agent1)
    assert "(2.0 KB)" in agent.get(f"/ui/tickets/{ticket['id']}").text
    agent.post("/ui/account/preferences", {"language": "ru", "timezone": "UTC"})
    page = agent.get(f"/ui/tickets/{ticket['id']}").text
    assert "(2.0 КБ)" in page and " KB)" not in page
