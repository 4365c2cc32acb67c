"""Statement counts of the hot paths (tests/support/queries.py), so a change that adds queries fails here.

Each figure is the steady state (the request is made once before counting, so per-process caches are
warm). Pages are held to their exact count; the write paths to an upper bound (branches that remove
statements from them are under way). Jobs run out of process here, so the in-process job poller's
statements do not mix into the counts.
"""

from __future__ import annotations

import pytest

from frontline.kit.settings import Settings
from tests.factories import ticket_payload
from tests.support.queries import counted
from tests.web.conftest import make_ticket


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"jobs_in_process": False})


def _postgres(database) -> bool:  # type: ignore[no-untyped-def]
    return database.writer.dialect.name == "postgresql"


def test_ticket_creation_over_the_api(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.agent1.headers)
    with counted(database) as statements:
        r = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.agent1.headers)
    assert r.status_code == 201, r.text
    # token check, the agent's teams; team line; contact look-up, organisations by domain, new contact and
    # its identity; ticket, first message, history, sentiment; routing, SLA policies, rules/webhooks
    # fingerprint; search: the ticket, its contact (look-up, name, identities) and the message (each a
    # look-up and an insert, plus the FTS5 row on SQLite); the state the listeners compare against.
    assert len(statements) <= (26 if _postgres(database) else 29), statements.listing()


def test_queue_page(browser_for, database, desk) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        make_ticket(database, desk.l1.id, subject=f"Case {n}", tags=["vip"])
    agent = browser_for(desk.agent1)
    agent.get("/ui/queues/l1")
    with counted(database) as statements:
        r = agent.get("/ui/queues/l1")
    assert r.status_code == 200 and "Case 2" in r.text
    # session check, the agent's teams, the user; (PostgreSQL: no parallel workers); SLA warning windows;
    # the page's ids (one UNION ALL by priority), their details, their tags; agents, teams, saved views.
    assert len(statements) == (11 if _postgres(database) else 10), statements.listing()


def test_ticket_page(browser_for, database, desk) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id, subject="Printer on fire")
    agent = browser_for(desk.agent1)
    agent.get(f"/ui/tickets/{ticket_id}")
    with counted(database) as statements:
        r = agent.get(f"/ui/tickets/{ticket_id}")
    assert r.status_code == 200 and "Printer on fire" in r.text
    # session check, the agent's teams, the user; the ticket (visibility included); teams, agents, tags,
    # attachments, messages, history, SLA clocks; the customer, their addresses and their other tickets;
    # the escalation box's default team (routing.escalation_target); saved views.
    assert len(statements) == 16, statements.listing()
