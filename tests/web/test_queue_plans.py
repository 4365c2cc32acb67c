"""The line queues (L1-L3) and their sidebar counts read an index and never scan the ticket table, also on
a desk without lines (every ticket's line empty), on both databases: each statement the queue code sends
is run through EXPLAIN (SQLite: EXPLAIN QUERY PLAN) after ANALYZE, on 16,384 tickets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from frontline.accounts.principal import Principal
from frontline.tickets.models import Ticket
from frontline.web import queue_counts, queues
from tests.factories import make_agent, make_team
from tests.support.queries import counted
from tests.web.conftest import make_ticket

COPY = ", ".join(c.name for c in Ticket.__table__.columns if c.name != "id")


def _desk_without_lines(database) -> tuple[Principal, Principal]:  # type: ignore[no-untyped-def]
    first, second = make_team(database, "Support", line=None), make_team(database, "Billing", line=None)
    agent = make_agent(database, teams=[first], line=None)
    boss = make_agent(database, role="supervisor", line=None)
    make_ticket(database, first.id)
    with database.session() as db:
        for _ in range(14):
            db.execute(text(f"INSERT INTO ticket ({COPY}) SELECT {COPY} FROM ticket"))
        db.execute(text(
            "UPDATE ticket SET line = NULL, priority = id % 4, team_id = CASE WHEN id % 2 = 0 THEN :a ELSE :b END, "
            "status = CASE id % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'open' WHEN 2 THEN 'pending' WHEN 3 THEN 'on_hold' "
            "ELSE 'solved' END, assignee_id = CASE WHEN id % 7 = 0 THEN :u END"),
            {"a": first.id, "b": second.id, "u": agent.user.id})
        db.execute(text("ANALYZE ticket" if database.writer.dialect.name == "postgresql" else "ANALYZE"))
    return (Principal(agent.user.id, "agent", frozenset({first.id})), Principal(boss.user.id, "supervisor"))


def _plan(db, statement: str, params) -> str:  # type: ignore[no-untyped-def]
    cursor = db.connection().connection.dbapi_connection.cursor()
    if db.get_bind().dialect.name == "postgresql":
        cursor.execute("EXPLAIN " + statement, params)
        return "\n".join(r[0] for r in cursor.fetchall())
    cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
    return "\n".join(str(r[3]) for r in cursor.fetchall())


@pytest.mark.parametrize("key", ["l1", "l2", "l3"])
def test_line_queues_read_the_line_index_on_a_desk_without_lines(database, key) -> None:  # type: ignore[no-untyped-def]
    agent, boss = _desk_without_lines(database)
    postgres = database.writer.dialect.name == "postgresql"
    for principal in (agent, boss):
        with database.session(write=False) as db:
            base = queues.base_filter(key, principal)
            with counted(database) as statements:
                for sort in ("priority", "due", "-created"):
                    rows, _ = queues.page(db, principal, base, sort=sort)
                    assert rows == []
                assert queue_counts.count(db, principal, base) == 0
            on_ticket = [(s, p) for s, p in zip(statements, statements.params, strict=True)
                         if "FROM ticket t" in s or "JOIN ticket t" in s]
            assert len(on_ticket) == 5, statements.listing()  # "due" goes on by priority when no clock runs
            for statement, params in on_ticket:
                plan = _plan(db, statement, params)
                assert "ix_ticket_line_queue" in plan, plan
                if postgres:
                    assert "Seq Scan on ticket" not in plan and "ix_ticket_created" not in plan, plan
                else:
                    assert not re.search(r"^SCAN t\b", plan, re.MULTILINE), plan


def test_the_customer_panel_reads_the_contact_index_where_most_tickets_have_no_customer(  # type: ignore[no-untyped-def]
        database, desk, browser_for) -> None:
    """The ticket page's count and list of the customer's other tickets. Before migration 0006, a desk whose
    tickets mostly have no customer (API intake without one, imports) made SQLite count by scanning every ticket
    and list by reading every ticket of the agent's teams: 127 ms of CPU a page at a million tickets."""
    make_ticket(database, desk.l1.id, subject="Over the API, no customer")
    copy_without_customer = COPY.replace("contact_id", "NULL")
    with database.session() as db:
        db.execute(text("UPDATE ticket SET contact_id = NULL"))
        for _ in range(15):  # 32,768 tickets without a customer, and the statistics say so
            db.execute(text(f"INSERT INTO ticket ({COPY}) SELECT {copy_without_customer} FROM ticket"))
        db.execute(text("ANALYZE ticket" if database.writer.dialect.name == "postgresql" else "ANALYZE"))
    ticket_id = make_ticket(database, desk.l1.id, subject="The one with a customer")
    make_ticket(database, desk.l1.id, subject="Their other ticket")
    agent = browser_for(desk.agent1)
    with counted(database) as statements:
        page = agent.get(f"/ui/tickets/{ticket_id}")
    assert page.status_code == 200 and "Their other ticket" in page.text
    by_contact = [(s, p) for s, p in zip(statements, statements.params, strict=True)
                  if re.search(r"\b[ot]\.contact_id = ", s)]
    assert len(by_contact) == 2, statements.listing()  # the count and the list
    with database.session(write=False) as db:
        for statement, params in by_contact:
            plan = _plan(db, statement, params)
            assert "ix_ticket_contact" in plan, plan
            assert "Seq Scan on ticket" not in plan and not re.search(r"^SCAN [ot]\b", plan, re.MULTILINE), plan
