"""sla: calendars, policies and each ticket's clocks

Revision ID: 0500
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontline.kit.db import JSONType, UTCDateTime

revision = "0500"
down_revision = "0001"
branch_labels = ("sla",)
depends_on = None


def _time(name: str) -> sa.Column:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "sla_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("always_open", sa.Boolean(), nullable=False),
        sa.Column("weekly_hours", JSONType, nullable=False),
        sa.Column("holidays", JSONType, nullable=False),
        sa.Column("special_hours", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_calendar")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_calendar_name")),
    )
    op.create_table(
        "sla_team_calendar",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["sla_calendar.id"],
                                name=op.f("fk_sla_team_calendar_calendar_id_sla_calendar"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_sla_team_calendar_team_id_team"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_sla_team_calendar")),
    )
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("conditions", JSONType, nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("next_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=False),
        sa.Column("breach_actions", JSONType, nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["sla_calendar.id"],
                                name=op.f("fk_sla_policy_calendar_id_sla_calendar"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_policy_name")),
    )
    op.create_table(
        "ticket_sla",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("pauses", JSONType, nullable=False),
        *[_time(f"{metric}_{what}") for metric, whats in (
            ("first_response", ("due", "met_at", "warned_at", "breached_at")),
            ("next_response", ("started_at", "due", "warned_at", "breached_at")),
            ("resolution", ("due", "met_at", "warned_at", "breached_at")),
        ) for what in whats],
        _time("next_due"),
        sa.ForeignKeyConstraint(["calendar_id"], ["sla_calendar.id"],
                                name=op.f("fk_ticket_sla_calendar_id_sla_calendar"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["policy_id"], ["sla_policy.id"], name=op.f("fk_ticket_sla_policy_id_sla_policy"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_sla_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_sla")),
    )
    op.create_index("ix_ticket_sla_next_due", "ticket_sla", ["next_due"], unique=False)


def downgrade() -> None:
    op.drop_table("ticket_sla")
    op.drop_table("sla_policy")
    op.drop_table("sla_team_calendar")
    op.drop_table("sla_calendar")
