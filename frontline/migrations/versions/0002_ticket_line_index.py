"""index for the line queues (L1/L2/L3 views and their counts)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_line_queue", "ticket", ["line", "status", "priority", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_line_queue", table_name="ticket")
