"""Tags and categories: created on first use, looked up by name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.tickets.models import Category, Tag, TicketTag

NAMED = ("tag", "category")


def named_id(raw: Raw, table: str, name: str) -> int:
    """The id of the tag or category called `name`, created on first use.

    Safe when several transactions create the same new name at once: the insert yields to the other
    writer's row (ON CONFLICT DO NOTHING waits for it on PostgreSQL) instead of failing the transaction.
    """
    assert table in NAMED
    row = raw.one(f"SELECT id FROM {table} WHERE name = :n", {"n": name})
    if row is None:
        raw.run(f"INSERT INTO {table} (name) VALUES (:n) ON CONFLICT (name) DO NOTHING", {"n": name})
        return int(raw.value(f"SELECT id FROM {table} WHERE name = :n", {"n": name}))
    return int(row[0])


def clean_tags(names: Iterable[str]) -> list[str]:
    result: dict[str, None] = {}
    for name in names:
        tag = name.strip().lower()
        if not tag or len(tag) > 80 or any(c.isspace() or c == "," for c in tag):
            raise InvalidInput(f"'{name}' is not a valid tag: use one word of 1 to 80 characters, no commas.")
        result[tag] = None
    return list(result)


def tag_ids(db: Session, names: Sequence[str]) -> list[int]:
    if not names:
        return []
    found = dict(db.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
    for name in names:
        if name not in found:
            found[name] = named_id(Raw(db), "tag", name)
    return [found[n] for n in names]


def tags_of(db: Session, ticket_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {tid: [] for tid in ticket_ids}
    if not ticket_ids:
        return result
    rows = db.execute(
        select(TicketTag.ticket_id, Tag.name).join(Tag, Tag.id == TicketTag.tag_id)
        .where(TicketTag.ticket_id.in_(ticket_ids)).order_by(Tag.name)
    )
    for tid, name in rows:
        result[tid].append(name)
    return result


def set_tags(db: Session, ticket_id: int, names: Sequence[str]) -> None:
    db.execute(delete(TicketTag).where(TicketTag.ticket_id == ticket_id))
    ids = tag_ids(db, names)
    if ids:
        db.execute(insert(TicketTag), [{"ticket_id": ticket_id, "tag_id": i} for i in ids])


def category_id(db: Session, name: str | None) -> int | None:
    if not name:
        return None
    return named_id(Raw(db), "category", name)


def category_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(Category.id, Category.name).where(Category.id.in_(wanted))).all())
