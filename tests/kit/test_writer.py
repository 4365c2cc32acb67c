"""The turn to write (kit/writer.py): group commit, a unit undone alone, the loop never waiting, bounded waits.

`Database.call` semantics run on both databases (PostgreSQL runs each unit in its own transaction); the
turn itself exists on SQLite only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from frontline.kit.db import Database
from frontline.kit.writer import Writer, WriterBusy

T = TypeVar("T")


def _tag(db: Session, name: str) -> int:
    return int(db.execute(text("INSERT INTO tag (name) VALUES (:n) RETURNING id"), {"n": name}).scalar_one())


def _names(database: Database) -> set[str]:
    with database.session(write=False) as db:
        return set(db.execute(text("SELECT name FROM tag")).scalars())


def _run(main: Callable[[], Awaitable[T]]) -> T:
    """Run an async test body on a fresh event loop in its own thread (browser tests leave the main thread's
    loop running for the whole session)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main).result(timeout=60)


def _turns(database: Database) -> Writer:
    if database.turns is None:
        pytest.skip("the turn to write is SQLite's (PostgreSQL has no single writer)")
    return database.turns


@pytest.fixture
def held(database: Database) -> Iterator[threading.Event]:
    """A thread holds the turn (a write session) until the test sets the event."""
    turns = _turns(database)
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        with database.session() as db:
            _tag(db, "held")
            taken.set()
            release.wait(20)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(10)
    assert turns is not None
    yield release
    release.set()
    thread.join(10)


def test_units_submitted_together_each_commit_or_fail_alone(database: Database) -> None:
    with database.session() as db:
        _tag(db, "existing")

    def fails(db: Session) -> int:
        _tag(db, "undone")
        raise ValueError("this unit breaks")

    def duplicate(db: Session) -> int:
        _tag(db, "undone too")
        return _tag(db, "existing")  # a constraint error: only this unit's work is undone

    async def main() -> list[object]:
        units = [lambda db: _tag(db, "one"), fails, duplicate, lambda db: _tag(db, "two")]
        return await asyncio.gather(*(database.call(u) for u in units), return_exceptions=True)

    first, failed, dup, second = _run(main)
    assert isinstance(first, int) and isinstance(second, int)
    assert isinstance(failed, ValueError)
    assert type(dup).__name__ == "IntegrityError"
    assert _names(database) == {"existing", "one", "two"}


def test_a_later_unit_of_a_batch_sees_what_an_earlier_one_wrote(database: Database) -> None:
    _turns(database)

    def count(db: Session) -> int:
        return int(db.execute(text("SELECT count(*) FROM tag WHERE name = 'first'")).scalar_one())

    async def main() -> list[object]:
        return await asyncio.gather(database.call(lambda db: _tag(db, "first")), database.call(count))

    assert _run(main)[1] == 1  # serial order inside the shared transaction


def test_a_batch_of_units_is_one_transaction(database: Database) -> None:
    _turns(database)
    commits: list[int] = []

    def count(_conn: object) -> None:
        commits.append(1)

    async def main() -> list[int]:
        return await asyncio.gather(*(database.call(lambda db, n=n: _tag(db, f"b{n}")) for n in range(10)))

    event.listen(database.writer, "commit", count)
    try:
        ids = _run(main)
    finally:
        event.remove(database.writer, "commit", count)
    assert len(set(ids)) == 10 and {f"b{n}" for n in range(10)} <= _names(database)
    assert len(commits) == 1  # submitted in one pass of the loop: one transaction, one commit


def test_the_loop_keeps_running_while_a_thread_holds_the_turn(database: Database, held: threading.Event) -> None:
    async def main() -> tuple[int, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        waiting = asyncio.create_task(database.call(lambda db: _tag(db, "after")))
        await asyncio.sleep(0.3)
        during = ticks
        assert not waiting.done()  # the unit waits for the turn ...
        held.set()  # ... while the loop went on ticking; once the holder is done, the unit runs
        await asyncio.wait_for(waiting, 10)
        ticker.cancel()
        return during, ticks

    during, total = _run(main)
    assert during >= 10 and total >= during
    assert {"held", "after"} <= _names(database)


def test_a_turn_that_does_not_come_in_time_is_a_503_error_and_the_unit_never_runs(
        database: Database, held: threading.Event) -> None:
    turns = _turns(database)
    turns.timeout = 0.2

    async def main() -> None:
        with pytest.raises(WriterBusy) as busy:
            await database.call(lambda db: _tag(db, "late"))
        assert busy.value.status == 503 and busy.value.retry_after == 1
        with pytest.raises(WriterBusy):
            async with database.turn():
                pass

    _run(main)
    with pytest.raises(WriterBusy), database.session():
        pass
    held.set()
    time.sleep(0.3)
    assert "late" not in _names(database)


def test_a_full_queue_refuses_at_once(database: Database, held: threading.Event) -> None:
    turns = _turns(database)
    turns.max_queue = 2

    async def main() -> list[object]:
        started = time.monotonic()
        results = await asyncio.gather(*(database.call(lambda db, n=n: _tag(db, f"q{n}")) for n in range(5)),
                                       return_exceptions=True)
        assert time.monotonic() - started < 5
        return results

    async def release_soon() -> list[object]:
        async def later() -> None:
            await asyncio.sleep(0.5)
            held.set()

        async with anyio.create_task_group() as group:
            group.start_soon(later)
            results = await main()
        return results

    results = _run(release_soon)
    assert sum(isinstance(r, WriterBusy) for r in results) == 3
    assert sum(isinstance(r, int) for r in results) == 2


def test_sessions_inside_a_held_turn_do_not_wait_again(database: Database) -> None:
    _turns(database)

    async def main() -> None:
        async with database.turn():
            def work() -> None:
                for n in range(2):  # one after another, as e-mail intake does
                    with database.session() as db:
                        _tag(db, f"inner{n}")

            await anyio.to_thread.run_sync(work)

    _run(main)
    assert {"inner0", "inner1"} <= _names(database)


def test_a_write_session_never_waits_on_an_event_loop_that_asks_for_turns(database: Database) -> None:
    _turns(database)

    async def main() -> None:
        await database.call(lambda db: _tag(db, "async first"))
        with pytest.raises(RuntimeError, match="event loop"), database.session():
            pass

    _run(main)


def test_a_write_request_that_gets_no_turn_answers_503_with_retry_after(
        client: TestClient, desk: Any, database: Database, held: threading.Event) -> None:
    _turns(database).timeout = 0.2
    created = client.post("/api/v1/tickets", headers=desk.agent1.headers,
                          json={"subject": "Busy", "description": "x", "customer": {"email": "b@client.example"}})
    assert created.status_code == 503, created.text
    assert created.headers["retry-after"] == "1"
    assert created.headers["content-type"].startswith("application/problem+json")
    patched = client.patch("/api/v1/tickets/1", headers=desk.agent1.headers, json={"priority": "high"})
    assert patched.status_code == 503 and patched.headers["retry-after"] == "1"
    assert client.get("/api/v1/tickets", headers=desk.agent1.headers).status_code == 200  # reads never wait
    held.set()
    time.sleep(0.3)
    again = client.post("/api/v1/tickets", headers=desk.agent1.headers,
                        json={"subject": "Later", "description": "x", "customer": {"email": "b@client.example"}})
    assert again.status_code == 201, again.text
