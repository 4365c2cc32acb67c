"""SLA in the workspace: due times and breach state in queue rows, sort by due, the 'SLA at risk' queue and
its count, the ticket page's SLA panel; bulk merge from a queue. On SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from frontline.kit.db import utcnow
from frontline.sla.models import Calendar, Policy, TicketSla
from frontline.tickets.models import Message, Ticket, TicketEvent
from frontline.web import queue_counts, queues
from tests.web.conftest import make_ticket

_names = itertools.count(1)


def _policy(database, **targets) -> int:  # type: ignore[no-untyped-def]
    """A 24/7 policy every ticket matches (targets in minutes, 60-minute warning window by default)."""
    with database.session() as db:
        calendar = Calendar(name=f"Always {next(_names)}", timezone="UTC", always_open=True)
        db.add(calendar)
        db.flush()
        policy = Policy(name=f"Standard {calendar.id}", position=1, calendar_id=calendar.id,
                        warn_before_minutes=targets.pop("warn", 60), **targets)
        db.add(policy)
        db.flush()
        return policy.id


def _due_in(database, ticket_id: int, delta: timedelta, metric: str = "first_response") -> datetime:  # type: ignore[no-untyped-def]
    """Move a ticket's running clock so it is due `delta` from now (negative: overdue)."""
    due = utcnow() + delta
    with database.session() as db:
        state = db.get(TicketSla, ticket_id)
        assert state is not None, "the ticket has no SLA clocks"
        state.first_response_due = due if metric == "first_response" else None
        state.resolution_due = due if metric == "resolution" else None
        state.next_due = due
    return due


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td><input type=\"checkbox\" name=\"ids\"(.*?)</tr>", html, re.S)


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="ids" value="(\d+)"', html)]


def test_queue_rows_show_due_time_metric_and_state(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=240, resolution_minutes=2400)
    late, soon, fine = (make_ticket(database, desk.l1.id, subject=s) for s in ("Late one", "Soon one", "Fine one"))
    no_sla = make_ticket(database, desk.l1.id, subject="No clocks")
    with database.session() as db:
        db.delete(db.get(TicketSla, no_sla))
    _due_in(database, late, timedelta(minutes=-5))
    _due_in(database, soon, timedelta(minutes=20))
    due = _due_in(database, fine, timedelta(hours=5), metric="resolution")
    html = browser_for(desk.agent1).get("/ui/queues/l1").text
    rows = {int(re.search(r'value="(\d+)"', r).group(1)): r for r in _rows(html)}
    assert 'class="sla sla-breached"' in rows[late] and ">Breached<" in rows[late] and "First response" in rows[late]
    assert 'class="sla sla-at_risk"' in rows[soon] and ">At risk<" in rows[soon]
    assert 'class="sla sla-ok"' in rows[fine] and ">On track<" in rows[fine] and "Resolution" in rows[fine]
    assert f'datetime="{due.isoformat()}"' in rows[fine]  # the exact due time, machine-readable
    assert "sla-" not in rows[no_sla]
    assert "SLA due" in html  # the column heading


def test_due_time_in_the_agents_time_zone_and_language(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=240)
    ticket_id = make_ticket(database, desk.l1.id)
    _due_in(database, ticket_id, timedelta(hours=1))
    with database.session() as db:
        state = db.get(TicketSla, ticket_id)
        state.first_response_due = state.next_due = datetime(2030, 3, 1, 21, 30, tzinfo=UTC)
    agent = browser_for(desk.agent1)
    agent.post("/ui/account/preferences", {"language": "ru", "timezone": "Europe/Moscow"})
    html = agent.get("/ui/queues/l1").text
    assert "02.03.2030, 00:30" in html and "В срок" in html and "Первый ответ" in html


