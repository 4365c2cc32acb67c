"""partial index for the team-unassigned queue (unassigned tickets by team, status, priority, age)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_unassigned_queue", "ticket", ["team_id", "status", "priority", "created_at", "id"],
                    sqlite_where=sa.text("assignee_id IS NULL"), postgresql_where=sa.text("assignee_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_ticket_unassigned_queue", table_name="ticket")
