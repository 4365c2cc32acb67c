"""Who may see a ticket: one rule (tickets.access.visible_sql) behind the API list, single-ticket access,
the queue pages and their counts, and the ticket page's "other tickets of this customer".

Generated desk: tickets over every combination of team (L1 team, L2 team, none), line and assignee (none,
an L1 agent, an L2 agent, an agent of no team), some escalated from L1 to L2 through the routing service;
principals: administrator, supervisor, agents of one team, of two teams and of none, a read-only agent and a
customer holding one ticket's link. Every path must return exactly what the rule as stated here allows.
"""

from __future__ import annotations

import contextlib
import itertools

from sqlalchemy import text

from frontline.accounts.principal import ALL_SCOPES, Principal, Scope
from frontline.kit.errors import NotFound
from frontline.routing.service import escalate
from frontline.tickets.access import access_ticket
from frontline.tickets.models import Ticket
from frontline.tickets.query import TicketFilter, list_tickets
from frontline.web import queue_counts, queues
from tests.factories import make_agent, ticket_payload


def _expected(p: Principal, t: dict[str, int | None]) -> bool:
    """The rule, stated independently of the code under test."""
    if p.is_customer:
        return t["id"] == p.ticket_id
    if p.role in ("admin", "supervisor"):
        return True
    return t["team_id"] in p.team_ids or (t["assignee_id"] is not None and t["assignee_id"] == p.user_id)


def _make(client, database, desk):
    loner = make_agent(database, teams=[], line=None)
    both = make_agent(database, teams=[desk.l1, desk.l2], line="L1")
    teams = [desk.l1.id, desk.l2.id, None]
    assignees = [None, desk.agent1.user.id, desk.agent2.user.id, loner.user.id]
    ids = []
    for team, assignee in itertools.product(teams, assignees):
        r = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.admin.headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
        with database.session() as db:  # the exact shape, whatever routing decided on creation
            db.execute(text("UPDATE ticket SET team_id = :t, assignee_id = :a, line = :l WHERE id = :i"),
                       {"t": team, "a": assignee, "i": ids[-1],
                        "l": {desk.l1.id: "L1", desk.l2.id: "L2"}.get(team)})  # type: ignore[arg-type]
    with database.session() as db:
        for ticket_id in ids[:2]:  # L1 tickets escalated to L2
            escalate(db, db.get(Ticket, ticket_id), None, reason="needs the second line", team_id=desk.l2.id)
    with database.session() as db:
        rows = db.execute(text("SELECT id, team_id, assignee_id FROM ticket")).all()
    tickets = [{"id": r[0], "team_id": r[1], "assignee_id": r[2]} for r in rows]
    assert {t["team_id"] for t in tickets} == {desk.l1.id, desk.l2.id, None}
    principals = {
        "admin": Principal(desk.admin.user.id, "admin"),
        "supervisor": Principal(desk.supervisor.user.id, "supervisor"),
        "agent1": Principal(desk.agent1.user.id, "agent", frozenset({desk.l1.id})),
        "agent2": Principal(desk.agent2.user.id, "agent", frozenset({desk.l2.id})),
        "both": Principal(both.user.id, "agent", frozenset({desk.l1.id, desk.l2.id})),
        "loner": Principal(loner.user.id, "agent"),
        "read-only": Principal(desk.agent1.user.id, "agent", frozenset({desk.l1.id}), scopes=frozenset({Scope.read})),
        "customer": Principal(contact_id=None, ticket_id=ids[5], scopes=frozenset()),
    }
    assert principals["admin"].scopes == ALL_SCOPES
    return tickets, principals


def test_every_path_applies_the_same_rule(client, database, desk):
    tickets, principals = _make(client, database, desk)
    everything = {t["id"] for t in tickets}
    with database.session() as db:
        lines = dict(db.execute(text("SELECT id, line FROM ticket")).all())
    for name, p in principals.items():
        expected = {t["id"] for t in tickets if _expected(p, t)}
        assert expected != everything or p.role in ("admin", "supervisor"), name
        with database.session() as db:
            listed, _ = list_tickets(db, p, TicketFilter(), limit=500)
            assert {t.id for t in listed} == expected, f"API list, {name}"
            reachable = set()
            for ticket_id in everything:
                with contextlib.suppress(NotFound):
                    reachable.add(access_ticket(db, p, ticket_id).id)
            assert reachable == expected, f"access_ticket, {name}"
            if p.is_customer:
                continue
            rows, _ = queues.page(db, p, queues.base_filter("all", p), sort="-created", limit=500)
            assert {r.id for r in rows} == expected, f"queue page, {name}"
            rows, _ = queues.page(db, p, queues.base_filter("all", p), sort="priority", limit=500)
            assert {r.id for r in rows} == expected, f"queue page by priority, {name}"
            assert queue_counts.count(db, p, queues.base_filter("all", p)) == len(expected), f"count, {name}"
            for key, line in (("l1", "L1"), ("l2", "L2")):  # an agent's line queue reads team by team
                on_line = {t["id"] for t in tickets if t["id"] in expected and lines[t["id"]] == line}
                seen: list[int] = []
                cursor = None
                while True:  # two a page: the cursor must carry on across the per-team ranges
                    rows, cursor = queues.page(db, p, queues.base_filter(key, p), sort="priority", limit=2,
                                               cursor=cursor)
                    seen += [r.id for r in rows]
                    if cursor is None:
                        break
                assert sorted(seen) == sorted(on_line) and len(seen) == len(set(seen)), f"{key} by priority, {name}"
