"""Routing's reactions to ticket events, registered with tickets.hooks at start-up.

These run inside every ticket creation, so each step costs nothing when it has nothing to do: no model file,
no classification; a manual team, no assignment. A new ticket is routed in plain SQL from the creation's
typed row (frontline/routing/hotpath.py); the model is loaded once per process and reloaded when retrained.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.routing import hotpath, service, training
from frontline.tickets import hooks

# Whether skill-based assignment of new tickets waits for the `created` triggers (install_after_rules ran after
# the rules' listener was registered). install() resets it, so a desk wired without it assigns at once.
_after_rules = {"on": False}


def install(settings: Settings) -> None:
    _after_rules["on"] = False

    def on_created(db: Session, event: hooks.TicketEvent) -> None:
        ticket = event.new_ticket()
        if event.message_id is not None:
            ticket.sentiment = service.record_sentiment(db, event.ticket_id, event.message_id, event.text)
        from_customer = event.actor is None or event.actor.is_customer
        hotpath.route_new(db, Raw(db), ticket, model=training.current(settings.data_dir), text=event.text,
                          threshold=settings.routing_confidence_threshold, apply_priority=from_customer,
                          now=utcnow(), defer_skill_based=_after_rules["on"])

    def on_customer_message(db: Session, event: hooks.TicketEvent) -> None:
        if event.message_id is not None:
            service.record_sentiment(db, event.ticket_id, event.message_id, event.text)

    hooks.listen("created", "routing", on_created)
    hooks.listen("customer_message", "routing.sentiment", on_customer_message)


def install_after_rules() -> None:
    """Register the second half of routing a new ticket, to run after the rules' `created` triggers: a ticket of a
    skill-based team is assigned then, so the skill tags and category a rule sets count (docs/routing.md)."""
    def on_created_late(db: Session, event: hooks.TicketEvent) -> None:
        ticket = event.new_ticket()
        if ticket.assign_after_rules:
            ticket.assign_after_rules = False
            hotpath.assign_after_rules(db, Raw(db), ticket, utcnow())

    hooks.listen("created", "routing.after_rules", on_created_late)
    _after_rules["on"] = True
