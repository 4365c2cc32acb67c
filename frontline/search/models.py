"""The search index's one table: which object a document stands for, and on PostgreSQL its terms.

A row holds no text. On PostgreSQL `tsv` is the Snowball stems of the object's text as a tsvector (queries.py), under a
GIN index. On SQLite `tsv` stays NULL: the terms (Snowball stems, see stemming.py) are in the contentless FTS5 table
`search_fts`, whose rowid is `search_doc.id` (a virtual table, created by the migration, so not a model). Ids are
AUTOINCREMENT so an id is never given twice: a replaced document leaves its old terms behind in the contentless
table (SQLite before 3.43 cannot delete from one without the old terms), and they must never match a new document.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base


class SearchDoc(Base):
    """One searchable object: a ticket's subject, a message's body or a contact's name and identities."""

    __tablename__ = "search_doc"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # ticket, message, contact
    ref_id: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    tsv: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_doc_kind_ref"),
        Index("ix_search_doc_tsv", "tsv", postgresql_using="gin").ddl_if(dialect="postgresql"),
        {"sqlite_autoincrement": True},
    )
