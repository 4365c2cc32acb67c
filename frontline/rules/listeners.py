"""Rules' reactions to ticket events: triggers in the ticket's transaction, and webhook subscriptions.

Registered after routing and SLA, so triggers see a classified, assigned ticket with its sentiment.
A desk without active triggers or subscribed endpoints pays one small version query per event.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.kit.settings import Settings
from frontline.rules import engine, webhooks
from frontline.tickets import hooks
from frontline.tickets.models import Ticket

# "status" is not listened to: every status change arrives with an "updated" or a message event too.
RULE_EVENT = {"created": "created", "updated": "updated", "customer_message": "customer_replied",
              "agent_message": "agent_replied"}


def _notify_endpoints(db: Session, cfg: engine.Config, event: str, ticket_id: int) -> None:
    endpoint_ids = cfg.endpoints_by_event.get(f"ticket.{event}", ())
    if not endpoint_ids:
        return
    ticket = db.get(Ticket, ticket_id)
    if ticket is not None:
        for endpoint_id in endpoint_ids:
            webhooks.enqueue_delivery(db, endpoint_id, f"ticket.{event}", ticket)


def install(settings: Settings) -> None:
    prefix = settings.ticket_prefix

    def react(db: Session, event: hooks.TicketEvent) -> None:
        if event.kind == "agent_message" and not event.public:
            return  # an internal note is not a reply
        rule_event = RULE_EVENT[event.kind]
        cfg = engine.running_config(db, event.ticket_id) or engine.config(db)
        _notify_endpoints(db, cfg, rule_event, event.ticket_id)
        if cfg.triggers_for(rule_event):
            text = event.text if event.kind in ("created", "customer_message") else None
            row = event.new_ticket() if event.kind == "created" else None  # a new ticket's facts: its own row
            engine.on_event(db, event.ticket_id, rule_event, prefix=prefix, text=text, cfg=cfg, row=row)

    for kind in RULE_EVENT:
        hooks.listen(kind, "rules", react)
