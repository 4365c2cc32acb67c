"""line-queue index only over tickets that have a line (a desk with one line or none still reads it)

Revision ID: 0005
Revises: 0004

With every ticket's line empty, SQLite's statistics say one `line` value covers the whole table, so the
planner judged ix_ticket_line_queue useless for `line = 'L1'` and scanned the table in created order (or
every ticket of the agent's teams) for the line queues and their counts. Without the empty lines in it,
the index holds no such value and is chosen at any distribution; both databases prove `line = :x`
implies the index's `line IS NOT NULL`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["line", "status", "priority", "created_at", "id"]


def upgrade() -> None:
    op.drop_index("ix_ticket_line_queue", table_name="ticket")
    op.create_index("ix_ticket_line_queue", "ticket", COLUMNS, sqlite_where=sa.text("line IS NOT NULL"),
                    postgresql_where=sa.text("line IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_ticket_line_queue", table_name="ticket")
    op.create_index("ix_ticket_line_queue", "ticket", COLUMNS)
