"""portal: one-time login codes, failed code attempts, customer sessions

Revision ID: 0800
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import UTCDateTime

revision = "0800"
down_revision = "0001"
branch_labels = ("portal",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_login_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], name=op.f("fk_portal_login_code_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_login_code")),
    )
    op.create_index("ix_portal_login_code_email", "portal_login_code", ["email", "created_at"])
    op.create_index("ix_portal_login_code_ip", "portal_login_code", ["ip", "created_at"])
    op.create_table(
        "portal_login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_login_failure")),
    )
    op.create_index("ix_portal_login_failure_email", "portal_login_failure", ["email", "created_at"])
    op.create_index("ix_portal_login_failure_ip", "portal_login_failure", ["ip", "created_at"])
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], name=op.f("fk_portal_session_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_session_token_hash")),
    )
    op.create_index(op.f("ix_portal_session_contact_id"), "portal_session", ["contact_id"])


def downgrade() -> None:
    op.drop_table("portal_session")
    op.drop_table("portal_login_failure")
    op.drop_table("portal_login_code")
