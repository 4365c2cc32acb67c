"""API shapes for escalation, team routing and classifier suggestions."""

from __future__ import annotations

from pydantic import Field

from frontline.accounts.models import Line
from frontline.kit.schemas import Id, Input, Output
from frontline.routing.models import Strategy


class EscalateIn(Input):
    reason: str = Field(min_length=1, max_length=2000)
    team_id: Id | None = Field(default=None, description="A specific team; default: the next line's team.")
    line: Line | None = Field(default=None, description="Target line; default: the next one (L1 -> L2 -> L3).")


class DeescalateIn(Input):
    reason: str = Field(min_length=1, max_length=2000)
    team_id: Id | None = None


class TeamRoutingIn(Input):
    strategy: Strategy = Strategy.manual
    escalation_team_id: Id | None = None
    default_capacity: int = Field(default=20, ge=1, le=1000)


class TeamRoutingOut(Output):
    team_id: int
    strategy: str
    escalation_team_id: int | None
    default_capacity: int
    last_assigned_user_id: int | None


class SuggestionOut(Output):
    field: str
    value: str
    confidence: float
    applied: bool


class SentimentOut(Output):
    message_id: int
    score: float
    label: str
