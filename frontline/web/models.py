"""Tables of the web workspace: canned responses, saved views and presence (the search index is frontline/search)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow


class CannedResponse(Base):
    """A reply template: shared by a team (team_id) or personal (owner_user_id), never both."""

    __tablename__ = "canned_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    set_status: Mapped[str | None] = mapped_column(String(12))
    set_priority: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedView(Base):
    """An agent's own queue: a name and the filters of the ticket list."""

    __tablename__ = "saved_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketPresence(Base):
    """Who has a ticket open right now (a heartbeat row), shared by every web process."""

    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    activity: Mapped[str] = mapped_column(String(10), default="viewing")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
