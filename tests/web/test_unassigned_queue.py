"""The 'Team unassigned' queue reads one branch per team, status and priority (the partial index
ix_ticket_unassigned_queue); its pages must hold exactly the tickets, in exactly the order, of the plain
rule: my teams, unassigned, new/open/on hold, not merged; most urgent first, then oldest. Both databases."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from frontline.accounts.principal import Principal
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.query import TicketFilter, list_tickets, unassigned_pairs
from frontline.web import queues
from tests.factories import make_team

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _fill(database, teams: list[int], assignee: int) -> None:  # type: ignore[no-untyped-def]
    """Tickets over every combination, many sharing a creation time (the id breaks the tie)."""
    rng = random.Random(4)
    statuses = [str(s) for s in Status]
    with database.session() as db:
        rows = []
        for n in range(400):
            rows.append(Ticket(
                subject=f"T{n}", status=rng.choice(statuses), priority=int(rng.choice(list(Priority))),
                team_id=rng.choice([*teams, None]), assignee_id=assignee if rng.random() < 0.3 else None,
                created_at=START + timedelta(minutes=rng.randint(0, 40)), updated_at=START))
        db.add_all(rows)
        db.flush()
        for target, source in zip(rows[:5], rows[5:10], strict=True):  # merged ones never show
            source.merged_into_id = target.id


def _expected(database, team_ids: set[int]) -> list[int]:  # type: ignore[no-untyped-def]
    wanted = {Status.new, Status.open, Status.on_hold}
    with database.session(write=False) as db:
        rows = [t for t in db.query(Ticket).all() if t.team_id in team_ids and t.assignee_id is None
                and t.status in wanted and t.merged_into_id is None]
        rows.sort(key=lambda t: (-t.priority, t.created_at, t.id))
        return [t.id for t in rows]


def _pages(database, principal: Principal, f: queues.QueueFilter, limit: int) -> list[int]:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    cursor = None
    while True:
        with database.session(write=False) as db:
            rows, cursor = queues.page(db, principal, f, sort="priority", cursor=cursor, limit=limit)
        seen.extend(r.id for r in rows)
        if cursor is None:
            return seen


def test_unassigned_pages_match_the_plain_rule(database, desk) -> None:  # type: ignore[no-untyped-def]
    third = make_team(database, "Third", "L2")
    mine = [desk.l1.id, third.id]
    _fill(database, [*mine, desk.l2.id], desk.agent1.user.id)
    agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset(mine))
    f = queues.base_filter("unassigned", agent)
    assert len(unassigned_pairs(f)) == 6  # two teams x three statuses, one branch each
    expected = _expected(database, set(mine))
    assert len(expected) > 40
    for limit in (1, 7, 50):
        assert _pages(database, agent, f, limit) == expected
    # Narrowed by the filter form (one status, one priority) it is still the plain rule.
    narrowed = queues.apply_params(f, {"status": "open", "priority": "high"})
    with database.session(write=False) as db:
        rows, _ = queues.page(db, agent, narrowed, limit=500)
        high_open = [t.id for t in db.query(Ticket).filter(Ticket.id.in_(expected)).all()
                     if t.status == Status.open and t.priority == Priority.high]
    assert sorted(r.id for r in rows) == sorted(high_open) and all(r.assignee_id is None for r in rows)


def test_without_teams_or_with_too_many_pairs_one_branch_per_priority(database, desk) -> None:  # type: ignore[no-untyped-def]
    nobody = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset())
    assert unassigned_pairs(queues.base_filter("unassigned", nobody)) == []
    mine = [desk.l1.id]
    _fill(database, [*mine, desk.l2.id], desk.agent1.user.id)
    many = frozenset([*mine, *range(10**6, 10**6 + 10)])  # 11 teams x 3 statuses: 33 pairs, IN lists instead
    agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=many)
    assert unassigned_pairs(queues.base_filter("unassigned", agent)) == []
    assert _pages(database, agent, queues.base_filter("unassigned", agent), 9) == _expected(database, set(mine))


def test_api_list_of_unassigned_tickets_reads_the_same_pages(database, desk) -> None:  # type: ignore[no-untyped-def]
    """GET /api/v1/tickets?assignee=none&team_id=..&status=..&sort=priority takes the same branches."""
    third = make_team(database, "Third", "L2")
    mine = [desk.l1.id, third.id]
    _fill(database, [*mine, desk.l2.id], desk.agent1.user.id)
    agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset(mine))
    f = TicketFilter(status=["new", "open", "on_hold"], assignee="none", team_id=mine)
    assert len(unassigned_pairs(f)) == 6
    for limit in (1, 7, 50):
        seen: list[int] = []
        cursor = None
        while True:
            with database.session(write=False) as db:
                rows, cursor = list_tickets(db, agent, f, sort="priority", cursor=cursor, limit=limit)
                seen.extend(t.id for t in rows)
            if cursor is None:
                break
        assert seen == _expected(database, set(mine))
