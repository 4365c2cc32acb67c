"""The agent's queues: built-in views, saved views, their filters and rows (SLA marks: sla_marks.py, counts:
queue_counts.py).

Queue pages are the workspace's hottest reads, so rows and counts are plain SQL (`kit.rawsql.Raw`): the
filters, sort orders and paging of `tickets.query` (the API's), with the visibility rule of
`tickets.access.visible_sql`; this module adds the SLA at-risk condition and the due sort.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.pagination import decode_shaped, encode_cursor
from frontline.kit.rawsql import Raw
from frontline.tickets.models import Priority, Status
from frontline.tickets.query import Keys, TicketFilter, Where, by_priority, ordered_keys
from frontline.tickets.query import conditions as query_conditions
from frontline.web.i18n import N_
from frontline.web.models import SavedView
from frontline.web.sla_marks import DEFAULT_WARN_MINUTES, SlaMark, mark, warn_windows

UNSOLVED = [Status.new, Status.open, Status.pending, Status.on_hold]
FILTER_KEYS = ("status", "priority", "line", "team_id", "assignee", "tag")
SORTS = ("priority", "due", "-created", "created", "-updated", "updated")
SORT_LABELS = {"priority": N_("Priority"), "due": N_("SLA due"), "-created": N_("Newest"),
               "created": N_("Oldest"), "-updated": N_("Recently updated")}
@dataclass(frozen=True)
class Queue:
    key: str
    label: str  # an N_() msgid for built-in queues, the user's text for saved views
    builtin: bool = True
    filters: Mapping[str, Any] = field(default_factory=dict)
    default_sort: str = "priority"


BUILTIN = (
    Queue("mine", N_("My open tickets")),
    Queue("unassigned", N_("Team unassigned")),
    Queue("l1", N_("Line L1")),
    Queue("l2", N_("Line L2")),
    Queue("l3", N_("Line L3")),
    Queue("pending", N_("Pending customer")),
    Queue("sla", N_("SLA at risk"), default_sort="due"),
    Queue("all", N_("All tickets")),
)
# Unsolved tickets of no team: only supervisors and administrators can see them, so only they get the queue. With a
# default team (Administration -> Lines) nothing new lands here; a ticket an agent took out of every team does.
UNROUTED = Queue("unrouted", N_("Unrouted"))


def builtin_for(principal: Principal) -> tuple[Queue, ...]:
    """The built-in queues this user has (the sidebar, its counts and the queue pages)."""
    return (*BUILTIN, UNROUTED) if principal.sees_all_tickets else BUILTIN


@dataclass
class QueueFilter(TicketFilter):
    """A ticket filter plus the queue-only condition 'SLA due within its warning window, or overdue'."""

    sla_at_risk: bool = False
    unrouted: bool = False  # no team


def base_filter(key: str, principal: Principal) -> QueueFilter:
    if key == "mine":
        return QueueFilter(status=list(UNSOLVED), assignee="me")
    if key == "unassigned":
        teams = sorted(principal.team_ids)
        return QueueFilter(status=[Status.new, Status.open, Status.on_hold], assignee="none", team_id=teams)
    if key in ("l1", "l2", "l3"):
        return QueueFilter(status=list(UNSOLVED), line=[key.upper()])
    if key == "pending":
        return QueueFilter(status=[Status.pending])
    if key == "sla":
        return QueueFilter(status=list(UNSOLVED), sla_at_risk=True)
    if key == "all":
        return QueueFilter()
    if key == "unrouted" and principal.sees_all_tickets:
        return QueueFilter(status=list(UNSOLVED), unrouted=True)
    raise NotFound(f"No queue {key}.")


def apply_params(f: QueueFilter, params: Mapping[str, Any]) -> QueueFilter:
    """Narrow a queue with the filter form's values (an empty value leaves the queue's own filter)."""
    changes: dict[str, Any] = {}
    for key in FILTER_KEYS:
        value = str(params.get(key) or "").strip()
        if not value:
            continue
        if key == "status" and value not in Status.__members__:
            raise InvalidInput(f"Unknown status '{value}'.")
        if key == "priority" and value not in Priority.__members__:
            raise InvalidInput(f"Unknown priority '{value}'.")
        if key == "team_id":
            if not value.isdigit():
                raise InvalidInput("team_id must be a number.")
            changes[key] = [int(value)]
        elif key == "assignee":
            if value not in ("me", "none") and not value.isdigit():
                raise InvalidInput("assignee must be an agent id, 'me' or 'none'.")
            changes[key] = value
        elif key in ("status", "priority", "line"):
            changes[key] = [value]
        else:
            changes[key] = value
    return replace(f, **changes)


@dataclass(frozen=True, slots=True)
class ViewRef:
    id: int
    name: str
    filters: str  # the stored JSON text, compared to tell whether cached counts still fit


def saved_views(db: Session, user_id: int) -> list[ViewRef]:
    """The agent's saved views, by name."""
    raw = Raw(db)
    return [ViewRef(int(i), str(n), orjson.dumps(raw.read_json(f)).decode()) for i, n, f in raw.rows(
        "SELECT id, name, filters FROM saved_view WHERE owner_user_id = :u ORDER BY name, id", {"u": user_id})]


