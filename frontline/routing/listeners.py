"""Routing's reactions to ticket events, registered with tickets.hooks at start-up.

These run inside every ticket creation, so each step costs nothing when it has nothing to do: no model file,
no classification; a manual team, no assignment. A new ticket is routed in plain SQL from the creation's
snapshot (frontline/routing/hotpath.py); the model is loaded once per process and reloaded when retrained.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.routing import hotpath, service, training
from frontline.routing.models import Strategy
from frontline.tickets import hooks
from frontline.tickets.models import Ticket


def _team_assigns(db: Session, ticket_id: int) -> bool:
    row = Raw(db).one("SELECT r.strategy FROM ticket t JOIN team_routing r ON r.team_id = t.team_id"
                      " WHERE t.id = :id AND t.assignee_id IS NULL", {"id": ticket_id})
    return row is not None and row[0] != Strategy.manual


# Whether skill-based assignment of new tickets waits for the `created` triggers (install_after_rules ran after
# the rules' listener was registered). install() resets it, so a desk wired without it assigns at once.
_after_rules = {"on": False}


def install(settings: Settings) -> None:
    _after_rules["on"] = False

    def on_created(db: Session, event: hooks.TicketEvent) -> None:
        if event.message_id is not None:
            scored = service.record_sentiment(db, event.ticket_id, event.message_id, event.text)
            if event.ticket is not None:
                event.ticket["sentiment"] = scored
        model = training.current(settings.data_dir)
        from_customer = event.actor is None or event.actor.is_customer
        if event.ticket is not None:
            hotpath.route_new(db, Raw(db), event.ticket, model=model, text=event.text,
                              threshold=settings.routing_confidence_threshold, apply_priority=from_customer,
                              now=utcnow(), defer_skill_based=_after_rules["on"])
            return
        model_present = model is not None
        if not model_present and not _team_assigns(db, event.ticket_id):
            return
        ticket = db.get(Ticket, event.ticket_id)
        if ticket is None:
            return
        if model_present:
            service.classify(db, ticket, event.text, data_dir=settings.data_dir,
                             threshold=settings.routing_confidence_threshold, apply_priority=from_customer)
        service.assign(db, ticket, None)
        db.flush()

    def on_customer_message(db: Session, event: hooks.TicketEvent) -> None:
        if event.message_id is not None:
            service.record_sentiment(db, event.ticket_id, event.message_id, event.text)

    hooks.listen("created", "routing", on_created)
    hooks.listen("customer_message", "routing.sentiment", on_customer_message)


def install_after_rules() -> None:
    """Register the second half of routing a new ticket, to run after the rules' `created` triggers: a ticket of a
    skill-based team is assigned then, so the skill tags and category a rule sets count (docs/routing.md)."""
    def on_created_late(db: Session, event: hooks.TicketEvent) -> None:
        if event.ticket is not None and event.ticket.pop("assign_after_rules", False):
            hotpath.assign_after_rules(db, Raw(db), event.ticket, utcnow())

    hooks.listen("created", "routing.after_rules", on_created_late)
    _after_rules["on"] = True
