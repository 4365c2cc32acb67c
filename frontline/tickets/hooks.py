"""In-transaction listeners: higher layers (routing, SLA, channels) react to ticket changes.

Tickets cannot import routing or SLA (the import direction runs the other way), so those domains
register listeners here at start-up. Listeners run inside the caller's transaction: "create ticket +
classify + route + start the SLA clock" commits or fails as a whole. Work that talks to the outside
world belongs in a job, enqueued from a listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.tickets.rows import TicketRow


@dataclass(frozen=True)
class TicketEvent:
    kind: str  # created, customer_message, agent_message, updated
    ticket_id: int
    actor: Principal | None
    message_id: int | None = None
    text: str = ""
    fields: tuple[str, ...] = ()
    public: bool = True  # for messages: False for an internal note
    # "created" events (tickets.create, the only place that emits them) carry the new ticket's row; listeners that
    # change the ticket in plain SQL keep it up to date, so later listeners need not read it. None on other kinds.
    ticket: TicketRow | None = field(default=None, compare=False)

    def new_ticket(self) -> TicketRow:
        """The row of a `created` event (every `created` event carries one)."""
        if self.ticket is None:
            raise TypeError(f"a '{self.kind}' event of ticket {self.ticket_id} carries no ticket row")
        return self.ticket


Listener = Callable[[Session, TicketEvent], None]
_listeners: dict[str, dict[str, Listener]] = {}


def listen(kind: str, name: str, listener: Listener) -> None:
    """Register (or replace) the listener called `name` for events of `kind`, in registration order."""
    _listeners.setdefault(kind, {})[name] = listener


def emit(db: Session, event: TicketEvent) -> bool:
    """Call the listeners of the event's kind; True when there were any (they may have changed the ticket)."""
    listeners = list(_listeners.get(event.kind, {}).values())
    for listener in listeners:
        listener(db, event)
    return bool(listeners)


def clear() -> None:
    """Forget every listener (tests that want a bare desk)."""
    _listeners.clear()
