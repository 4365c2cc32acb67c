"""Training data from the desk's own history, and the classifier file kept under the data directory."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team
from frontline.routing.classifier import Classifier, Example, train
from frontline.tickets.models import Category, Message, MessageKind, Priority, Status, Ticket

HANDLED = (Status.solved, Status.closed)
_cache: dict[Path, tuple[tuple[int, int, int], Classifier | None]] = {}
_lock = threading.Lock()


def model_path(data_dir: Path) -> Path:
    return data_dir / "models" / "routing.pkl"


def history(db: Session, *, limit: int = 50_000) -> list[Example]:
    """Handled tickets (solved or closed), newest first: subject + the customer's first message."""
    first_message = (
        select(Message.body_text).where(Message.ticket_id == Ticket.id, Message.kind == MessageKind.inbound)
        .order_by(Message.id).limit(1).scalar_subquery()
    )
    rows = db.execute(
        select(Ticket.subject, first_message, Category.name, Ticket.priority, Team.name)
        .outerjoin(Category, Category.id == Ticket.category_id).outerjoin(Team, Team.id == Ticket.team_id)
        .where(Ticket.status.in_(HANDLED), Ticket.merged_into_id.is_(None))
        .order_by(Ticket.id.desc()).limit(limit)
    )
    return [
        Example(text=f"{subject}\n{body or ''}",
                labels={"category": category or "", "priority": Priority(priority).name, "team": team or ""})
        for subject, body, category, priority, team in rows
    ]


def retrain(db: Session, data_dir: Path) -> Classifier:
    classifier = train(history(db))
    classifier.save(model_path(data_dir))
    return classifier


def current(data_dir: Path) -> Classifier | None:
    """The trained classifier, loaded once per process and reloaded when the file changes.

    Any process may retrain: `save()` writes a new file and renames it over the old one, so the file's
    identity (inode, modification time in ns, size) changes; one `stat` per call notices that, no database read.
    """
    path = model_path(data_dir)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != key:
            _cache[path] = (key, Classifier.load(path))
        return _cache[path][1]
