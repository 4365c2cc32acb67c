"""email: integration tokens bound to one mailbox (raw mail intake)

Revision ID: 0210
Revises: 0200
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0210"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_token",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"], name=op.f("fk_mailbox_token_token_id_api_token"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailbox.id"], name=op.f("fk_mailbox_token_mailbox_id_mailbox"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_mailbox_token")),
    )
    op.create_index(op.f("ix_mailbox_token_mailbox_id"), "mailbox_token", ["mailbox_id"])


def downgrade() -> None:
    op.drop_table("mailbox_token")
