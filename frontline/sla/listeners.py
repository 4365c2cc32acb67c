"""SLA's reactions to ticket events: start clocks, stop or restart them, pause on pending."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.sla import hotpath, service
from frontline.tickets import hooks
from frontline.tickets.models import Ticket


def install() -> None:
    def on_created(db: Session, event: hooks.TicketEvent) -> None:
        hotpath.start_new(db, Raw(db), event.new_ticket())  # cached configuration, plain SQL

    def on_agent_message(db: Session, event: hooks.TicketEvent) -> None:
        if event.public:
            service.agent_replied(db, event.ticket_id, utcnow())

    def on_customer_message(db: Session, event: hooks.TicketEvent) -> None:
        service.customer_wrote(db, event.ticket_id, utcnow())

    def on_status(db: Session, event: hooks.TicketEvent) -> None:
        ticket = db.get(Ticket, event.ticket_id)
        if ticket is not None:
            service.status_changed(db, ticket, utcnow())

    def on_updated(db: Session, event: hooks.TicketEvent) -> None:
        if service.POLICY_FIELDS.intersection(event.fields):
            ticket = db.get(Ticket, event.ticket_id)
            if ticket is not None:
                service.reselect(db, ticket)

    hooks.listen("created", "sla", on_created)
    hooks.listen("updated", "sla", on_updated)
    hooks.listen("agent_message", "sla", on_agent_message)
    hooks.listen("customer_message", "sla", on_customer_message)
    hooks.listen("status", "sla", on_status)
