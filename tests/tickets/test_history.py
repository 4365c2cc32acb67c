"""The one writer of ticket history (tickets/history.py): several entries in one statement, in order, with the
values, actor and data as history shows them; `record` writes at once in the session's transaction. Both
databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from frontline.accounts.principal import Principal
from frontline.kit.db import Database
from frontline.kit.rawsql import Raw
from frontline.tickets import history
from frontline.tickets.create import create_ticket
from frontline.tickets.models import TicketEvent
from frontline.tickets.schemas import TicketCreate
from tests.factories import ticket_payload


class _Counting:
    """A DB-API cursor that counts the statements sent through it."""

    def __init__(self, cursor: Any) -> None:
        self.cursor, self.statements = cursor, 0

    def execute(self, *args: Any) -> Any:
        self.statements += 1
        return self.cursor.execute(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


def test_several_entries_are_written_in_one_statement_in_order(database: Database, desk: Any) -> None:
    agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset({desk.l1.id}))
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with database.session() as db:
        ticket = create_ticket(db, agent, TicketCreate.model_validate(ticket_payload()))
        raw = Raw(db)
        counting = _Counting(raw.cursor)
        raw.cursor = counting
        ids = history.write(raw, [
            history.entry(ticket.id, "changed", agent, field="priority", old=1, new=3),
            history.entry(ticket.id, "changed", None, field="tags", old=["b", "a"], new=None,
                          data={"by": "rule", "rule_id": 7}),
            history.entry(ticket.id, "message", Principal(contact_id=ticket.contact_id),
                          data={"message_id": ticket.message_id, "kind": "inbound"}),
        ], at)
        assert counting.statements == 1 and len(ids) == 3 and ids == sorted(ids)
        assert history.write(raw, []) == [] and counting.statements == 1
        one = history.record(db, ticket.id, "merged", agent, data={"from": 1})
        assert one > ids[-1]
    with database.session(write=False) as db:
        rows = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))
        got = [(e.kind, e.field, e.old_value, e.new_value, e.actor_kind, e.actor_user_id, e.actor_contact_id, e.data)
               for e in rows]
        stamped = db.scalars(select(TicketEvent.created_at).where(TicketEvent.id.in_(ids))).all()
    assert got == [
        ("created", None, None, None, "agent", desk.agent1.user.id, None, {"channel": "api", "status": "new"}),
        ("changed", "priority", "normal", "urgent", "agent", desk.agent1.user.id, None, None),
        ("changed", "tags", "a, b", None, "system", None, None, {"by": "rule", "rule_id": 7}),
        ("message", None, None, None, "customer", None, ticket.contact_id,
         {"message_id": ticket.message_id, "kind": "inbound"}),
        ("merged", None, None, None, "agent", desk.agent1.user.id, None, {"from": 1}),
    ]
    assert stamped == [at, at, at]
