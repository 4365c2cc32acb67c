"""email channel: each mailbox's polling interval and the state of its last poll (issue 11.2)

Revision ID: 0230
Revises: 0220
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import UTCDateTime

revision = "0230"
down_revision = "0220"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox") as batch:
        batch.add_column(sa.Column("poll_interval_seconds", sa.Integer(), nullable=False, server_default="60"))
        batch.add_column(sa.Column("last_poll_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_poll_ok_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_poll_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("poll_lease_until", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailbox") as batch:
        for column in ("poll_lease_until", "last_poll_error", "last_poll_ok_at", "last_poll_at",
                       "poll_interval_seconds"):
            batch.drop_column(column)
