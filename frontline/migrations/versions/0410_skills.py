"""routing: the skill catalogue

Revision ID: 0410
Revises: 0400
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import UTCDateTime

revision = "0410"
down_revision = "0400"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill")),
        sa.UniqueConstraint("name", name=op.f("uq_skill_name")),
    )


def downgrade() -> None:
    op.drop_table("skill")
