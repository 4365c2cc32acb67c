"""Routing's reactions to ticket events, registered with tickets.hooks at start-up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.kit.settings import Settings
from frontline.routing import service
from frontline.tickets import hooks
from frontline.tickets.models import Ticket


def install(settings: Settings) -> None:
    def on_created(db: Session, event: hooks.TicketEvent) -> None:
        ticket = db.get(Ticket, event.ticket_id)
        if ticket is None:
            return
        from_customer = event.actor is None or event.actor.is_customer
        service.classify(db, ticket, event.text, data_dir=settings.data_dir,
                         threshold=settings.routing_confidence_threshold, apply_priority=from_customer)
        if event.message_id is not None:
            service.record_sentiment(db, ticket.id, event.message_id, event.text)
        service.assign(db, ticket, None)
        db.flush()

    def on_customer_message(db: Session, event: hooks.TicketEvent) -> None:
        if event.message_id is not None:
            service.record_sentiment(db, event.ticket_id, event.message_id, event.text)

    hooks.listen("created", "routing", on_created)
    hooks.listen("customer_message", "routing.sentiment", on_customer_message)
