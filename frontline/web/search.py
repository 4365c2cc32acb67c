"""Full-text search over tickets, messages and contacts, kept current in the writer's transaction.

PostgreSQL: a GIN index on to_tsvector('english', body) || to_tsvector('russian', body) and the query
plainto_tsquery('english') || plainto_tsquery('russian'), so a word matches in either language's stem.
SQLite: an FTS5 table of Snowball stems (see stemming.py) whose rowid is search_doc.id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts.access import visible_contacts
from frontline.contacts.models import Contact
from frontline.kit.db import Database
from frontline.kit.rawsql import Raw
from frontline.tickets import hooks
from frontline.tickets.access import visible_clause
from frontline.tickets.models import Message, Ticket
from frontline.web.models import SearchDoc
from frontline.web.stemming import fts5_query, terms_of

FTS_DDL = "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, tokenize='unicode61 remove_diacritics 0')"
PG_MATCH = ("(to_tsvector('english'::regconfig, search_doc.body) || to_tsvector('russian'::regconfig, "
            "search_doc.body)) @@ (plainto_tsquery('english'::regconfig, :q) || "
            "plainto_tsquery('russian'::regconfig, :q))")


@dataclass(frozen=True)
class Hit:
    kind: str  # ticket, message, contact
    ref_id: int
    ticket_id: int | None
    title: str
    snippet: str


def ensure_fts(database: Database) -> None:
    """Create the SQLite FTS5 table if missing (see the 0300 migration for why it is not there)."""
    if database.is_sqlite:
        with database.writer.begin() as conn:
            conn.exec_driver_sql(FTS_DDL)


def _is_sqlite(db: Session) -> bool:
    return db.get_bind().dialect.name == "sqlite"


def index_text(db: Session, kind: str, ref_id: int, ticket_id: int | None, body: str) -> None:
    """Insert or replace the document of one object (plain SQL: this runs inside every ticket write)."""
    raw = Raw(db)
    old = raw.one("SELECT id FROM search_doc WHERE kind = :k AND ref_id = :r", {"k": kind, "r": ref_id})
    if old is not None:
        raw.run("DELETE FROM search_doc WHERE id = :id", {"id": old[0]})
        if not raw.postgres:
            raw.run("DELETE FROM search_fts WHERE rowid = :id", {"id": old[0]})
    terms = "" if raw.postgres else terms_of(body)
    doc_id = raw.value(
        "INSERT INTO search_doc (kind, ref_id, ticket_id, body, terms) VALUES (:k, :r, :t, :b, :terms) RETURNING id",
        {"k": kind, "r": ref_id, "t": ticket_id, "b": body[:100_000], "terms": terms},
    )
    if not raw.postgres:
        raw.run("INSERT INTO search_fts (rowid, terms) VALUES (:id, :terms)", {"id": doc_id, "terms": terms})


def index_ticket(db: Session, ticket_id: int) -> None:
    row = Raw(db).one("SELECT subject FROM ticket WHERE id = :id", {"id": ticket_id})
    if row is not None:
        index_text(db, "ticket", ticket_id, ticket_id, row[0])


def index_message(db: Session, message_id: int) -> None:
    row = Raw(db).one("SELECT ticket_id, body_text FROM message WHERE id = :id", {"id": message_id})
    if row is not None and (row[1] or "").strip():
        index_text(db, "message", message_id, row[0], row[1])


def index_contact(db: Session, contact_id: int) -> None:
    raw = Raw(db)
    row = raw.one("SELECT name FROM contact WHERE id = :id", {"id": contact_id})
    if row is None:
        return
    values = [r[0] for r in raw.rows("SELECT value FROM contact_identity WHERE contact_id = :id ORDER BY id",
                                     {"id": contact_id})]
    index_text(db, "contact", contact_id, None, " ".join([row[0], *values]))


def _contact_of_new_ticket(db: Session, ticket_id: int) -> int | None:
    """The ticket's contact if it has no search document yet (a returning customer is already indexed)."""
    row = Raw(db).one(
        "SELECT t.contact_id FROM ticket t WHERE t.id = :id AND t.contact_id IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM search_doc d WHERE d.kind = 'contact' AND d.ref_id = t.contact_id)", {"id": ticket_id})
    return int(row[0]) if row is not None else None


def _on_ticket_event(db: Session, event: hooks.TicketEvent) -> None:
    if event.kind == "created" or "subject" in event.fields:
        index_ticket(db, event.ticket_id)
    if event.kind == "created":
        contact_id = _contact_of_new_ticket(db, event.ticket_id)
        if contact_id is not None:
            index_contact(db, contact_id)
    if event.message_id is not None:
        index_message(db, event.message_id)


def register() -> None:
    """Index on every ticket write, inside the same transaction (so index and data never disagree)."""
    for kind in ("created", "customer_message", "agent_message", "updated"):
        hooks.listen(kind, "web.search", _on_ticket_event)


def _matching_ids(db: Session, query: str, limit: int) -> list[int]:
    if _is_sqlite(db):
        expression = fts5_query(query)
        if expression is None:
            return []
        rows = db.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q ORDER BY rank LIMIT :n"),
                          {"q": expression, "n": limit})
    else:
        rows = db.execute(text(f"SELECT id FROM search_doc WHERE {PG_MATCH} LIMIT :n"), {"q": query, "n": limit})
    return [int(r[0]) for r in rows]


def search(db: Session, principal: Principal, query: str, *, limit: int = 30) -> list[Hit]:
    """Documents matching every word of `query` that the principal may see, best first."""
    if principal.is_customer or not query.strip():
        return []
    ids = _matching_ids(db, query, limit * 5)
    if not ids:
        return []
    docs = {d.id: d for d in db.scalars(select(SearchDoc).where(SearchDoc.id.in_(ids)))}
    message_ticket = dict(db.execute(select(Message.id, Message.ticket_id).where(
        Message.id.in_([d.ref_id for d in docs.values() if d.kind == "message"]))).all())
    ticket_ids = {d.ref_id for d in docs.values() if d.kind == "ticket"} | set(message_ticket.values())
    tickets = {t.id: t for t in db.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids), visible_clause(principal)))}
    contacts = set(db.scalars(select(Contact.id).where(  # customers of tickets outside one's reach stay hidden
        Contact.id.in_([d.ref_id for d in docs.values() if d.kind == "contact"]), visible_contacts(principal))))
    hits: list[Hit] = []
    for doc_id in ids:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        ticket_id = doc.ref_id if doc.kind == "ticket" else message_ticket.get(doc.ref_id)
        if (doc.ref_id not in contacts) if doc.kind == "contact" else (ticket_id not in tickets):
            continue
        title = tickets[ticket_id].subject if ticket_id in tickets else doc.body[:120]
        hits.append(Hit(doc.kind, doc.ref_id, ticket_id, title, doc.body[:200]))
        if len(hits) >= limit:
            break
    return hits


def rebuild(db: Session) -> int:
    """Re-index everything (after a bulk import, or on a database that predates the index)."""
    db.execute(delete(SearchDoc))
    if _is_sqlite(db):
        db.execute(text("DELETE FROM search_fts"))
    count = 0
    for ticket_id in db.scalars(select(Ticket.id)).all():
        index_ticket(db, ticket_id)
        count += 1
    for message_id in db.scalars(select(Message.id)).all():
        index_message(db, message_id)
    for contact_id in db.scalars(select(Contact.id)).all():
        index_contact(db, contact_id)
    return count
