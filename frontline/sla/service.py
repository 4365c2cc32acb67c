"""SLA verbs: move a ticket's clocks with its conversation and status, and act on breaches.

A new ticket's clocks are started by hotpath.start_new (the only rule for it), from the creation's typed row.

Clocks pause while the ticket waits on the customer (pending) or is solved, and resume when it comes back.
Every warning and breach is a ticket event, recorded once; breach actions run once per clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session

from frontline.jobs import enqueue
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.routing.service import escalate
from frontline.sla import hotpath
from frontline.sla.clocks import business_calendar, recompute
from frontline.sla.models import METRICS, Calendar, Policy, TicketSla
from frontline.tickets import history
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.rows import TicketRow

PAUSING = (Status.pending, Status.solved)


def _context(db: Session, state: TicketSla) -> tuple[Policy, Calendar | None] | None:
    policy = db.get(Policy, state.policy_id) if state.policy_id else None
    if policy is None:
        return None
    return policy, db.get(Calendar, state.calendar_id) if state.calendar_id else None


def _refresh(db: Session, state: TicketSla) -> None:
    context = _context(db, state)
    if context is not None:
        recompute(state, context[0], business_calendar(context[1]))


POLICY_FIELDS = frozenset({"priority", "team_id", "line", "category", "channel", "contact_id", "organisation_id"})


def _due_change(db: Session, ticket: Ticket, state: TicketSla | None) -> tuple[int, int | None] | None:
    """(policy, calendar) the ticket should follow now, when that differs from what its clocks follow (or it has
    none yet); None when nothing changes: no policy matches, the ticket is closed or merged, or it is the same."""
    matched = hotpath.matching_policy(db, Raw(db), TicketRow.of(ticket))
    if matched is None or ticket.status == Status.closed or ticket.merged_into_id is not None:
        return None
    target = (matched[0].id, matched[1])
    if state is not None and (state.policy_id, state.calendar_id) == target:
        return None
    return target


def reselect(db: Session, ticket: Ticket) -> bool:
    """Choose the ticket's policy again after a field a policy may look at changed (a trigger raising the priority
    included). The clocks keep their start and pauses, so the time already elapsed counts against the new targets;
    a ticket with no clocks yet gets them from its creation. When no policy matches any more, the clocks it has
    stay (a target once promised is not withdrawn). True when the policy changed."""
    db.flush()
    state = db.get(TicketSla, ticket.id)
    target = _due_change(db, ticket, state)
    if target is None:
        return False
    if state is None:
        return hotpath.start_new(db, Raw(db), TicketRow.of(ticket))
    old = state.policy_id
    state.policy_id, state.calendar_id = target
    _refresh(db, state)
    history.record(db, ticket.id, "sla_policy", None, field="policy", old=old, new=target[0],
                   data={"by": "sla"})
    db.flush()
    return True


APPLY_BATCH = 500
APPLY_JOB = "sla.apply"


def _open_batch(db: Session, after_id: int, limit: int) -> list[Ticket]:
    return list(db.scalars(select(Ticket).where(Ticket.id > after_id, Ticket.status != Status.closed,
                                                Ticket.merged_into_id.is_(None)).order_by(Ticket.id).limit(limit)))


def policy_changes(db: Session) -> int:
    """How many open tickets `apply_policies` would give another policy (or their first clocks): the count an
    administrator sees before applying new or changed policies to the tickets already open."""
    changed, after = 0, 0
    while batch := _open_batch(db, after, APPLY_BATCH):
        states = {s.ticket_id: s for s in db.scalars(select(TicketSla).where(
            TicketSla.ticket_id.in_([t.id for t in batch])))}
        changed += sum(_due_change(db, t, states.get(t.id)) is not None for t in batch)
        after = batch[-1].id
    return changed


def start_applying(db: Session) -> int:
    """Apply the policies as they are now to every open ticket: queue the `sla.apply` job (in batches, after this
    transaction commits) and return how many tickets it will change, counted now."""
    changed = policy_changes(db)
    enqueue(db, APPLY_JOB, {"after": 0}, dedupe_key="all")
    return changed


def apply_policies(db: Session, after_id: int = 0, limit: int | None = None) -> tuple[int, int | None]:
    """Choose the policy again (`reselect`) for up to `limit` open tickets after `after_id`, by id; returns how
    many changed and the last id when more tickets may follow (the `sla.apply` job goes on from there)."""
    size = limit or APPLY_BATCH
    batch = _open_batch(db, after_id, size)
    changed = sum(reselect(db, ticket) for ticket in batch)
    return changed, (batch[-1].id if len(batch) == size else None)


def agent_replied(db: Session, ticket_id: int, at: datetime) -> None:
    """A public reply meets the first-response target, and answers the customer who was waiting: the
    running next-response clock stops (a breach already recorded stays recorded)."""
    state = db.get(TicketSla, ticket_id)
    if state is None:
        return
    if state.first_response_met_at is None:
        state.first_response_met_at = at
    state.next_response_started_at = None
    _refresh(db, state)


def customer_wrote(db: Session, ticket_id: int, at: datetime) -> None:
    """The customer waits again: the next-response clock starts, unless one is already running."""
    state = db.get(TicketSla, ticket_id)
    if state is None or state.first_response_met_at is None or state.next_response_started_at is not None:
        return
    state.next_response_started_at = at
    state.next_response_breached_at = state.next_response_warned_at = None
    _refresh(db, state)


def status_changed(db: Session, ticket: Ticket, at: datetime) -> None:
    state = db.get(TicketSla, ticket.id)
    if state is None:
        return
    if ticket.merged_into_id is not None:
        _stop(state)
        return
    if ticket.status == Status.closed:  # final: resolved if not yet, and no clock may resume or breach
        if state.resolution_met_at is None:
            state.resolution_met_at = at
        _stop(state)
        return
    pauses = [list(p) for p in state.pauses or []]
    open_pause = bool(pauses) and pauses[-1][1] is None
    if ticket.status in PAUSING and not open_pause:
        pauses.append([at.isoformat(), None])
    elif ticket.status not in PAUSING and open_pause:
        pauses[-1][1] = at.isoformat()
    state.pauses = pauses
    if ticket.status in (Status.solved, Status.closed) and state.resolution_met_at is None:
        state.resolution_met_at = at
    elif ticket.status not in (Status.solved, Status.closed) and state.resolution_met_at is not None:
        state.resolution_met_at = None  # reopened: the resolution clock runs on, minus the solved pause
    _refresh(db, state)


def _stop(state: TicketSla) -> None:
    """A merged or closed ticket's clocks stop for good: no deadline, so no warning or breach (a merged
    conversation goes on in the survivor, under its own clocks). What was recorded before stays."""
    state.first_response_due = state.next_response_due = state.resolution_due = state.next_due = None


def _breach_actions(db: Session, ticket: Ticket, policy: Policy, metric: str) -> None:
    reason = f"SLA breach: {metric.replace('_', ' ')} overdue (policy '{policy.name}')"
    if "raise_priority" in policy.breach_actions and ticket.priority < Priority.urgent:
        old = ticket.priority
        ticket.priority = old + 1
        history.record(db, ticket.id, "changed", None, field="priority", old=old, new=ticket.priority,
                       data={"by": "sla"})
    if "escalate" in policy.breach_actions and ticket.line != "L3":
        escalate(db, ticket, None, reason=reason)
    if "notify_supervisor" in policy.breach_actions:
        history.record(db, ticket.id, "sla_notify", None, data={"to": "supervisors", "reason": reason})


SWEEP_BATCH = 500


def _left_to_fire(horizon: datetime) -> Any:
    """Clocks with a warning or breach still to come by `horizon`: a breached clock keeps its due time, so
    `next_due` alone would bring the same breached tickets back to every sweep."""
    metric_open = [and_(getattr(TicketSla, f"{m}_due") <= horizon, getattr(TicketSla, f"{m}_breached_at").is_(None))
                   for m in METRICS]
    return and_(TicketSla.next_due.is_not(None), TicketSla.next_due <= horizon, or_(*metric_open))


def check(db: Session, now: datetime | None = None) -> list[tuple[int, str, str]]:
    """Record warnings and breaches that are due; each fires once. Returns (ticket, metric, kind).

    Walks every clock with something left to fire, in batches, whatever the backlog of breached ones."""
    now = now or utcnow()
    fired: list[tuple[int, str, str]] = []
    horizon = now + timedelta(days=1)
    after: tuple[datetime, int] | None = None
    while True:
        query = select(TicketSla).where(_left_to_fire(horizon))
        if after is not None:
            query = query.where(tuple_(TicketSla.next_due, TicketSla.ticket_id) > tuple_(*after))
        states = db.scalars(query.order_by(TicketSla.next_due, TicketSla.ticket_id)
                            .with_for_update(skip_locked=True).limit(SWEEP_BATCH)).all()
        for state in states:
            _fire(db, state, now, fired)
        db.flush()
        if len(states) < SWEEP_BATCH:
            return fired
        last = states[-1]
        assert last.next_due is not None
        after = (last.next_due, last.ticket_id)


def _fire(db: Session, state: TicketSla, now: datetime, fired: list[tuple[int, str, str]]) -> None:
    context = _context(db, state)
    if context is None:
        return
    policy = context[0]
    for metric in METRICS:
        due_at = getattr(state, f"{metric}_due")
        if due_at is None or getattr(state, f"{metric}_breached_at") is not None:
            continue
        if due_at < now:
            setattr(state, f"{metric}_breached_at", now)
            history.record(db, state.ticket_id, "sla_breach", None, field=metric, new=due_at.isoformat(),
                           data={"policy": policy.name})
            ticket = db.get(Ticket, state.ticket_id)
            if ticket is not None:
                _breach_actions(db, ticket, policy, metric)
            fired.append((state.ticket_id, metric, "breach"))
        elif due_at - timedelta(minutes=policy.warn_before_minutes) <= now and not getattr(
                state, f"{metric}_warned_at"):
            setattr(state, f"{metric}_warned_at", now)
            history.record(db, state.ticket_id, "sla_warning", None, field=metric, new=due_at.isoformat(),
                           data={"policy": policy.name})
            fired.append((state.ticket_id, metric, "warning"))