def test_sort_by_due_puts_the_soonest_first_then_tickets_without_clocks(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=240)
    later, overdue, sooner = (make_ticket(database, desk.l1.id) for _ in range(3))
    plain = make_ticket(database, desk.l1.id, priority="urgent")
    with database.session() as db:
        db.delete(db.get(TicketSla, plain))
    _due_in(database, later, timedelta(hours=3))
    _due_in(database, overdue, timedelta(hours=-2))
    _due_in(database, sooner, timedelta(minutes=30))
    html = browser_for(desk.agent1).get("/ui/queues/l1?sort=due").text
    assert _ids(html) == [overdue, sooner, later, plain]
    assert '<option value="due" selected>' in html


def test_due_sort_pages_across_clocks_and_no_clocks(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=240)
    timed = [make_ticket(database, desk.l1.id, subject=f"Timed {n}") for n in range(30)]
    for n, ticket_id in enumerate(timed):
        _due_in(database, ticket_id, timedelta(minutes=10 * n))
    untimed = [make_ticket(database, desk.l1.id, subject=f"Untimed {n}") for n in range(40)]
    with database.session() as db:
        for ticket_id in untimed:
            db.delete(db.get(TicketSla, ticket_id))
    agent = browser_for(desk.agent1)
    seen: list[int] = []
    url = "/ui/queues/l1?sort=due"
    while url:
        html = agent.get(url).text
        seen += _ids(html)
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == timed + untimed  # due order first, then (all normal priority) the oldest first
    assert agent.get("/ui/queues/l1?sort=due&cursor=bm9uc2Vuc2U").status_code == 422


def test_sla_at_risk_queue_and_its_count(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=240, warn=30)
    overdue, risky, safe, solved = (make_ticket(database, desk.l1.id, subject=s)
                                    for s in ("Overdue", "Risky", "Safe", "Solved late"))
    other_team = make_ticket(database, desk.l2.id, subject="Other team late")
    _due_in(database, overdue, timedelta(hours=-1))
    _due_in(database, risky, timedelta(minutes=20))
    _due_in(database, safe, timedelta(minutes=45))  # outside the 30-minute window
    _due_in(database, solved, timedelta(hours=-1))
    _due_in(database, other_team, timedelta(hours=-3))
    with database.session() as db:
        db.get(Ticket, solved).status = "solved"
    agent = browser_for(desk.agent1)
    html = agent.get("/ui/queues/sla").text
    assert _ids(html) == [overdue, risky]  # by due time; not the safe, solved or other team's ones
    assert '<a href="/ui/queues/sla" aria-current="page">' in html
    assert re.search(r'data-queue="sla">2<', agent.get("/ui/counts").text)
    boss = browser_for(desk.supervisor)
    assert _ids(boss.get("/ui/queues/sla").text) == [other_team, overdue, risky]
    assert re.search(r'data-queue="sla">3<', boss.get("/ui/counts").text)
    assert _ids(agent.get("/ui/queues/sla?sort=priority").text) == [overdue, risky]  # other sorts keep the filter


