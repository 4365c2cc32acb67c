"""Database size per N demo tickets, in total and for the search index (issue 9, "text stored once").

Run by hand: `.venv/bin/python benchmarks/storage.py [--tickets 3000] [--db sqlite,postgresql]`.

Builds the demo desk's history (`frontline.demo.build.build_demo`: customers, tickets, their conversations in
Russian and English; the planner's schedules left out), rebuilds the search index with the tree's own
`rebuild` (so a tree whose demo does not index yet is measured with a full index too), then measures:
SQLite: the file after a WAL checkpoint and VACUUM, and per table (with its indexes and, for `search_fts`, its
shadow tables) from `dbstat`; PostgreSQL: `pg_database_size` and `pg_total_relation_size` of each table, after
VACUUM FULL. The per-100,000-tickets column is a linear extrapolation of the measured N (less the empty schema's
size), not a measurement.

To compare two commits, copy this file into the other tree's benchmarks/ and run it there (`_common` puts its
own tree first on the path).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from typing import Any

from _common import database
from sqlalchemy import func, select, text

from frontline.demo.build import build_demo
from frontline.kit.db import get_database
from frontline.tickets.models import Message, Ticket
from frontline.workforce import demo_plan

TABLES = ("ticket", "message", "ticket_event", "contact", "search_doc", "search_fts")


def _rebuild(db: Any) -> None:
    try:
        from frontline.search.service import rebuild
    except ImportError:  # a tree from before frontline/search
        from frontline.web.search import rebuild  # type: ignore[no-redef]
    rebuild(db)


def _sqlite_sizes(path: str) -> dict[str, int]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    sizes = {"total": os.path.getsize(path)}
    tables = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
    for name, pages in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        owner = tables.get(name, name)
        for table in TABLES:
            if owner == table or (table == "search_fts" and owner.startswith("search_fts")) or \
                    name.startswith(f"sqlite_autoindex_{table}_"):
                sizes[table] = sizes.get(table, 0) + int(pages)
    conn.close()
    return sizes


def _postgres_sizes(url: str) -> dict[str, int]:
    engine = get_database(url).writer
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL"))  # rewritten: dead rows of an earlier indexing would count otherwise
        sizes = {"total": int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)}
        for table in TABLES:
            if table != "search_fts":
                sizes[table] = int(conn.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar() or 0)
    return sizes


def _sizes(kind: str, url: str) -> dict[str, int]:
    return _sqlite_sizes(url.removeprefix("sqlite:///")) if kind == "sqlite" else _postgres_sizes(url)


def run(kind: str, tickets: int) -> None:
    with database(kind) as url, tempfile.TemporaryDirectory(prefix="fl-storage-") as data:
        os.environ["FRONTLINE_DATA_DIR"] = data  # the demo token file goes there
        started = time.monotonic()
        empty = _sizes(kind, url)  # the schema alone (catalogs, empty pages): left out of the extrapolation
        db_handle = get_database(url)
        build_demo(db_handle, tickets=tickets, months=6, seed=42)
        with db_handle.session() as db:
            _rebuild(db)
        with db_handle.session(write=False) as db:
            made = int(db.scalar(select(func.count()).select_from(Ticket)) or 0)
            messages = int(db.scalar(select(func.count()).select_from(Message)) or 0)
            text_bytes = int(db.scalar(select(func.sum(func.length(Message.body_text)))) or 0)
        db_handle.dispose()
        sizes = _sizes(kind, url)
        took = time.monotonic() - started
        print(f"\n{kind}: {made} tickets, {messages} messages, {text_bytes / 2**20:.1f} MiB of message text"
              f" (built and measured in {took:.0f} s; load {os.getloadavg()[0]:.1f})")
        print(f"{'':<14}{'MiB':>9}{'empty schema':>14}{'MiB per 100,000 tickets (extrapolated)':>42}")
        for name in ("total", *TABLES):
            if name in sizes:
                mib, base = sizes[name] / 2**20, empty.get(name, 0) / 2**20
                print(f"{name:<14}{mib:>9.2f}{base:>14.2f}{(mib - base) * 100_000 / max(made, 1):>42.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    demo_plan.publish_demo_plans = lambda database, console=None: 0  # type: ignore[assignment]
    for kind in args.db.split(","):
        run(kind, args.tickets)


if __name__ == "__main__":
    main()
