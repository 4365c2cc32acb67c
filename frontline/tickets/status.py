"""The ticket life cycle: which status may follow which, and what each change stamps."""

from __future__ import annotations

from datetime import datetime

from frontline.kit.errors import InvalidTransition
from frontline.tickets.models import Status, Ticket

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.new: frozenset({Status.open, Status.pending, Status.on_hold, Status.solved, Status.closed}),
    Status.open: frozenset({Status.pending, Status.on_hold, Status.solved}),
    Status.pending: frozenset({Status.open, Status.on_hold, Status.solved}),
    Status.on_hold: frozenset({Status.open, Status.pending, Status.solved}),
    Status.solved: frozenset({Status.open, Status.closed}),
    Status.closed: frozenset(),
}

OPEN_STATUSES = frozenset({Status.new, Status.open, Status.pending, Status.on_hold})


def check_transition(old: str, new: str) -> None:
    if new == old or new in TRANSITIONS[old]:
        return
    allowed = ", ".join(sorted(TRANSITIONS[old])) or "none (a closed ticket is final; open a follow-up)"
    raise InvalidTransition(f"A ticket cannot go from '{old}' to '{new}'. Allowed from '{old}': {allowed}.")


def apply_status(ticket: Ticket, new: str, now: datetime) -> bool:
    """Move the ticket to `new` and stamp the times; returns True when it was a reopen."""
    check_transition(ticket.status, new)
    reopened = ticket.status == Status.solved and new == Status.open
    ticket.status = new
    if new == Status.solved:
        ticket.solved_at = now
    elif new == Status.closed:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    elif reopened:
        ticket.solved_at = None
        ticket.reopen_count += 1
    return reopened
