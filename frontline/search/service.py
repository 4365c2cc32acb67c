"""Search's rules: what is indexed (on every ticket write, in the writer's transaction), who finds what, a ticket
found by its number, and rebuilding the index. The SQL is in queries.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts import hooks as contact_hooks
from frontline.contacts.models import Contact
from frontline.kit.rawsql import Raw
from frontline.search import queries
from frontline.search.models import SearchDoc
from frontline.search.queries import Doc
from frontline.tickets import hooks
from frontline.tickets.access import visible_clause
from frontline.tickets.customers import visible_contacts
from frontline.tickets.models import Message, Ticket

BATCH = 500


@dataclass(frozen=True)
class Hit:
    kind: str  # ticket, message, contact
    ref_id: int
    ticket_id: int | None
    title: str
    snippet: str


def ticket_doc(ticket_id: int, subject: str) -> Doc:
    return Doc("ticket", ticket_id, ticket_id, subject)


def message_doc(message_id: int, ticket_id: int, body: str | None) -> Doc | None:
    """A message's document; None for a message with no text (nothing to find it by)."""
    return Doc("message", message_id, ticket_id, body or "") if (body or "").strip() else None


def contact_doc(contact_id: int, name: str, identities: Iterable[str]) -> Doc:
    return Doc("contact", contact_id, None, " ".join([name, *identities]))


def index(db: Session, docs: Iterable[Doc | None]) -> None:
    """Index these documents now (bulk writers such as the demo call this; ticket writes go through hooks)."""
    queries.write(db, [d for d in docs if d is not None])


def index_ticket(db: Session, ticket_id: int) -> None:
    row = Raw(db).one("SELECT subject FROM ticket WHERE id = :id", {"id": ticket_id})
    if row is not None:
        queries.write(db, [ticket_doc(ticket_id, row[0])])


def index_message(db: Session, message_id: int) -> None:
    row = Raw(db).one("SELECT ticket_id, body_text FROM message WHERE id = :id", {"id": message_id})
    doc = message_doc(message_id, row[0], row[1]) if row is not None else None
    if doc is not None:
        queries.write(db, [doc])


def contact_docs(db: Session, contact_ids: list[int]) -> list[Doc]:
    """The documents of these contacts (name and identities), in one plain-SQL statement: it runs inside every
    ticket creation for a new customer (two ORM selects there cost 2 ms a message of e-mail intake)."""
    if not contact_ids:
        return []
    names: dict[int, str] = {}
    values: dict[int, list[str]] = {}
    raw = Raw(db)
    params = {f"c{n}": int(i) for n, i in enumerate(contact_ids)}
    for contact_id, name, value in raw.rows(
            "SELECT c.id, c.name, i.value FROM contact c LEFT JOIN contact_identity i ON i.contact_id = c.id "
            f"WHERE c.id IN ({', '.join(':' + k for k in params)}) ORDER BY c.id, i.id", params):
        names[int(contact_id)] = name or ""
        if value is not None:
            values.setdefault(int(contact_id), []).append(value)
    return [contact_doc(i, names[i], values.get(i, [])) for i in contact_ids if i in names]


def index_contact(db: Session, contact_id: int) -> None:
    queries.write(db, contact_docs(db, [contact_id]))


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


def _on_contact_changed(db: Session, contact_id: int, merged_into: int | None) -> None:
    """A profile edit re-indexes the contact; a merge drops the merged contact's document and re-indexes the
    survivor (which now has its identities)."""
    if merged_into is None:
        index_contact(db, contact_id)
        return
    queries.drop(db, "contact", contact_id)
    index_contact(db, merged_into)


def register() -> None:
    """Index on every ticket or contact write, inside the same transaction (so index and data never disagree)."""
    for kind in ("created", "customer_message", "agent_message", "updated"):
        hooks.listen(kind, "search", _on_ticket_event)
    contact_hooks.listen("search", _on_contact_changed)


def ticket_number(query: str, prefix: str) -> int | None:
    """The ticket number a query is, alone: `FL-13019`, `fl13019`, `#13019` or `13019`; else None."""
    match = re.fullmatch(rf"\s*(?:#|{re.escape(prefix)}-?)?\s*(\d{{1,9}})\s*", query, re.IGNORECASE)
    return int(match.group(1)) if match else None


