"""REST endpoints for escalation, team routing settings, suggestions and sentiment."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from frontline.accounts.deps import DB, AppSettings, Reader, Supervisor, Writer
from frontline.accounts.service import get_team
from frontline.kit.schemas import Id
from frontline.routing import service
from frontline.routing.assign import routing_of
from frontline.routing.models import MessageSentiment, TeamRouting, TicketSuggestion
from frontline.routing.schemas import (
    DeescalateIn,
    EscalateIn,
    SentimentOut,
    SuggestionOut,
    TeamRoutingIn,
    TeamRoutingOut,
)
from frontline.tickets.access import access_ticket
from frontline.tickets.present import ticket_out
from frontline.tickets.schemas import TicketOut

router = APIRouter(tags=["routing"])


@router.post("/tickets/{ref}/escalate", response_model=TicketOut)
def post_escalate(ref: str, body: EscalateIn, db: DB, caller: Writer, settings: AppSettings) -> TicketOut:
    """Move the ticket to the next line (L1 -> L2 -> L3) or a given team, with a reason."""
    ticket = access_ticket(db, caller, ref)
    service.escalate(db, ticket, caller, reason=body.reason, team_id=body.team_id,
                     to_line=body.line.value if body.line else None)
    return ticket_out(db, ticket, settings.ticket_prefix)


@router.post("/tickets/{ref}/deescalate", response_model=TicketOut)
def post_deescalate(ref: str, body: DeescalateIn, db: DB, caller: Writer, settings: AppSettings) -> TicketOut:
    """Send the ticket back to the first line, e.g. once the expert answer can be relayed."""
    ticket = access_ticket(db, caller, ref)
    service.escalate(db, ticket, caller, reason=body.reason, team_id=body.team_id, to_line="L1",
                     kind="deescalated")
    return ticket_out(db, ticket, settings.ticket_prefix)


@router.get("/tickets/{ref}/suggestions", response_model=list[SuggestionOut])
def get_suggestions(ref: str, db: DB, caller: Reader) -> list[TicketSuggestion]:
    ticket = access_ticket(db, caller, ref)
    return list(db.scalars(select(TicketSuggestion).where(TicketSuggestion.ticket_id == ticket.id)
                           .order_by(TicketSuggestion.id)))


@router.get("/tickets/{ref}/sentiment", response_model=list[SentimentOut])
def get_sentiment(ref: str, db: DB, caller: Reader) -> list[MessageSentiment]:
    ticket = access_ticket(db, caller, ref)
    return list(db.scalars(select(MessageSentiment).where(MessageSentiment.ticket_id == ticket.id)
                           .order_by(MessageSentiment.message_id)))


@router.get("/teams/{team_id}/routing", response_model=TeamRoutingOut)
def get_routing(team_id: Id, db: DB, caller: Reader) -> TeamRouting:
    get_team(db, team_id)
    return routing_of(db, team_id) or TeamRouting(team_id=team_id, strategy="manual", default_capacity=20)


@router.put("/teams/{team_id}/routing", response_model=TeamRoutingOut)
def put_routing(team_id: Id, body: TeamRoutingIn, db: DB, caller: Supervisor) -> TeamRouting:
    """How the team's tickets are assigned: manual, round_robin, least_loaded or skill_based."""
    return service.set_team_routing(db, team_id, strategy=body.strategy, escalation_team_id=body.escalation_team_id,
                                    default_capacity=body.default_capacity)