def resolve(db: Session, principal: Principal, key: str) -> tuple[Queue, QueueFilter]:
    """A queue by key ('mine', 'l2', 'view-7') and its ticket filter."""
    if key.startswith("view-") and key[5:].isdigit():
        view = db.get(SavedView, int(key[5:]))
        if view is None or view.owner_user_id != principal.user_id:
            raise NotFound(f"No queue {key}.")
        return Queue(key, view.name, builtin=False, filters=view.filters), apply_params(QueueFilter(), view.filters)
    for queue in builtin_for(principal):
        if queue.key == key:
            return queue, base_filter(key, principal)
    raise NotFound(f"No queue {key}.")


# ---------------------------------------------------------------- SQL


def risk_clause(w: Where, now: datetime, windows: Mapping[int, int]) -> str:
    """SLA clocks `s` due within their policy's warning window (or overdue). The widest window bounds the
    range on the due-time index; a CASE narrows it per policy."""
    widest = max([DEFAULT_WARN_MINUTES, *windows.values()])
    horizon = w.param(w.raw.time(now + timedelta(minutes=widest)))
    whens = [(f"s.policy_id = {int(pid)}", m) for pid, m in sorted(windows.items()) if m != widest]
    if widest != DEFAULT_WARN_MINUTES:
        whens.insert(0, ("s.policy_id IS NULL", DEFAULT_WARN_MINUTES))
    if not whens:
        return f"s.next_due <= {horizon}"
    cases = " ".join(f"WHEN {cond} THEN {w.param(w.raw.time(now + timedelta(minutes=m)))}" for cond, m in whens)
    return f"s.next_due <= {horizon} AND s.next_due <= CASE {cases} ELSE {horizon} END"


def conditions(raw: Raw, f: QueueFilter, principal: Principal, now: datetime,
               windows: Mapping[int, int] | None = None) -> Where:
    """The filter as SQL (tickets.query.conditions), plus the queue-only SLA condition."""
    w = query_conditions(raw, f, principal)
    if f.unrouted:
        w.add("t.team_id IS NULL")
    if f.sla_at_risk:
        risk = risk_clause(w, now, warn_windows(raw) if windows is None else windows)
        w.add(f"EXISTS (SELECT 1 FROM ticket_sla s WHERE s.ticket_id = t.id AND {risk})")
    return w


# ---------------------------------------------------------------- rows


@dataclass(slots=True)
class Row:
    """One line of a queue page (names resolved, SLA state worked out)."""

    id: int
    subject: str
    status: str
    priority: int
    team_id: int | None
    line: str | None
    assignee_id: int | None
    contact_name: str
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)
    sla: SlaMark | None = None
    contact_id: int | None = None


_DETAIL_SQL = (
    "SELECT t.id, t.subject, t.status, t.priority, t.team_id, t.line, t.assignee_id, c.name, t.created_at, "
    "t.updated_at, s.ticket_id, s.policy_id, s.pauses, s.next_due, s.first_response_due, s.next_response_due, "
    "s.resolution_due, t.contact_id "
    "FROM ticket t LEFT JOIN contact c ON c.id = t.contact_id LEFT JOIN ticket_sla s ON s.ticket_id = t.id "
    "WHERE t.id IN ({ids})"
)


def page(db: Session, principal: Principal, f: QueueFilter, *, sort: str = "priority", cursor: str | None = None,
         limit: int = 50, now: datetime | None = None) -> tuple[list[Row], str | None]:
    """One page of a queue and the cursor of the next one (None at the end)."""
    if sort not in SORTS:
        raise InvalidInput(f"Unknown sort '{sort}'. Use one of: {', '.join(SORTS)}.")
    raw, now = Raw(db), now or utcnow()
    serial_reads(db, raw)
    windows = warn_windows(raw)
    if sort == "due":  # the at-risk condition goes on the joined clocks, not into a second look-up
        w = conditions(raw, replace(f, sla_at_risk=False), principal, now, windows)
        risk = risk_clause(w, now, windows) if f.sla_at_risk else None
        keys = _by_due(raw, w, cursor, limit, risk)
    else:
        keys = ordered_keys(raw, f, lambda g: conditions(raw, g, principal, now, windows), sort=sort, cursor=cursor,
                            limit=limit, principal=principal)
    next_cursor = encode_cursor(keys[limit - 1][1]) if len(keys) > limit else None
    ids = [k[0] for k in keys[:limit]]
    return details(raw, ids, now, windows), next_cursor


