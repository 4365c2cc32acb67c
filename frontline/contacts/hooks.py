"""Contact change listeners: search (which imports contacts) re-indexes a contact when its profile changes or it
is merged away. Installed by frontline/wiring.py through search.register()."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

Listener = Callable[[Session, int, int | None], None]  # (db, contact_id, merged_into or None)
_listeners: dict[str, Listener] = {}


def listen(name: str, fn: Listener) -> None:
    _listeners[name] = fn


def changed(db: Session, contact_id: int, merged_into: int | None = None) -> None:
    """Tell listeners that a contact changed (or, with merged_into, was merged into that contact and is gone)."""
    for fn in list(_listeners.values()):
        fn(db, contact_id, merged_into)