def ticket_by_number(db: Session, principal: Principal, query: str, prefix: str) -> int | None:
    """The ticket `query` names by number, if the principal may see it (otherwise None, exactly as for a number
    no ticket has, so a search never tells that a hidden ticket exists)."""
    number = ticket_number(query, prefix)
    if number is None or principal.is_customer:
        return None
    return db.scalar(select(Ticket.id).where(Ticket.id == number, visible_clause(principal)))


def search(db: Session, principal: Principal, query: str, *, limit: int = 30) -> list[Hit]:
    """Documents matching every word of `query` that the principal may see, best first."""
    if principal.is_customer or not query.strip():
        return []
    ids = queries.matching_ids(db, query, limit * 5)
    if not ids:
        return []
    docs = {d.id: d for d in db.scalars(select(SearchDoc).where(SearchDoc.id.in_(ids)))}
    # a message's ticket is read from the message, not the document: a merge moves messages to another ticket
    messages = {m: (t, body) for m, t, body in db.execute(select(
        Message.id, Message.ticket_id, func.substr(Message.body_text, 1, 200)).where(
        Message.id.in_([d.ref_id for d in docs.values() if d.kind == "message"])))}
    ticket_ids = {d.ref_id for d in docs.values() if d.kind == "ticket"} | {t for t, _ in messages.values()}
    subjects: dict[int, str] = dict(db.execute(select(Ticket.id, Ticket.subject).where(
        Ticket.id.in_(ticket_ids), visible_clause(principal))).all())
    contacts = {d.ref_id: d.text for d in contact_docs(db, list(db.scalars(select(Contact.id).where(
        # customers of tickets outside one's reach stay hidden
        Contact.id.in_([d.ref_id for d in docs.values() if d.kind == "contact"]), visible_contacts(principal)))))}
    hits: list[Hit] = []
    for doc_id in ids:
        doc = docs.get(doc_id)
        if doc is None:  # a document replaced since (SQLite keeps its old terms until a rebuild)
            continue
        if doc.kind == "contact":
            if doc.ref_id in contacts:
                text = contacts[doc.ref_id]
                hits.append(Hit(doc.kind, doc.ref_id, None, text[:120], text[:200]))
        else:
            ticket_id, snippet = messages.get(doc.ref_id, (None, "")) if doc.kind == "message" else (doc.ref_id, None)
            if ticket_id in subjects:
                subject = subjects[ticket_id]
                hits.append(Hit(doc.kind, doc.ref_id, ticket_id, subject, snippet or subject[:200]))
        if len(hits) >= limit:
            break
    return hits


def rebuild(db: Session, progress: Callable[[int], None] | None = None) -> int:
    """Re-index everything: every ticket's subject and messages, then every contact. Calls `progress(n)` after each
    batch of n tickets or contacts; returns the number of documents written."""
    queries.clear(db)
    written = 0
    last = 0
    while True:
        tickets = db.execute(select(Ticket.id, Ticket.subject).where(Ticket.id > last).order_by(Ticket.id)
                             .limit(BATCH)).all()
        if not tickets:
            break
        last = tickets[-1][0]
        docs: list[Doc | None] = [ticket_doc(i, subject) for i, subject in tickets]
        docs += [message_doc(m, t, body) for m, t, body in db.execute(
            select(Message.id, Message.ticket_id, Message.body_text).where(
                Message.ticket_id.in_([i for i, _ in tickets])).order_by(Message.id))]
        index(db, docs)
        written += sum(d is not None for d in docs)
        if progress is not None:
            progress(len(tickets))
    contact_ids = list(db.scalars(select(Contact.id).order_by(Contact.id)))
    for offset in range(0, len(contact_ids), BATCH):
        chunk = contact_docs(db, contact_ids[offset:offset + BATCH])
        index(db, chunk)
        written += len(chunk)
        if progress is not None:
            progress(len(contact_ids[offset:offset + BATCH]))
    return written


def to_index(db: Session) -> int:
    """How many objects `rebuild` walks through (tickets and contacts): the total of its progress."""
    return int(db.scalar(select(func.count()).select_from(Ticket)) or 0) + \
        int(db.scalar(select(func.count()).select_from(Contact)) or 0)
