"""Starting a new ticket's SLA clocks in plain SQL, from policies and calendars cached per process.

This runs inside every ticket creation. The SLA configuration (policies, calendars, team calendars) is read
with ONE small query per ticket, whose rows are compared with the rows the cached copy was built from: any
change by any process or any writer (API, admin pages, plain SQL) is seen by the very next ticket, and only
then are the policies parsed and the calendars rebuilt. While nothing changes, the same `BusinessCalendar`
objects serve every ticket, so their per-day memo stays warm and a due time costs a few microseconds.

`start_new` is the desk's only way to start a ticket's clocks (the ORM path that did the same was removed); its
policy conditions and due times are the functions of clocks.py that the rest of SLA uses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from frontline.kit.rawsql import Raw
from frontline.sla.calendar import BusinessCalendar
from frontline.sla.clocks import ALWAYS_OPEN, calendar_from, conditions_hold, due
from frontline.tickets.rows import TicketRow

# Everything a new ticket's clocks depend on, in one portable statement (CAST makes the JSON columns text on
# PostgreSQL too, so rows compare equal exactly when the configuration is unchanged).
CONFIG_SQL = (
    "SELECT 'p', id, CAST(conditions AS TEXT), NULL, NULL, NULL, position, CAST(active AS INTEGER),"
    " first_response_minutes, next_response_minutes, resolution_minutes, calendar_id FROM sla_policy"
    " UNION ALL SELECT 'c', id, timezone, CAST(weekly_hours AS TEXT), CAST(holidays AS TEXT),"
    " CAST(special_hours AS TEXT), CAST(always_open AS INTEGER), NULL, NULL, NULL, NULL, NULL FROM sla_calendar"
    " UNION ALL SELECT 't', team_id, NULL, NULL, NULL, NULL, calendar_id, NULL, NULL, NULL, NULL, NULL"
    " FROM sla_team_calendar ORDER BY 1, 2"
)


@dataclass(frozen=True)
class CachedPolicy:
    id: int
    position: int
    conditions: dict[str, Any]
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    calendar_id: int | None


@dataclass(frozen=True)
class SlaConfig:
    """Active policies in matching order, calendars ready for arithmetic, team calendars."""

    policies: tuple[CachedPolicy, ...] = ()
    calendar_rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    team_calendars: dict[int, int] = field(default_factory=dict)
    needs_tier: bool = False  # some policy looks at the customer organisation's tier
    built: dict[int, BusinessCalendar] = field(default_factory=dict)

    def calendar(self, calendar_id: int | None) -> BusinessCalendar:
        """The calendar for arithmetic, built on first use (a missing one counts as always open); the same object
        serves later tickets, so its per-day memo stays warm."""
        if calendar_id is None:
            return ALWAYS_OPEN
        found = self.built.get(calendar_id)
        if found is None:
            row = self.calendar_rows.get(calendar_id)
            found = ALWAYS_OPEN if row is None else calendar_from(*row)
            self.built[calendar_id] = found
        return found


_cache: dict[str, tuple[list[tuple[Any, ...]], SlaConfig]] = {}
_lock = threading.Lock()


def _build(raw: Raw, rows: list[tuple[Any, ...]]) -> SlaConfig:
    policies: list[CachedPolicy] = []
    calendars: dict[int, tuple[Any, ...]] = {}
    team_calendars: dict[int, int] = {}
    for kind, key, t1, t2, t3, t4, i1, i2, i3, i4, i5, i6 in rows:
        if kind == "p" and i2:
            policies.append(CachedPolicy(int(key), int(i1 or 0), raw.read_json(t1) or {}, i3, i4, i5, i6))
        elif kind == "c":
            calendars[int(key)] = (str(t1), bool(i1), raw.read_json(t2), raw.read_json(t3), raw.read_json(t4))
        elif kind == "t":
            team_calendars[int(key)] = int(i1)
    policies.sort(key=lambda p: (p.position, p.id))
    return SlaConfig(tuple(policies), calendars, team_calendars,
                     any(p.conditions.get("organisation_tier") for p in policies))


def config(db: Session, raw: Raw) -> SlaConfig:
    """The SLA configuration as of now: one query; rebuilt only when its rows changed."""
    rows = raw.rows(CONFIG_SQL)
    url = str(db.get_bind().engine.url)
    cached = _cache.get(url)
    if cached is not None and cached[0] == rows:
        return cached[1]
    built = _build(raw, rows)
    with _lock:
        _cache[url] = (rows, built)
    return built


def matching_policy(db: Session, raw: Raw, ticket: TicketRow) -> tuple[CachedPolicy, int | None] | None:
    """The one rule that picks a ticket's SLA policy: the first active policy (by position) whose conditions hold,
    with its calendar (the policy's, else the team's; None: always open). None when no policy matches."""
    cfg = config(db, raw)
    if not cfg.policies:
        return None  # a desk without SLA policies pays one query on the hot path
    tier = None
    if cfg.needs_tier and ticket.organisation_id is not None:
        found = raw.one("SELECT tier FROM organisation WHERE id = :id", {"id": ticket.organisation_id})
        tier = found[0] if found else None
    policy = next((p for p in cfg.policies if conditions_hold(
        p.conditions, ticket.priority, ticket.channel, ticket.team_id, ticket.organisation_id, tier)), None)
    if policy is None:
        return None
    calendar_id = policy.calendar_id
    if calendar_id is None and ticket.team_id is not None:
        calendar_id = cfg.team_calendars.get(ticket.team_id)
    return policy, calendar_id


def start_new(db: Session, raw: Raw, ticket: TicketRow) -> bool:
    """The one rule that starts a ticket's SLA clocks: the matching policy (`matching_policy`) gets a clock row, due
    times on its calendar, counted from `ticket.created_at`. True if a policy matched."""
    matched = matching_policy(db, raw, ticket)
    if matched is None:
        return False
    policy, calendar_id = matched
    calendar = config(db, raw).calendar(calendar_id)
    started = ticket.created_at
    if started is None:
        raise ValueError(f"ticket {ticket.id}: its row has no creation time to start the clocks from")
    first = due(calendar, started, policy.first_response_minutes, [])
    resolution = due(calendar, started, policy.resolution_minutes, [])
    running = [d for d in (first, resolution) if d is not None]
    raw.run(
        "INSERT INTO ticket_sla (ticket_id, policy_id, calendar_id, started_at, pauses, first_response_due,"
        f" resolution_due, next_due) VALUES (:t, :p, :c, :start, :pauses{raw.json_cast()}, :first, :resolution,"
        " :next)",
        {"t": ticket.id, "p": policy.id, "c": calendar_id, "start": raw.time(started), "pauses": "[]",
         "first": raw.time(first), "resolution": raw.time(resolution), "next": raw.time(min(running) if running
                                                                                          else None)},
    )
    return True
