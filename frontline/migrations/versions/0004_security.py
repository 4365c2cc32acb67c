"""security: login failures by IP and time, pending contact identities, customer-link revocations

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_login_failure_ip_at", "login_failure", ["ip", "created_at"])
    op.create_index("ix_login_failure_at", "login_failure", ["created_at"])
    with op.batch_alter_table("contact_identity") as batch:
        batch.add_column(sa.Column("pending_since", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "link_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_link_revocation_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], name=op.f("fk_link_revocation_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_user_id"], ["user_account.id"],
                                name=op.f("fk_link_revocation_actor_user_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_revocation")),
    )
    op.create_index("ix_link_revocation_ticket", "link_revocation", ["ticket_id", "revoked_at"])
    op.create_index("ix_link_revocation_contact", "link_revocation", ["contact_id", "revoked_at"])


def downgrade() -> None:
    op.drop_table("link_revocation")
    with op.batch_alter_table("contact_identity") as batch:
        batch.drop_column("pending_since")
    op.drop_index("ix_login_failure_at", table_name="login_failure")
    op.drop_index("ix_login_failure_ip_at", table_name="login_failure")
