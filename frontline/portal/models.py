"""Portal login: one-time codes (only their HMAC is stored), failed attempts, and customer sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, UTCDateTime, utcnow


class PortalLoginCode(Base):
    """A code we e-mailed (or, for an unknown address, pretended to): its HMAC, lifetime and use."""

    __tablename__ = "portal_login_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_portal_login_code_email", "email", "created_at"),
        Index("ix_portal_login_code_ip", "ip", "created_at"),
    )


class PortalLoginFailure(Base):
    """A wrong code, counted per address and per IP to stop guessing."""

    __tablename__ = "portal_login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_portal_login_failure_email", "email", "created_at"),
        Index("ix_portal_login_failure_ip", "ip", "created_at"),
    )


class PortalSession(Base):
    """A customer logged in by code: sees the tickets of one contact. Only the SHA-256 of the cookie is kept."""

    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
