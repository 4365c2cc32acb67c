"""What rules ask of one ticket, loaded lazily in plain SQL: a fact no rule asks for is never queried.

Triggers run inside every ticket creation, so the common case (rules that look at status, priority,
channel, subject) costs one indexed row read; tags, sentiment, times and calendars load on demand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from frontline.kit.rawsql import Raw
from frontline.rules.conditions import FOLDED
from frontline.sla.calendar import BusinessCalendar
from frontline.sla.clocks import business_calendar
from frontline.sla.models import Calendar
from frontline.tickets.models import Priority
from frontline.tickets.rows import TicketRow

BASE = ("SELECT t.status, t.priority, t.channel, t.team_id, t.line, t.assignee_id, t.category_id, t.subject,"
        " t.created_at, t.updated_at, t.contact_id, t.organisation_id FROM ticket t WHERE t.id = :id")


class TicketFacts:
    """A callable `Facts` for one ticket at one instant; `forget()` after the ticket changed."""

    def __init__(self, db: Session, ticket_id: int, now: datetime, *, text: str | None = None,
                 row: TicketRow | None = None, raw: Raw | None = None) -> None:
        self.db, self.ticket_id, self.now = db, ticket_id, now
        self.raw = raw or Raw(db)
        self.event_text = text
        self.cache: dict[tuple[str, int | None], Any] = {}
        self.calendars: dict[int, BusinessCalendar] = {}
        # A new ticket's row (hooks.TicketEvent.ticket): its columns, tags and sentiment without a query. The quick
        # actions keep it up to date; a rule carried out through the services makes it stale (`forget`).
        self.row: TicketRow | None = row
        self.new_row = row

    def forget(self) -> None:
        """The ticket changed through the ORM: read it again; the new ticket's tags are no longer known."""
        self.cache.clear()
        self.row = None
        if self.new_row is not None:
            self.new_row.tags = None

    def base(self) -> TicketRow:
        if self.row is None:
            found = self.raw.one(BASE, {"id": self.ticket_id})
            if found is None:
                raise LookupError(f"ticket {self.ticket_id} is gone")
            status, priority, channel, team_id, line, assignee_id, category_id, subject, created, updated, contact_id, \
                organisation_id = found
            self.row = TicketRow(
                id=self.ticket_id, status=status, priority=int(priority), channel=channel, subject=subject,
                team_id=team_id, line=line, assignee_id=assignee_id, category_id=category_id, contact_id=contact_id,
                organisation_id=organisation_id, created_at=self.raw.read_time(created),
                updated_at=self.raw.read_time(updated))
        return self.row

    def __call__(self, field: str, calendar_id: int | None) -> Any:
        key = (field, calendar_id)
        if key not in self.cache:
            self.cache[key] = self._load(field, calendar_id)
        return self.cache[key]

    def _load(self, field: str, calendar_id: int | None) -> Any:
        if field.endswith(FOLDED):
            return str(self(field.removesuffix(FOLDED), None) or "").casefold()
        row = self.base()
        if field in ("status", "channel", "team_id", "line", "assignee_id", "subject"):
            return getattr(row, field)
        if field == "priority":
            return Priority(row.priority)
        if field == "category":
            found = self.raw.one("SELECT name FROM category WHERE id = :id", {"id": row.category_id})
            return str(found[0]).casefold() if found else None
        if field == "tags":
            if row.tags is not None:
                return {str(t).casefold() for t in row.tags}
            return {str(r[0]).casefold() for r in self.raw.rows(
                "SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id WHERE tt.ticket_id = :t",
                {"t": self.ticket_id})}
        if field in ("sentiment_label", "sentiment_score") and row.sentiment is not None:
            score, label = row.sentiment
            return label if field == "sentiment_label" else float(score)
        if field == "text":
            return f"{row.subject}\n{self._last_customer_text()}"
        if field in ("sentiment_label", "sentiment_score"):
            found = self.raw.one("SELECT score, label FROM message_sentiment WHERE ticket_id = :t"
                                 " ORDER BY message_id DESC LIMIT 1", {"t": self.ticket_id})
            return None if found is None else (found[1] if field == "sentiment_label" else float(found[0]))
        if field == "business_hours":
            return self.calendar(calendar_id).is_open(self.now) if calendar_id is not None else None
        return self._hours_since(field, calendar_id)

    def _last_customer_text(self) -> str:
        if self.event_text is not None:
            return self.event_text
        found = self.raw.one("SELECT body_text FROM message WHERE ticket_id = :t AND kind = 'inbound'"
                             " ORDER BY id DESC LIMIT 1", {"t": self.ticket_id})
        return str(found[0]) if found else ""

    def calendar(self, calendar_id: int | None) -> BusinessCalendar:
        if calendar_id is None:
            return business_calendar(None)
        if calendar_id not in self.calendars:
            self.calendars[calendar_id] = business_calendar(self.db.get(Calendar, calendar_id))
        return self.calendars[calendar_id]

    def since(self, field: str) -> datetime | None:
        """The instant an hours_since_* field counts from (None: the clock is not running)."""
        row = self.base()
        if field == "hours_since_created":
            return row.created_at
        if field == "hours_since_updated":
            return row.updated_at
        if field == "hours_since_status_change":
            found = self.raw.one("SELECT max(created_at) FROM ticket_event WHERE ticket_id = :t AND field = 'status'",
                                 {"t": self.ticket_id})
            return self.raw.read_time(found[0]) if found and found[0] else row.created_at
        found = self.raw.one(
            "SELECT max(CASE WHEN kind = 'inbound' THEN created_at END), max(CASE WHEN kind = 'reply' THEN created_at"
            " END) FROM message WHERE ticket_id = :t", {"t": self.ticket_id})
        asked, answered = (self.raw.read_time(v) for v in (found or (None, None)))
        return asked if asked is not None and (answered is None or answered < asked) else None

    def _hours_since(self, field: str, calendar_id: int | None) -> float | None:
        start = self.since(field)
        if start is None or start >= self.now:
            return None if start is None else 0.0
        if calendar_id is None:
            return (self.now - start).total_seconds() / 3600
        return self.calendar(calendar_id).business_time_between(start, self.now).total_seconds() / 3600

    def state_key(self) -> str:
        """The ticket's current state for 'once per rule per state': its status and when it was entered."""
        since = self.since("hours_since_status_change")
        return f"{self.base().status}@{since.isoformat() if since else ''}"
