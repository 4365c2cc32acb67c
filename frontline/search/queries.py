"""The search index's SQL, on both databases (plain SQL: writing a document runs inside every ticket write).

Both databases index the same Snowball stems (stemming.py: Russian for Cyrillic words, English otherwise) and a
query asks for every word's stem as a prefix, so a search finds the same on either.
PostgreSQL: `search_doc.tsv` is the stems as a tsvector (one lexeme per distinct stem, no positions) under a GIN
index. (Two to_tsvector configurations, English || Russian, made a vector with every word twice: larger than the
short texts of a desk.)
SQLite: the contentless FTS5 table `search_fts` keeps the stems under the rowid `search_doc.id`, and nothing
else: no copy of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from frontline.kit.rawsql import Raw
from frontline.search.stemming import fts5_query, terms_of, tsquery

MAX_TEXT = 100_000  # characters of one object's text that are indexed (and at most stemming.MAX_TERMS words)
FTS_DDL = ("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, content='', "
           "tokenize='unicode61 remove_diacritics 0')")


@dataclass(frozen=True)
class Doc:
    """What to index: the object (kind, ref_id), the ticket it belongs to and its text (not stored)."""

    kind: str  # ticket, message, contact
    ref_id: int
    ticket_id: int | None
    text: str


def write(db: Session, docs: Sequence[Doc]) -> None:
    """Index `docs`, replacing any earlier document of the same objects."""
    if not docs:
        return
    raw = Raw(db)
    if len(docs) == 1:
        raw.run("DELETE FROM search_doc WHERE kind = :k AND ref_id = :r", {"k": docs[0].kind, "r": docs[0].ref_id})
    else:
        raw.many("DELETE FROM search_doc WHERE kind = :k AND ref_id = :r",
                 [{"k": d.kind, "r": d.ref_id} for d in docs])
    if raw.postgres:
        raw.many("INSERT INTO search_doc (kind, ref_id, ticket_id, tsv) VALUES (:k, :r, :t, CAST(:terms AS tsvector))",
                 [{"k": d.kind, "r": d.ref_id, "t": d.ticket_id, "terms": terms_of(d.text[:MAX_TEXT])} for d in docs])
        return
    rows = []
    for d in docs:  # one statement each: SQLite hands back the new id, which the FTS row needs
        doc_id = raw.value("INSERT INTO search_doc (kind, ref_id, ticket_id) VALUES (:k, :r, :t) RETURNING id",
                           {"k": d.kind, "r": d.ref_id, "t": d.ticket_id})
        rows.append({"id": doc_id, "terms": terms_of(d.text[:MAX_TEXT])})
    raw.many("INSERT INTO search_fts (rowid, terms) VALUES (:id, :terms)", rows)


def drop(db: Session, kind: str, ref_id: int) -> None:
    """Remove an object's document (SQLite's FTS row keeps its terms until a rebuild; search skips it)."""
    Raw(db).run("DELETE FROM search_doc WHERE kind = :k AND ref_id = :r", {"k": kind, "r": ref_id})


def clear(db: Session) -> None:
    """Empty the index (before a rebuild)."""
    raw = Raw(db)
    raw.run("DELETE FROM search_doc")
    if not raw.postgres:
        raw.run("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")


def matching_ids(db: Session, query: str, limit: int) -> list[int]:
    """Ids of the documents holding every word of `query`, best first. SQLite: bm25. PostgreSQL: ts_rank over
    the length of the document (the vector keeps no positions, so no term frequency: of two documents with the
    words, the one with fewer other words comes first), then the older one."""
    raw = Raw(db)
    if raw.postgres:
        expression = tsquery(query)
        if expression is None:
            return []
        rows = raw.rows("SELECT id FROM search_doc, CAST(:q AS tsquery) AS q WHERE tsv @@ q"
                        " ORDER BY ts_rank(tsv, q, 1) DESC, id LIMIT :n", {"q": expression, "n": limit})
    else:
        expression = fts5_query(query)
        if expression is None:
            return []
        rows = raw.rows("SELECT rowid FROM search_fts WHERE search_fts MATCH :q ORDER BY rank LIMIT :n",
                        {"q": expression, "n": limit})
    return [int(r[0]) for r in rows]
