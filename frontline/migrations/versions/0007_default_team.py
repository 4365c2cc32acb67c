"""a default team: it takes every new ticket that nothing else gave a team (none falls through to nobody's queue)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("uq_team_default", "team", ["is_default"], unique=True, sqlite_where=sa.text("is_default"),
                    postgresql_where=sa.text("is_default"))


def downgrade() -> None:
    op.drop_index("uq_team_default", table_name="team")
    with op.batch_alter_table("team") as batch:
        batch.drop_column("is_default")
