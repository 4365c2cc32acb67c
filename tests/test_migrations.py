"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from frontline.models import metadata


def _ours(name: str | None, type_: str, _parent: object) -> bool:
    """SQLite's FTS5 search table and its shadow tables are created by the migration, not by a model; the
    search index's GIN index exists on PostgreSQL only (compared there)."""
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def _not_on_sqlite(_object: object, name: str | None, type_: str, _reflected: bool, _compare_to: object) -> bool:
    return not (type_ == "index" and name == "ix_search_doc_tsv")


def test_models_match_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        opts = {"compare_type": False, "include_name": _ours}
        if database_url.startswith("sqlite"):
            opts["include_object"] = _not_on_sqlite
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
