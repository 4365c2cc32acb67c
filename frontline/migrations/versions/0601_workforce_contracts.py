"""workforce planner: weekly contract hours per agent

Revision ID: 0601
Revises: 0600
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import UTCDateTime

revision = "0601"
down_revision = "0600"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planner_agent_contract",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contract_hours", sa.Float(), nullable=False),
        sa.Column("hours_below", sa.Float(), nullable=False),
        sa.Column("hours_above", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_planner_agent_contract_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_planner_agent_contract")),
    )


def downgrade() -> None:
    op.drop_table("planner_agent_contract")
