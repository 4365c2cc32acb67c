"""One conversation timeline: messages and the history events worth showing, in time order.

Read in plain SQL (`kit.rawsql.Raw`): a ticket page with 200 messages would otherwise spend most of its
time building ORM objects. The rows carry the attribute names of the models they come from, so the
templates read them the same way.

E-mail messages are stored whole; the intake marks where quoted history and the signature start
(`meta.email.folds`, offsets into the text and the HTML), and an entry splits its body there: the part
before is shown, the rest is behind a "show quoted text" toggle (`<details>`), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from frontline.kit.rawsql import Raw
from frontline.tickets.messages import PUBLIC_KINDS

SHOWN_EVENTS = ("created", "changed", "reopened", "escalated", "merged", "delivery_failed")


@dataclass(slots=True)
class MessageRow:
    id: int
    kind: str
    channel: str
    body_text: str
    created_at: datetime


@dataclass(slots=True)
class EventRow:
    id: int
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    data: dict[str, Any] | None
    created_at: datetime
    # the values as people read them: team and agent names instead of ids (None: show the value's label)
    old_shown: str | None = None
    new_shown: str | None = None
    from_team: str | None = None  # an escalation's teams, by name
    to_team: str | None = None


NAMED_FIELDS = {"team_id": "team", "assignee_id": "user_account"}  # history fields that hold an id


@dataclass(slots=True)
class AttachmentRow:
    id: int
    filename: str
    size: int


@dataclass(slots=True)
class Entry:
    at: datetime
    kind: str  # inbound, reply, note, event
    author: str
    message: MessageRow | None = None
    html: Markup | None = None
    attachments: Sequence[AttachmentRow] = field(default_factory=list)
    event: EventRow | None = None
    text: str = ""  # the shown part of the body text (all of it unless folded)
    folded_text: str | None = None  # the folded rest of the text: quoted history, signature
    folded_html: Markup | None = None
    fold: str = ""  # what is folded: "quote" or "signature"


def _fold_at(folds: Any, length: int) -> tuple[int, str] | None:
    """(offset, kind) of the first fold inside a body of `length` characters, from the stored meta."""
    if not isinstance(folds, dict):
        return None
    found = [(offset, kind) for kind, offset in folds.items()
             if kind in ("quote", "signature") and isinstance(offset, int) and 0 < offset < length]
    return min(found) if found else None


def fold_body(entry: Entry, meta: Any) -> None:
    """Split the entry's text and HTML at the folds the intake recorded (`meta.email.folds`)."""
    message = entry.message
    assert message is not None
    entry.text = message.body_text
    email = meta.get("email") if isinstance(meta, dict) else None
    folds = email.get("folds") if isinstance(email, dict) else None
    if not isinstance(folds, dict):
        return
    text_fold = _fold_at(folds.get("text"), len(message.body_text))
    if text_fold is not None:
        entry.text, entry.folded_text = message.body_text[:text_fold[0]].rstrip(), message.body_text[text_fold[0]:]
        entry.fold = text_fold[1]
    html = str(entry.html) if entry.html is not None else ""
    html_fold = _fold_at(folds.get("html"), len(html))
    if html_fold is not None:  # both pieces were sanitised on their own: each is well-formed HTML
        entry.html, entry.folded_html = Markup(html[:html_fold[0]]), Markup(html[html_fold[0]:])
        entry.fold = html_fold[1]


def safe_html(stored: str | None) -> Markup | None:
    """Message HTML is sanitised once, on the way in (tickets/sanitize.py, nh3): every writer goes through
    the services, and sanitising 200 messages again per page view would cost ~10 ms."""
    return Markup(stored) if stored else None


_MESSAGES = (
    "SELECT m.id, m.kind, m.channel, m.body_text, m.body_html, m.created_at, m.meta, "
    "COALESCE(u.name, c.name) FROM message m LEFT JOIN user_account u ON u.id = m.author_user_id "
    "LEFT JOIN contact c ON c.id = m.author_contact_id WHERE m.ticket_id = :t{public} ORDER BY m.id"
)
_EVENTS = (
    "SELECT e.id, e.kind, e.field, e.old_value, e.new_value, e.data, e.created_at, u.name FROM ticket_event e "
    "LEFT JOIN user_account u ON u.id = e.actor_user_id "
    f"WHERE e.ticket_id = :t AND e.kind IN ({', '.join(repr(k) for k in SHOWN_EVENTS)}) ORDER BY e.id"
)
_ATTACHMENTS = (
    "SELECT a.message_id, a.id, a.filename, a.size FROM attachment a JOIN message m ON m.id = a.message_id "
    "WHERE m.ticket_id = :t ORDER BY a.id"
)


def build(db: Session, ticket_id: int, *, public_only: bool = False) -> list[Entry]:
    raw = Raw(db)
    params = {"t": ticket_id}
    public = f" AND m.kind IN ({', '.join(repr(str(k)) for k in PUBLIC_KINDS)})" if public_only else ""
    files: dict[int, list[AttachmentRow]] = {}
    for message_id, *att in raw.rows(_ATTACHMENTS, params):
        files.setdefault(message_id, []).append(AttachmentRow(*att))
    entries = []
    read_time = raw.read_time
    for mid, kind, channel, text, html, created, meta, author in raw.rows(_MESSAGES.format(public=public), params):
        at = read_time(created)
        assert at is not None
        entry = Entry(at, kind, author or "", message=MessageRow(mid, kind, channel, text, at), html=safe_html(html),
                      attachments=files.get(mid, []), text=text)
        if channel == "email" and meta is not None:
            fold_body(entry, raw.read_json(meta))
        entries.append(entry)
    if not public_only:
        events = []
        for eid, kind, field_, old, new, data, created, actor in raw.rows(_EVENTS, params):
            at = read_time(created)
            assert at is not None
            events.append(EventRow(eid, kind, field_, old, new, raw.read_json(data), at))
            entries.append(Entry(at, "event", actor or "", event=events[-1]))
        _name_ids(raw, events)
    entries.sort(key=lambda e: (e.at, 0 if e.event is None else 1))
    return entries


def _name_ids(raw: Raw, events: Sequence[EventRow]) -> None:
    """Show the teams and agents an event names by their names (one query per table, only when needed)."""
    wanted: dict[str, set[int]] = {"team": set(), "user_account": set()}
    for e in events:
        table = NAMED_FIELDS.get(e.field or "")
        if table is not None:
            wanted[table].update(int(v) for v in (e.old_value, e.new_value) if v and v.isdigit())
        if e.kind == "escalated" and e.data:
            wanted["team"].update(v for v in (e.data.get("from_team"), e.data.get("to_team")) if isinstance(v, int))
    names: dict[str, dict[int, str]] = {}
    for table, ids in wanted.items():
        found = raw.rows(f"SELECT id, name FROM {table} WHERE id IN ({', '.join(str(i) for i in sorted(ids))})") \
            if ids else []
        names[table] = {int(i): str(n) for i, n in found}
    for e in events:
        table = NAMED_FIELDS.get(e.field or "")
        if table is not None:
            e.old_shown = _shown(names[table], e.old_value)
            e.new_shown = _shown(names[table], e.new_value)
        if e.kind == "escalated" and e.data:
            e.from_team, e.to_team = (names["team"].get(v) if isinstance(v, int) else None
                                      for v in (e.data.get("from_team"), e.data.get("to_team")))


def _shown(names: dict[int, str], value: str | None) -> str | None:
    if not value:
        return None
    return names.get(int(value), f"#{value}") if value.isdigit() else value


def event_data(event: EventRow) -> dict[str, Any]:
    return event.data or {}
