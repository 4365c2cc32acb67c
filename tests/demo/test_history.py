"""The demo desk built in a database has varied history, and `frontline routing evaluate` on it measures learning
(held-out texts seen word for word in training are left out and counted), on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontline.cli.main import app as cli
from frontline.demo.build import build_demo
from frontline.kit.db import Database
from frontline.kit.settings import get_settings
from frontline.routing.classifier import normalised
from frontline.routing.training import history
from frontline.tickets.models import Message, Ticket
from frontline.workforce import demo_plan


@pytest.fixture
def demo_env(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", database.url)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))  # the demo token file goes there
    get_settings.cache_clear()
    # The planner's schedules take half a minute to solve and are not what these tests look at.
    monkeypatch.setattr(demo_plan, "publish_demo_plans", lambda database, console=None: 0)
    build_demo(database, tickets=700, months=3, seed=11)
    yield database
    get_settings.cache_clear()


@pytest.mark.slow
def test_demo_history_is_varied_and_evaluate_leaves_out_repeats(demo_env: Database) -> None:
    with demo_env.session(write=False) as db:
        tickets = db.scalar(select(func.count()).select_from(Ticket)) or 0
        bodies = db.scalar(select(func.count(func.distinct(Message.body_text))).where(Message.kind == "inbound"))
        examples = history(db)
    assert tickets >= 500 and (bodies or 0) >= 0.8 * tickets
    assert len({normalised(e.text) for e in examples}) >= 0.9 * len(examples)
    assert {e.labels["category"] for e in examples} >= {"Billing", "Delivery", "Bug report", "Account access"}
    result = CliRunner().invoke(cli, ["routing", "evaluate"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for field in ("category", "priority", "team"):
        found = re.search(rf"{field}: accuracy ([\d.]+)% on (\d+) held-out tickets \(always guessing the most "
                          rf"common: ([\d.]+)%\)", text)
        assert found is not None, text
        accuracy, held_out, baseline = float(found[1]), int(found[2]), float(found[3])
        assert held_out >= 0.15 * len(examples) and 0 <= baseline <= 100
        if field == "category":
            assert accuracy > baseline + 30, text
    left_out = [int(n) for n in re.findall(r"left out (\d+) held-out tickets whose text repeats", text)]
    assert all(n < 0.1 * len(examples) for n in left_out), text


@pytest.mark.slow
def test_demo_open_tickets_have_sla_clocks_moved_by_their_conversation(demo_env: Database) -> None:
    """Issue 11.6: the demo desk's open tickets had no SLA clocks (ticket_sla empty, "SLA at risk" empty)."""
    from frontline.sla.models import Policy, TicketSla
    from frontline.tickets.models import Priority, Status

    with demo_env.session(write=False) as db:
        open_ids = set(db.scalars(select(Ticket.id).where(
            Ticket.status.in_((Status.new, Status.open, Status.pending, Status.on_hold)),
            Ticket.merged_into_id.is_(None))))
        clocks = {s.ticket_id: s for s in db.scalars(select(TicketSla))}
        urgent = db.scalar(select(Policy.id).where(Policy.name == "Urgent"))
        replied = set(db.scalars(select(Message.ticket_id).where(Message.kind == "reply")))
        urgent_open = set(db.scalars(select(Ticket.id).where(Ticket.id.in_(open_ids),
                                                              Ticket.priority == Priority.urgent)))
        standard = db.scalar(select(Policy.id).where(Policy.name == "Standard"))
        normal_open = set(db.scalars(select(Ticket.id).where(Ticket.id.in_(open_ids),
                                                              Ticket.priority == Priority.normal)))
        pending = set(db.scalars(select(Ticket.id).where(Ticket.id.in_(open_ids),
                                                          Ticket.status == Status.pending)))
    assert open_ids and set(clocks) == open_ids  # every open ticket, and only those, has clocks
    assert urgent_open and all(clocks[t].policy_id == urgent for t in urgent_open)
    assert normal_open and all(clocks[t].policy_id == standard for t in normal_open)
    answered = open_ids & replied
    assert answered and all(clocks[t].first_response_met_at is not None for t in answered)
    assert all(clocks[t].first_response_met_at is None for t in open_ids - replied)
    assert all(clocks[t].pauses and clocks[t].pauses[-1][1] is None for t in pending)
    # some open clock is due: the desk's "SLA at risk" view has something to show
    assert any(s.next_due is not None for s in clocks.values())


def test_the_demo_desk_routes_a_ticket_without_a_team_to_its_default_team(demo_env: Database) -> None:
    """Issue 11.8 in `make run`: the README's curl created a ticket with no team and no line, which only the
    supervisors' queues showed. The demo's L1 team is its default team."""
    from frontline.accounts.models import Team
    from frontline.tickets.create import create_ticket
    from frontline.tickets.schemas import TicketCreate

    with demo_env.session() as db:
        ticket = create_ticket(db, None, TicketCreate.model_validate({
            "subject": "Printer on fire", "description": "Help!", "customer": {"email": "ann@example.com"}}))
        default = db.scalars(select(Team).where(Team.is_default.is_(True))).all()
        assert [t.name for t in default] == ["L1 Support"]
        assert (ticket.team_id, ticket.line) == (default[0].id, "L1")
