"""Routing configuration per team, classifier suggestions and message sentiment."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, UTCDateTime, utcnow


class Strategy(StrEnum):
    manual = "manual"
    round_robin = "round_robin"
    least_loaded = "least_loaded"
    skill_based = "skill_based"


class TeamRouting(Base):
    """How a team hands out tickets, and where its tickets go when escalated."""

    __tablename__ = "team_routing"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    strategy: Mapped[str] = mapped_column(String(20), default=Strategy.manual)
    escalation_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    last_assigned_user_id: Mapped[int | None] = mapped_column(Integer)
    default_capacity: Mapped[int] = mapped_column(Integer, default=20)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketSuggestion(Base):
    """What the classifier proposed for a new ticket, and whether it was confident enough to apply."""

    __tablename__ = "ticket_suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(120))
    confidence: Mapped[float] = mapped_column(Float)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_ticket_suggestion_ticket", "ticket_id"),)


class MessageSentiment(Base):
    """Sentiment of a customer's message: score in [-1, 1], negative is unhappy."""

    __tablename__ = "message_sentiment"

    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(10))
