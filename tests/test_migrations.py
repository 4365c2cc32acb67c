"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from frontline.models import metadata


def _ours(name: str | None, type_: str, _parent: object) -> bool:
    """SQLite's FTS5 search table and its shadow tables are created by the migration, not by a model."""
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def test_models_match_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": _ours})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