def serial_reads(db: Session, raw: Raw) -> None:
    """PostgreSQL: no parallel workers for this transaction's queue queries. They read a few thousand
    index entries at most; starting a worker costs more (5-15 ms here) than it could save."""
    if raw.postgres and not db.info.get("queues_serial"):
        raw.run("SET LOCAL max_parallel_workers_per_gather = 0")
        db.info["queues_serial"] = True  # the session is one request's one transaction


_NO_RUNNING_DUE = "NOT EXISTS (SELECT 1 FROM ticket_sla s WHERE s.ticket_id = t.id AND s.next_due IS NOT NULL)"


def _by_due(raw: Raw, w: Where, cursor: str | None, limit: int, risk: str | None) -> Keys:
    """Soonest SLA deadline first (overdue ones on top); tickets with no running clock follow in the
    priority order (none when `risk`, the at-risk condition on the clocks `s`, is given: those all have a
    running clock). Cursors carry the phase: ["d", due, id] or ["p", priority, created, id]."""
    phase, after = "d", None
    if cursor:
        phase = _cursor_phase(cursor)
        after = decode_shaped(cursor, "sti" if phase == "d" else "siti")[1:]
    keys: Keys = []
    if phase == "d":
        conds = ["s.next_due IS NOT NULL", *([risk] if risk else [])]
        if after is not None:
            conds.append(f"(s.next_due, s.ticket_id) > ({w.param(raw.time(after[0]))}, {w.param(after[1])})")
        rows = raw.rows(f"SELECT t.id, s.next_due FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id "
                        f"WHERE {w.sql(conds)} ORDER BY s.next_due, s.ticket_id LIMIT {int(limit) + 1}", w.params)
        keys = [(r[0], ["d", raw.read_time(r[1]), r[0]]) for r in rows]
        if len(keys) > limit or risk:
            return keys
        after = None
    rest = by_priority(raw, w, after, limit - len(keys), [_NO_RUNNING_DUE])
    return keys + [(i, ["p", *k]) for i, k in rest]


def _cursor_phase(cursor: str) -> str:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InvalidInput("The cursor is not valid. Use the next_cursor of a previous page.") from exc
    if not isinstance(value, list) or value[:1] not in (["d"], ["p"]):
        raise InvalidInput("The cursor is not valid. Use the next_cursor of a previous page.")
    return str(value[0])


def details(raw: Raw, ids: Sequence[int], now: datetime, windows: Mapping[int, int]) -> list[Row]:
    """The rows of the given tickets in that order: names, tags and SLA mark included."""
    if not ids:
        return []
    id_list = ", ".join(str(int(i)) for i in ids)
    found: dict[int, Row] = {}
    for r in raw.rows(_DETAIL_SQL.format(ids=id_list)):
        found[r[0]] = Row(
            id=r[0], subject=r[1], status=r[2], priority=r[3], team_id=r[4], line=r[5], assignee_id=r[6],
            contact_name=r[7] or "", created_at=raw.read_time(r[8]) or now, updated_at=raw.read_time(r[9]) or now,
            sla=mark(raw, r[11:17], r[2], now, windows) if r[10] is not None else None, contact_id=r[17])
    for ticket_id, name in raw.rows("SELECT tt.ticket_id, g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id "
                                    f"WHERE tt.ticket_id IN ({id_list}) ORDER BY g.name"):
        found[ticket_id].tags.append(name)
    return [found[i] for i in ids if i in found]


# ---------------------------------------------------------------- saved views


def save_view(db: Session, principal: Principal, name: str, params: Mapping[str, Any]) -> SavedView:
    name = name.strip()[:120]
    if not name:
        raise InvalidInput("Give the view a name.")
    filters = {k: str(params[k]) for k in FILTER_KEYS if params.get(k)}
    apply_params(QueueFilter(), filters)  # validate before storing
    view = SavedView(owner_user_id=principal.user_id, name=name, filters=filters)
    db.add(view)
    db.flush()
    return view
