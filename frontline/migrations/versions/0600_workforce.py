"""workforce planner: handle times, published schedules and their shifts

Revision ID: 0600
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import JSONType, UTCDateTime

revision = "0600"
down_revision = "0001"
branch_labels = ("workforce",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planner_handle_time",
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("aht_seconds", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_planner_handle_time")),
    )
    op.create_table(
        "planner_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("plan", JSONType, nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_planner_schedule_team_id_team"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["published_by"], ["user_account.id"],
                                name=op.f("fk_planner_schedule_published_by_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_schedule")),
    )
    op.create_index("ix_planner_schedule_team", "planner_schedule", ["team_id", "start", "end"])
    op.create_table(
        "planner_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["schedule_id"], ["planner_schedule.id"],
                                name=op.f("fk_planner_shift_schedule_id_planner_schedule"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_planner_shift_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_shift")),
    )
    op.create_index(op.f("ix_planner_shift_schedule_id"), "planner_shift", ["schedule_id"])
    op.create_index("ix_planner_shift_user", "planner_shift", ["user_id", "starts_at"])


def downgrade() -> None:
    op.drop_table("planner_shift")
    op.drop_table("planner_schedule")
    op.drop_table("planner_handle_time")
