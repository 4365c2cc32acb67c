"""Issue 11.7 and 11.10: escalation traps, and a word after every action.

Before: a ticket escalated while Pending stayed pending (not in the target team's "Team unassigned" queue, its
clock paused), the escalating agent got a 404 opening it again, the escalation box chose the first team by name
instead of the configured target, the timeline said "changed team: — → 1", and no action said it was done."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from frontline.accounts.models import User
from frontline.kit.db import Database
from frontline.routing.models import Strategy
from frontline.routing.service import set_team_routing
from frontline.sla.models import TicketSla
from frontline.tickets.models import Ticket
from tests.factories import make_agent, make_team
from tests.web.conftest import browser_for, make_ticket  # noqa: F401 (the fixture)


def _policy(client: TestClient, desk: Any) -> None:
    cal = client.post("/api/v1/sla/calendars", json={"name": "24/7", "always_open": True},
                      headers=desk.admin.headers).json()
    assert client.post("/api/v1/sla/policies", json={"name": "All", "first_response_minutes": 60,
                                                      "resolution_minutes": 600, "calendar_id": cal["id"]},
                       headers=desk.admin.headers).status_code == 201


def test_a_pending_ticket_escalated_is_open_in_the_target_queue_and_its_agent_still_reads_it(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    _policy(client, desk)
    ticket_id = make_ticket(database, desk.l1.id, subject="Invoice export fails")
    l1, l2 = browser_for(desk.agent1), browser_for(desk.agent2)
    assert l1.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Could you send the file?", "status": "pending"}
                   ).status_code == 303
    with database.session(write=False) as db:
        clock = db.get(TicketSla, ticket_id)
        assert db.get(Ticket, ticket_id).status == "pending" and clock.pauses[-1][1] is None  # paused

    done = l1.post(f"/ui/tickets/{ticket_id}/escalate", {"reason": "Needs the billing engine team"})
    assert done.status_code == 303 and done.headers["location"] == f"/ui/queues/mine?done=escalated&n={ticket_id}"
    landing = l1.get(done.headers["location"]).text
    assert f"FL-{ticket_id} escalated: it is in the next line" in landing  # the confirmation

    with database.session(write=False) as db:
        ticket = db.get(Ticket, ticket_id)
        clock = db.get(TicketSla, ticket_id)
    assert (ticket.status, ticket.team_id, ticket.line) == ("open", desk.l2.id, "L2")
    assert clock.pauses and all(end is not None for _start, end in clock.pauses)  # the clock runs again
    assert "Invoice export fails" in l2.get("/ui/queues/unassigned").text  # "Team unassigned" of the L2 agent

    page = l1.get(f"/ui/tickets/{ticket_id}")  # 404 before
    assert page.status_code == 200 and 'id="read-only"' in page.text and "Second line" in page.text
    assert 'id="reply-body"' not in page.text and "/escalate" not in page.text and "/fields" not in page.text
    assert l1.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Me again"}).status_code == 404  # read, not change
    assert l1.post(f"/ui/tickets/{ticket_id}/fields", {"status": "solved", "priority": "normal"}).status_code == 404
    stranger = browser_for(make_agent(database, teams=[make_team(database, "Sales", "L1")], line="L1"))
    assert stranger.get(f"/ui/tickets/{ticket_id}").status_code == 404  # only the one who escalated it

    timeline = l2.get(f"/ui/tickets/{ticket_id}").text
    assert "escalated the ticket from L1 (First line) to L2 (Second line)" in timeline
    assert "changed status: Pending → Open" in timeline


def test_the_escalation_box_offers_the_configured_target_and_that_is_where_the_ticket_goes(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    target = make_team(database, "Billing specialists", "L2")  # first by name: the old box preselected it
    with database.session() as db:  # the L1 team's configured target is the other L2 team
        set_team_routing(db, desk.l1.id, strategy=Strategy.manual, escalation_team_id=desk.l2.id,
                         default_capacity=10)
    ticket_id = make_ticket(database, desk.l1.id, subject="Refund stuck")
    l1 = browser_for(desk.agent1)
    page = l1.get(f"/ui/tickets/{ticket_id}").text
    assert f'<option value="{desk.l2.id}" selected>Second line</option>' in page
    assert f'<option value="{target.id}" >Billing specialists</option>' in page
    assert l1.post(f"/ui/tickets/{ticket_id}/escalate", {"reason": "Refund engine"}).status_code == 303
    with database.session(write=False) as db:
        assert db.get(Ticket, ticket_id).team_id == desk.l2.id  # what the box showed chosen


def test_a_team_change_on_the_timeline_names_the_teams_and_the_agent(
        database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    ticket_id = make_ticket(database, desk.l1.id)
    supervisor = browser_for(desk.supervisor)
    saved = supervisor.post(f"/ui/tickets/{ticket_id}/fields", {
        "status": "open", "priority": "normal", "team_id": str(desk.l2.id), "line": "L2",
        "assignee_id": str(desk.agent2.user.id)})
    assert saved.status_code == 303 and saved.headers["location"] == f"/ui/tickets/{ticket_id}?done=ticket_saved"
    page = supervisor.get(saved.headers["location"]).text
    assert 'id="notice">Changes saved.' in page
    assert "changed team: First line → Second line" in page
    assert f"changed assignee: — → {desk.agent2.user.name}" in page


def test_actions_say_they_are_done_and_destructive_ones_ask_first(
        client: TestClient, database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    admin = browser_for(desk.admin)
    added = admin.post("/ui/admin/users", {"email": "new.agent@desk.example", "name": "New Agent",
                                           "password": "a long password 1", "role": "agent"})
    assert added.headers["location"] == "/ui/admin?done=user_added"
    page = admin.get(added.headers["location"]).text
    assert "User added." in page
    assert f'data-confirm="Deactivate {desk.agent1.user.name}?' in page  # asked in the browser before the post

    open_one, solved_one = make_ticket(database, desk.l1.id), make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    assert agent.post(f"/ui/tickets/{solved_one}/fields", {"status": "solved", "priority": "normal",
                                                          "team_id": str(desk.l1.id)}).status_code == 303
    asked = agent.post(f"/ui/tickets/{open_one}/merge", {"into": f"FL-{solved_one}"})
    assert asked.status_code == 200 and 'id="merge-confirm"' in asked.text and "Merge anyway" in asked.text
    with database.session(write=False) as db:
        assert db.get(Ticket, open_one).merged_into_id is None  # nothing merged yet
    merged = agent.post(f"/ui/tickets/{open_one}/merge", {"into": str(solved_one), "confirm": "1"})
    assert merged.headers["location"] == f"/ui/tickets/{solved_one}?done=merged&n={open_one}"
    assert f"FL-{open_one} was merged into this ticket." in agent.get(merged.headers["location"]).text

    first, second = make_ticket(database, desk.l1.id), make_ticket(database, desk.l1.id)
    bulk = agent.post("/ui/bulk", {"ids": [first, second], "priority": "high", "back": "/ui/queues/l1?sort=due"})
    assert bulk.headers["location"] == "/ui/queues/l1?sort=due&done=bulk&n=2"
    assert "2 tickets updated." in agent.get(bulk.headers["location"]).text
    assert agent.get("/ui/queues/mine?done=bulk").text.count('id="notice"') == 0  # a count it lacks: no sentence
    assert agent.get("/ui/queues/mine?done=<script>").text.count('id="notice"') == 0  # unknown: nothing shown


def test_the_confirmation_reads_in_russian(database: Database, desk: Any, browser_for: Any) -> None:  # noqa: F811
    ticket_id = make_ticket(database, desk.l1.id)
    with database.session() as db:
        db.get(User, desk.agent1.user.id).language = "ru"  # type: ignore[union-attr]
    agent = browser_for(desk.agent1)
    page = agent.get(f"/ui/tickets/{ticket_id}?done=ticket_saved").text
    assert 'id="notice">Изменения сохранены.' in page
    escalated = agent.get(f"/ui/queues/mine?done=escalated&n={ticket_id}").text
    assert f"FL-{ticket_id} эскалирован" in escalated
