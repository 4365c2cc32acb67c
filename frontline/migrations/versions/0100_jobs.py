"""background jobs: our job tables (embedded backend) and, on PostgreSQL, procrastinate's schema

Revision ID: 0100
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import frontline.kit.db
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0100"
down_revision = "0001"
branch_labels = ("jobs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                  nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", frontline.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index("ix_job_status_run_at", "job", ["status", "run_at"], unique=False)
    op.create_index("ix_job_kind_dedupe_key", "job", ["kind", "dedupe_key"], unique=False)
    op.create_table(
        "job_schedule",
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("next_run_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_job_schedule")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from frontline.jobs.pg import install_schema

        install_schema(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from frontline.jobs.pg import drop_schema

        drop_schema(bind)
    op.drop_table("job_schedule")
    op.drop_index("ix_job_kind_dedupe_key", table_name="job")
    op.drop_index("ix_job_status_run_at", table_name="job")
    op.drop_table("job")