def test_at_risk_window_is_each_policys_own(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    wide = _policy(database, first_response_minutes=240, warn=120)
    ticket_wide = make_ticket(database, desk.l1.id)
    with database.session() as db:
        db.get(Policy, wide).active = False
    narrow = _policy(database, first_response_minutes=240, warn=10)
    ticket_narrow = make_ticket(database, desk.l1.id)
    _due_in(database, ticket_wide, timedelta(minutes=90))
    _due_in(database, ticket_narrow, timedelta(minutes=90))
    with database.session() as db:
        assert db.get(TicketSla, ticket_narrow).policy_id == narrow
    assert _ids(browser_for(desk.agent1).get("/ui/queues/sla").text) == [ticket_wide]


def test_counts_are_cached_briefly_but_own_changes_show_at_once(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    first = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    assert re.search(r'data-queue="mine">0<', agent.get("/ui/counts").text)
    with database.session() as db:  # someone else assigns a ticket to this agent
        db.get(Ticket, first).assignee_id = desk.agent1.user.id
    assert re.search(r'data-queue="mine">0<', agent.get("/ui/counts").text)  # cached for a few seconds
    second = make_ticket(database, desk.l1.id)
    agent.post("/ui/bulk", {"ids": [second], "assignee": "me", "back": "/ui/queues/l1"})
    assert re.search(r'data-queue="mine">2<', agent.get("/ui/counts").text)


def test_ticket_page_sla_panel(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    _policy(database, first_response_minutes=60, next_response_minutes=120, resolution_minutes=600, warn=30)
    ticket_id = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    html = agent.get(f"/ui/tickets/{ticket_id}").text
    panel = html[html.index('class="card slapanel"'):html.index("</section>", html.index('class="card slapanel"'))]
    assert "First response" in panel and "Next response" in panel and "Resolution" in panel
    assert panel.count(">On track<") == 2 and ">Not running<" in panel  # no customer waiting for a next reply
    assert re.search(r"(59 min|1 h 0 min) of business time left", panel)
    assert re.search(r"(9 h 59|10 h 0) min of business time left", panel)
    with database.session() as db:  # first response overdue by 90 minutes
        state = db.get(TicketSla, ticket_id)
        ticket = db.get(Ticket, ticket_id)
        ticket.created_at = state.started_at = utcnow() - timedelta(minutes=150)
        state.first_response_due = state.next_due = state.started_at + timedelta(minutes=60)
    panel = agent.get(f"/ui/tickets/{ticket_id}").text
    assert ">Breached<" in panel and re.search(r"1 h (29|30|31) min over the target", panel)
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "On it", "kind": "reply", "status": "pending"})
    html = agent.get(f"/ui/tickets/{ticket_id}").text
    panel = html[html.index('class="card slapanel"'):html.index("</section>", html.index('class="card slapanel"'))]
    assert ">Met<" in panel and ">Paused<" in panel and "waits on the customer" in panel
    assert re.search(r"7 h \d+ min of business time left", panel)  # resolution: 10 h minus 2.5 h elapsed


def test_ticket_page_without_sla_has_no_panel(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(database, desk.l1.id)
    assert "slapanel" not in browser_for(desk.agent1).get(f"/ui/tickets/{ticket_id}").text


# ---------------------------------------------------------------- bulk merge


def test_bulk_merge_asks_for_the_survivor_then_merges(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    a = make_ticket(database, desk.l1.id, subject="Printer A", description="first words")
    b = make_ticket(database, desk.l1.id, subject="Printer B", description="second words")
    c = make_ticket(database, desk.l1.id, subject="Printer C", description="third words")
    agent = browser_for(desk.agent1)
    page = agent.post("/ui/bulk/merge", {"ids": [b, c, a], "back": "/ui/queues/l1"})
    assert page.status_code == 200 and "Ticket to keep" in page.text
    assert re.search(rf'name="into" value="{a}" required checked', page.text)  # the oldest is proposed
    with database.session() as db:
        assert db.scalar(select(Ticket.merged_into_id).where(Ticket.id == b)) is None  # nothing changed yet
    done = agent.post("/ui/bulk/merge", {"ids": [a, b, c], "into": str(b), "back": "/ui/queues/l1"})
    assert done.status_code == 303 and done.headers["location"] == f"/ui/tickets/{b}?done=bulk_merged&n=2"
    with database.session() as db:
        tickets = {t.id: t for t in db.scalars(select(Ticket).where(Ticket.id.in_([a, b, c])))}
        bodies = set(db.scalars(select(Message.body_text).where(Message.ticket_id == b)))
        merged_events = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == b,
                                                             TicketEvent.kind == "merged")).all()
    assert (tickets[a].merged_into_id, tickets[c].merged_into_id, tickets[b].merged_into_id) == (b, b, None)
    assert tickets[a].status == tickets[c].status == "closed"
    assert {"first words", "second words", "third words"} <= bodies
    assert len(merged_events) == 2
    html = agent.get(f"/ui/tickets/{b}").text
    assert f"merged FL-{a} into this ticket" in html and f"merged FL-{c} into this ticket" in html
    assert f"FL-{a}" not in agent.get("/ui/queues/l1").text  # merged tickets leave the queues


def test_bulk_merge_permissions_and_bad_input(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    mine = make_ticket(database, desk.l1.id)
    also_mine = make_ticket(database, desk.l1.id)
    theirs = make_ticket(database, desk.l2.id)
    agent = browser_for(desk.agent1)
    assert agent.post("/ui/bulk/merge", {"ids": [mine, theirs], "into": str(mine)}).status_code == 404
    assert agent.post("/ui/bulk/merge", {"ids": [mine]}).status_code == 422
    assert agent.post("/ui/bulk/merge", {}).status_code == 422
    nothing = agent.post("/ui/bulk", {"status": "open"})
    assert nothing.status_code == 422 and "Select at least one ticket" in nothing.text
    outside = agent.post("/ui/bulk/merge", {"ids": [mine, also_mine], "into": str(theirs)})
    assert outside.status_code == 422 and "among the selected" in outside.text
    with database.session() as db:
        db.get(Ticket, also_mine).status = "closed"
    closed = agent.post("/ui/bulk/merge", {"ids": [mine, also_mine], "into": str(also_mine)})
    assert closed.status_code == 422
    with database.session() as db:  # every refusal left everything as it was
        assert db.scalars(select(Ticket.merged_into_id).where(Ticket.id.in_([mine, also_mine, theirs]))).all() \
            == [None, None, None]
    no_csrf = agent.client.post("/ui/bulk/merge", data={"ids": [mine, also_mine], "into": str(mine)},
                                follow_redirects=False)
    assert no_csrf.status_code == 403


def test_bulk_merge_is_all_or_nothing(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    keep, fine, gone = (make_ticket(database, desk.l1.id) for _ in range(3))
    other = make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    assert agent.post("/ui/bulk/merge", {"ids": [gone, other], "into": str(other)}).status_code == 303
    failed = agent.post("/ui/bulk/merge", {"ids": [keep, fine, gone], "into": str(keep)})
    assert failed.status_code == 422 and "already merged" in failed.text
    with database.session() as db:
        assert db.get(Ticket, fine).merged_into_id is None  # merged before the refusal, rolled back with it
        assert db.scalar(select(Message.id).where(Message.ticket_id == keep)) is not None


def test_read_only_session_cannot_bulk_merge(browser_for, desk, database, app) -> None:  # type: ignore[no-untyped-def]
    from frontline.accounts.auth import issue_token
    from frontline.accounts.models import TokenKind, User
    from tests.web.conftest import Browser

    a, b = make_ticket(database, desk.l1.id), make_ticket(database, desk.l1.id)
    agent = browser_for(desk.agent1)
    with database.session() as db:
        user = db.get(User, desk.agent1.user.id)
        _token, secret = issue_token(db, user, name="read only", kind=TokenKind.session, scopes=["read"])
    agent.client.cookies.set("fl_session", secret)
    reader = Browser(agent.client)
    reader.refresh()
    assert reader.post("/ui/bulk/merge", {"ids": [a, b], "into": str(a)}).status_code == 403


def test_queue_escapes_user_content(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    make_ticket(database, desk.l1.id, subject="<script>alert(1)</script>", tags=["x"],
                customer={"email": "eve@client.example", "name": "<img src=x onerror=alert(2)>"})
    html = browser_for(desk.agent1).get("/ui/queues/l1").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_counts_stop_at_the_cap_and_unknown_sorts_fall_back(browser_for, desk, database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ids = [make_ticket(database, desk.l1.id) for _ in range(3)]
    monkeypatch.setattr(queue_counts, "COUNT_CAP", 2)
    with database.session() as db:
        from frontline.accounts.principal import Principal

        agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset({desk.l1.id}))
        assert queue_counts.count(db, agent, queues.base_filter("l1", agent)) == 2
        assert queue_counts.count(db, agent, queues.base_filter("l2", agent)) == 0
    page = browser_for(desk.agent1).get("/ui/queues/l1?sort=bogus")
    assert page.status_code == 200 and _ids(page.text) == ids  # the queue's own order: priority, then oldest
