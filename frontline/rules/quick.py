"""A rule's field actions in plain SQL: what `update_ticket` would write, without loading the ticket.

Most triggers set a field or add a tag. Through the ticket service that costs an ORM load, flushes and
autoflushes (about 2 ms of CPU per firing on the hot path of a new ticket); here the same changes are made
with a few plain statements on the row the engine already holds (`TicketFacts.base()`: a new ticket's own
`TicketRow`, or one row read), and exactly the same traces are left behind:

- the ticket's columns and `updated_at`, tags in `ticket_tag`, categories created on first use;
- one `changed` history entry per field that changed (old and new as `tickets.history.display` shows them),
  already carrying the rule's stamp ({"by": "rule", "rule_id", "rule"}) that the engine adds to the ORM path's;
- one `updated` ticket event per action that changed something (fields = that action's field), emitted the
  way `update_ticket` emits it, so the loop guard, chains, webhooks and search see the same events;
- an action that cannot apply (a team that does not exist) is recorded as `rule_skipped` and skipped.

Only the actions below take this path; a rule with any other action (status, assignee, escalate, reply,
webhook, assign) goes through the services as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from frontline.kit.db import utcnow
from frontline.kit.errors import FrontlineError, InvalidInput
from frontline.kit.rawsql import Raw
from frontline.rules.facts import TicketFacts
from frontline.tickets import history, hooks
from frontline.tickets.history import display
from frontline.tickets.labels import clean_tags, named_id
from frontline.tickets.models import Priority, Ticket
from frontline.tickets.schemas import TicketUpdate
from frontline.tickets.service import team_line

QUICK = frozenset({"set_priority", "set_team", "set_line", "set_category", "add_tag", "remove_tag", "notify"})


def quick(actions: list[dict[str, Any]]) -> bool:
    """Whether every action of a rule can be carried out here (values the service would accept as they are)."""
    for action in actions:
        kind = action.get("type")
        if kind not in QUICK:
            return False
        if kind == "set_team" and not (action.get("value") is None or type(action.get("value")) is int):
            return False  # the service would coerce or reject it through its schema; let it
    return True


class QuickActions:
    """One rule firing on one ticket: apply its actions, write history, emit events."""

    def __init__(self, db: Session, raw: Raw, facts: TicketFacts, stamp: dict[str, Any]) -> None:
        self.db, self.raw, self.facts, self.stamp = db, raw, facts, stamp
        self.ticket_id = facts.ticket_id
        self.row = facts.base()  # the ticket's current row (kept up to date below; a new ticket's own row)
        self.now = utcnow()
        self.touched = False

    def run(self, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            try:
                field = self._one(action)
            except FrontlineError as exc:
                self._history("rule_skipped", None, None, None,
                              {"rule_id": self.stamp["rule_id"], "action": action["type"], "why": str(exc)})
                continue
            if field is not None:
                self.touched = True
                self.row.updated_at = self.now
                if field == "tags":  # the other fields' UPDATE set it already
                    self.raw.run("UPDATE ticket SET updated_at = :now WHERE id = :id",
                                 {"now": self.raw.time(self.now), "id": self.ticket_id})
                self._expire()
                hooks.emit(self.db, hooks.TicketEvent("updated", self.ticket_id, None, fields=(field,)))
        if self.touched:
            self.facts.cache.clear()

    def _one(self, action: dict[str, Any]) -> str | None:
        """Carry out one action; the TicketUpdate field it changed, or None when nothing changed."""
        kind = action["type"]
        if kind == "notify":
            self._history("rule_notify", None, None, None,
                          {"to": action.get("to") or "supervisors", "message": action["message"]})
            return None
        if kind in ("add_tag", "remove_tag"):
            return self._tag(clean_tags([str(action["value"])])[0], kind == "add_tag")
        if kind == "set_priority":
            data = TicketUpdate.model_validate({"priority": action.get("value")})
            if data.priority is None:
                raise InvalidInput("'priority' cannot be null.")
            return "priority" if self._set("priority", int(Priority[data.priority])) else None
        if kind == "set_team":
            data = TicketUpdate.model_validate({"team_id": action.get("value")})
            line = team_line(self.raw, data.team_id) if data.team_id is not None else None  # update_ticket's check
            if not self._set("team_id", data.team_id):
                return None
            if line is not None:  # as update_ticket: a team change takes the team's line (a later set_line wins)
                self._set("line", line)
            return "team_id"
        if kind == "set_line":
            data = TicketUpdate.model_validate({"line": action.get("value")})
            return "line" if self._set("line", data.line.value if data.line else None) else None
        data = TicketUpdate.model_validate({"category": action.get("value")})
        return "category" if self._category(data.category) else None

    def _set(self, column: str, value: Any) -> bool:
        old = getattr(self.row, column)
        if old == value:
            return False
        self.raw.run(f"UPDATE ticket SET {column} = :v, updated_at = :now WHERE id = :id",
                     {"v": value, "now": self.raw.time(self.now), "id": self.ticket_id})
        self._changed(column, old, value)
        setattr(self.row, column, value)
        return True

    def _category(self, name: str | None) -> bool:
        new_id = None
        if name:
            new_id = named_id(self.raw, "category", name)
        old_id = self.row.category_id
        if new_id == old_id:
            return False
        old_name = None
        if old_id is not None:
            found = self.raw.one("SELECT name FROM category WHERE id = :id", {"id": old_id})
            old_name = found[0] if found else None
        self.raw.run("UPDATE ticket SET category_id = :v, updated_at = :now WHERE id = :id",
                     {"v": new_id, "now": self.raw.time(self.now), "id": self.ticket_id})
        self._changed("category", old_name, name or None)
        self.row.category_id, self.row.category = new_id, name or None
        return True

    def _tag(self, tag: str, add: bool) -> str | None:
        if self.row.tags is not None:
            current = sorted(self.row.tags)
        else:
            current = [str(r[0]) for r in self.raw.rows(
                "SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id WHERE tt.ticket_id = :t"
                " ORDER BY g.name", {"t": self.ticket_id})]
        wanted = [t for t in current if add or t != tag] + ([tag] if add and tag not in current else [])
        if sorted(wanted) == current:
            return None
        new = clean_tags(TicketUpdate.model_validate({"tags": wanted}).tags or [])
        if add:
            tag_id = named_id(self.raw, "tag", tag)
            self.raw.run("INSERT INTO ticket_tag (ticket_id, tag_id) VALUES (:t, :g)",
                         {"t": self.ticket_id, "g": tag_id})
        else:
            self.raw.run("DELETE FROM ticket_tag WHERE ticket_id = :t AND tag_id IN (SELECT id FROM tag"
                         " WHERE name = :n)", {"t": self.ticket_id, "n": tag})
        self._changed("tags", current, new)
        self.row.tags = sorted(new)
        return "tags"

    def _changed(self, field: str, old: Any, new: Any) -> None:
        self._history("changed", field, display(field, old), display(field, new), None)

    def _history(self, kind: str, field: str | None, old: str | None, new: str | None,
                 data: dict[str, Any] | None) -> None:
        history.write(self.raw, [history.Entry(self.ticket_id, kind, field, old, new, {**(data or {}), **self.stamp},
                                               "system", None, None)], self.now)

    def _expire(self) -> None:
        """A copy of the ticket the session already holds must reread what was written here."""
        loaded = self.db.identity_map.get(identity_key(Ticket, self.ticket_id))
        if loaded is not None:
            self.db.expire(loaded)
