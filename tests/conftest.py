"""Test fixtures: every database test runs on SQLite and on a real, throwaway PostgreSQL server.

The schema always comes from the Alembic migrations, so migrations are tested too. Isolation:
SQLite tests get a fresh copy of a migrated template file; PostgreSQL tests share one migrated
database that is truncated after each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontline import wiring
from frontline.api.app import create_app
from frontline.kit import db as kit_db
from frontline.kit.migrate import upgrade
from frontline.kit.settings import Settings
from frontline.models import metadata
from tests.support.postgres import PostgresServer, start_postgres

BACKENDS = [b for b in os.environ.get("FRONTLINE_TEST_DBS", "sqlite,postgresql").split(",") if b]
ARTIFACTS = Path(os.environ.get("FRONTLINE_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresServer) -> str:
    url = postgres.create_database("frontline_test")
    upgrade(url)
    return url


# procrastinate's queue (its own schema, not our models): a job one test queued must not reach the next
PROCRASTINATE_TABLES = [f"procrastinate.{name}" for name in (
    "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs", "procrastinate_workers")]


def _truncate(url: str) -> None:
    database = kit_db.get_database(url)
    tables = ", ".join([*(f'"{t.name}"' for t in metadata.sorted_tables), *PROCRASTINATE_TABLES])
    with database.writer.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "frontline.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        database = kit_db._databases.pop(url, None)
        if database is not None:
            database.dispose()
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        _truncate(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, data_dir=tmp_path / "data", secret_key="test-secret",  # type: ignore[arg-type]
        max_attachment_bytes=1024 * 1024, log_json=False,
    )


@pytest.fixture(autouse=True)
def wired(request: pytest.FixtureRequest) -> None:
    """Every test that has a desk is wired as every process is (frontline/wiring.py): the same ticket listeners
    (routing, SLA, rules, search) and job handlers, installed for that test's settings."""
    if "settings" in request.fixturenames:
        wiring.install(request.getfixturevalue("settings"))


@pytest.fixture
def database(settings: Settings) -> kit_db.Database:
    return kit_db.get_database(settings.database_url)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def desk(database: kit_db.Database):  # type: ignore[no-untyped-def]
    from tests.factories import make_desk

    return make_desk(database)


@pytest.fixture
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from tests.support.live import serve_in_thread

    with serve_in_thread(app) as url:
        yield url
