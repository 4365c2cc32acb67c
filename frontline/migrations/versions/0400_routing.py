"""routing: team routing settings, classifier suggestions, message sentiment

Revision ID: 0400
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import frontline.kit.db

revision = "0400"
down_revision = "0001"
branch_labels = ("routing",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_routing",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column("escalation_team_id", sa.Integer(), nullable=True),
        sa.Column("last_assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("default_capacity", sa.Integer(), nullable=False),
        sa.Column("updated_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["escalation_team_id"], ["team.id"],
                                name=op.f("fk_team_routing_escalation_team_id_team"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_team_routing_team_id_team"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_routing")),
    )
    op.create_table(
        "ticket_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("created_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_suggestion_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_suggestion")),
    )
    op.create_index("ix_ticket_suggestion_ticket", "ticket_suggestion", ["ticket_id"], unique=False)
    op.create_table(
        "message_sentiment",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"], name=op.f("fk_message_sentiment_message_id_message"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_message_sentiment_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_sentiment")),
    )
    op.create_index(op.f("ix_message_sentiment_ticket_id"), "message_sentiment", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_table("message_sentiment")
    op.drop_table("ticket_suggestion")
    op.drop_table("team_routing")
