"""What one intake transaction reads once and reuses for every message in it, in plain SQL.

The intake runs for every mail, often fifty to a transaction (see intake.ingest_batch). Loading the
mailbox through the ORM, or our own addresses, again for each message cost more than parsing the mail;
here they are read once per transaction. Only configuration is cached, never rows the intake itself
writes (contacts, tickets), so a message rolled back to its savepoint leaves nothing stale behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from frontline.channels.email.thread_match import base_address
from frontline.kit.rawsql import Raw
from frontline.tickets import history
from frontline.tickets.rows import TicketRow

_MAILBOX_COLUMNS = ("id, address, team_id, default_line, default_priority, auto_ack, auto_ack_subject_en,"
                    " auto_ack_body_en, auto_ack_subject_ru, auto_ack_body_ru, closed_reply")


@dataclass(frozen=True)
class MailboxConfig:
    """The part of a mailbox's settings the intake needs."""

    id: int
    address: str
    team_id: int | None
    default_line: str | None
    default_priority: str
    auto_ack: bool
    auto_ack_subject_en: str
    auto_ack_body_en: str
    auto_ack_subject_ru: str
    auto_ack_body_ru: str
    closed_reply: str

    def template(self, part: str, language: str) -> str:
        """'subject' or 'body' of the acknowledgement in 'en' or 'ru'."""
        return str(getattr(self, f"auto_ack_{part}_{language}") or "")


class IntakeContext:
    """One write transaction of the intake: its SQL cursor and the configuration read so far."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.sql = Raw(db)
        self._mailboxes: dict[int, MailboxConfig] = {}
        self._own: set[str] | None = None

    def mailbox(self, mailbox_id: int) -> MailboxConfig:
        if mailbox_id not in self._mailboxes:
            row = self.sql.one(f"SELECT {_MAILBOX_COLUMNS} FROM mailbox WHERE id = :id", {"id": mailbox_id})
            if row is None:
                raise LookupError(f"no mailbox with id {mailbox_id}")
            texts = [str(v or "") for v in row[6:10]]
            self._mailboxes[mailbox_id] = MailboxConfig(
                int(row[0]), str(row[1]), row[2], row[3], str(row[4]), bool(row[5]), texts[0], texts[1], texts[2],
                texts[3], str(row[10]),
            )
        return self._mailboxes[mailbox_id]

    def own_addresses(self) -> set[str]:
        """Every mailbox address of the desk, without plus tags (mail from them is ours)."""
        if self._own is None:
            self._own = {base_address(str(r[0])) for r in self.sql.rows("SELECT address FROM mailbox")}
        return self._own

    def ticket(self, ticket_id: int) -> TicketRow | None:
        row = self.sql.one("SELECT status, priority, contact_id, merged_into_id FROM ticket WHERE id = :t",
                           {"t": ticket_id})
        if row is None:
            return None
        return TicketRow(id=ticket_id, status=str(row[0]), priority=int(row[1]), contact_id=row[2],
                         merged_into_id=row[3])

    def event(self, ticket_id: int, kind: str, data: dict[str, Any]) -> None:
        """A ticket history entry by the system."""
        history.write(self.sql, [history.entry(ticket_id, kind, data=data)])


def context_of(db: Session, context: IntakeContext | None) -> IntakeContext:
    return context if context is not None and context.db is db else IntakeContext(db)
