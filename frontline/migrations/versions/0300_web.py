"""web workspace: canned responses, saved views, ticket presence, search index

Revision ID: 0300
Revises: 0001

On PostgreSQL the search index is a GIN expression index over English and Russian tsvectors. On SQLite
it is the FTS5 table `search_fts` (not a model: a virtual table and its shadow tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import frontline.kit.db

revision = "0300"
down_revision = "0001"
branch_labels = ("web",)
depends_on = None

TSV = "(to_tsvector('english'::regconfig, body) || to_tsvector('russian'::regconfig, body))"


def upgrade() -> None:
    op.create_table(
        "canned_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("set_status", sa.String(length=12), nullable=True),
        sa.Column("set_priority", sa.String(length=10), nullable=True),
        sa.Column("created_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["user_account.id"],
                                name=op.f("fk_canned_response_owner_user_id_user_account"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_canned_response_team_id_team"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_response")),
    )
    op.create_index(op.f("ix_canned_response_owner_user_id"), "canned_response", ["owner_user_id"])
    op.create_index(op.f("ix_canned_response_team_id"), "canned_response", ["team_id"])
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filters", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                  nullable=False),
        sa.Column("created_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["user_account.id"],
                                name=op.f("fk_saved_view_owner_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
    )
    op.create_index(op.f("ix_saved_view_owner_user_id"), "saved_view", ["owner_user_id"])
    op.create_table(
        "ticket_presence",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=10), nullable=False),
        sa.Column("seen_at", frontline.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_presence_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_ticket_presence_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", "user_id", name=op.f("pk_ticket_presence")),
    )
    op.create_table(
        "search_doc",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_search_doc_ticket_id_ticket"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_doc")),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_doc_kind_ref"),
    )
    op.create_index("ix_search_doc_kind", "search_doc", ["kind", "id"])
    op.create_index(op.f("ix_search_doc_ticket_id"), "search_doc", ["ticket_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_search_doc_tsv ON search_doc USING gin ({TSV})")
    else:
        # Every writer indexes into it, so it must exist before any ticket is written, not only once a
        # web app has started. tests/test_migrations.py leaves it (and its shadow tables) out of the comparison.
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, tokenize='unicode61 remove_diacritics 0')")


def downgrade() -> None:
    op.drop_table("search_doc")
    op.drop_table("ticket_presence")
    op.drop_table("saved_view")
    op.drop_table("canned_response")
