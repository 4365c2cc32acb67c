"""search index without a copy of the text

Revision ID: 0310
Revises: 0300

`search_doc` loses `body` and `terms`: the text stays only in its own table (ticket subject, message body,
contact). PostgreSQL: the new column `tsv` holds the text's Snowball stems as a tsvector under a GIN index
(frontline/search/queries.py), in place of the expression index over `body`. SQLite: `search_fts` becomes a contentless FTS5 table (the index without its own
copy of the terms), and `search_doc` is rebuilt with AUTOINCREMENT ids (see frontline/search/models.py). SQLite's
existing stems are carried over as they are; PostgreSQL's are computed from `body` before it goes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0310"
down_revision = "0300"
branch_labels = None
depends_on = None

OLD_TSV = "(to_tsvector('english'::regconfig, body) || to_tsvector('russian'::regconfig, body))"
OLD_FTS = "CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize='unicode61 remove_diacritics 0')"
NEW_FTS = "CREATE VIRTUAL TABLE search_fts_new USING fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')"


def _sqlite_table(name: str, *extra: sa.Column, autoincrement: bool) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        *extra,
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name="fk_search_doc_ticket_id_ticket",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_search_doc"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_doc_kind_ref"),
        sqlite_autoincrement=autoincrement,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_doc_tsv")
        op.drop_index("ix_search_doc_kind", table_name="search_doc")
        from frontline.search.stemming import terms_of

        op.execute("ALTER TABLE search_doc ADD COLUMN tsv tsvector")
        conn = op.get_bind()
        rows = conn.exec_driver_sql("SELECT id, body FROM search_doc").fetchall()
        for doc_id, body in rows:
            conn.exec_driver_sql("UPDATE search_doc SET tsv = CAST(%(t)s AS tsvector) WHERE id = %(id)s",
                                 {"t": terms_of(body[:100_000]), "id": doc_id})
        op.drop_column("search_doc", "body")
        op.drop_column("search_doc", "terms")
        op.execute("CREATE INDEX ix_search_doc_tsv ON search_doc USING gin (tsv)")
        return
    _sqlite_table("search_doc_new", sa.Column("tsv", sa.Text(), nullable=True), autoincrement=True)
    op.execute("INSERT INTO search_doc_new (id, kind, ref_id, ticket_id) SELECT id, kind, ref_id, ticket_id"
               " FROM search_doc")
    op.execute(NEW_FTS)
    op.execute("INSERT INTO search_fts_new (rowid, terms) SELECT id, terms FROM search_doc")
    op.execute("DROP TABLE search_fts")
    op.drop_table("search_doc")  # its indexes go with it
    op.rename_table("search_doc_new", "search_doc")
    op.execute("ALTER TABLE search_fts_new RENAME TO search_fts")
    op.create_index(op.f("ix_search_doc_ticket_id"), "search_doc", ["ticket_id"])


def downgrade() -> None:
    """Back to a copy of the text in `search_doc.body` (and, on SQLite, its stems in `terms` and in an FTS5 table
    with its own content), refilled from the tickets, messages and contacts the documents stand for."""
    from frontline.search.stemming import terms_of

    body = ("CASE kind WHEN 'ticket' THEN (SELECT subject FROM ticket WHERE ticket.id = ref_id)"
            " WHEN 'message' THEN (SELECT body_text FROM message WHERE message.id = ref_id)"
            " ELSE (SELECT name FROM contact WHERE contact.id = ref_id) END")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_doc_tsv")
        op.add_column("search_doc", sa.Column("body", sa.Text(), nullable=False, server_default=""))
        op.add_column("search_doc", sa.Column("terms", sa.Text(), nullable=False, server_default=""))
        op.execute(f"UPDATE search_doc SET body = COALESCE({body}, '')")
        op.alter_column("search_doc", "body", server_default=None)
        op.alter_column("search_doc", "terms", server_default=None)
        op.drop_column("search_doc", "tsv")
        op.create_index("ix_search_doc_kind", "search_doc", ["kind", "id"])
        op.execute(f"CREATE INDEX ix_search_doc_tsv ON search_doc USING gin ({OLD_TSV})")
        return
    _sqlite_table("search_doc_old", sa.Column("body", sa.Text(), nullable=False),
                  sa.Column("terms", sa.Text(), nullable=False), autoincrement=False)
    op.execute(f"INSERT INTO search_doc_old (id, kind, ref_id, ticket_id, body, terms) SELECT id, kind, ref_id,"
               f" ticket_id, COALESCE({body}, ''), '' FROM search_doc")
    op.execute("DROP TABLE search_fts")
    op.drop_table("search_doc")
    op.rename_table("search_doc_old", "search_doc")
    op.create_index("ix_search_doc_kind", "search_doc", ["kind", "id"])
    op.create_index("ix_search_doc_ticket_id", "search_doc", ["ticket_id"])
    op.execute(OLD_FTS)
    conn = op.get_bind()
    rows = conn.exec_driver_sql("SELECT id, body FROM search_doc").fetchall()
    for doc_id, text in rows:
        terms = terms_of(text)
        conn.exec_driver_sql("UPDATE search_doc SET terms = ? WHERE id = ?", (terms, doc_id))
        conn.exec_driver_sql("INSERT INTO search_fts (rowid, terms) VALUES (?, ?)", (doc_id, terms))
