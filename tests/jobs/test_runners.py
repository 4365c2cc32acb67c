"""Real runners: the web process's background thread, `frontline worker` processes, and crashes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontline.api.app import create_app
from frontline.jobs import enqueue, run_pending
from frontline.kit.db import Database, utcnow
from frontline.kit.settings import Settings
from tests.jobs.conftest import job_states
from tests.jobs.handlers import lines
from tests.jobs.support import REPO, kill, start_worker, wait_for


def test_web_process_runs_a_committed_job_right_away(settings: Settings, database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    with TestClient(create_app(settings)):
        with database.session() as db:
            enqueue(db, "test.touch", {"marker": str(marker)})
        committed = time.monotonic()
        assert wait_for(lambda: marker.exists(), timeout=10)
        latency = time.monotonic() - committed
        assert wait_for(lambda: [s.status for s in job_states(database)] == ["done"], timeout=10)
    print(f"in-process pickup after commit: {latency * 1000:.0f} ms ({database.url.split(':')[0]})")
    assert lines(marker) == ["ran"]


def test_web_process_leaves_jobs_alone_when_told(settings: Settings, database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    quiet = settings.model_copy(update={"jobs_in_process": False})
    with TestClient(create_app(quiet)):
        with database.session() as db:
            enqueue(db, "test.touch", {"marker": str(marker)})
        assert not wait_for(lambda: marker.exists(), timeout=0.5)
    assert run_pending(database) == 1


def test_worker_process_runs_jobs_and_stops_on_sigterm(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    worker = start_worker(database.url, tmp_path / "worker.log", full_cli=not database.is_sqlite)
    try:
        with database.session() as db:
            enqueue(db, "test.touch", {"marker": str(marker), "note": "from the worker"})
        assert wait_for(lambda: marker.exists(), timeout=90), "the worker never ran the job"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0
    finally:
        kill(worker)
    assert lines(marker) == ["from the worker"]
    assert [s.status for s in job_states(database)] == ["done"]


CRASHING_RUNNER = """
import sys
from frontline.jobs import run_pending
from frontline.kit.db import get_database
import tests.jobs.handlers
run_pending(get_database(sys.argv[1]))
"""


def _start_crashing_process(database: Database, log: Path) -> subprocess.Popen[bytes]:
    if database.is_sqlite:
        return subprocess.Popen([sys.executable, "-c", CRASHING_RUNNER, database.url], cwd=REPO,
                                env={"PYTHONPATH": str(REPO), "PATH": ""})
    return start_worker(database.url, log)


def test_job_of_a_crashed_process_runs_again(database: Database, tmp_path: Path) -> None:
    started, marker = tmp_path / "started.txt", tmp_path / "ran.txt"
    with database.session() as db:
        enqueue(db, "test.crash_once", {"started": str(started), "marker": str(marker)})
    process = _start_crashing_process(database, tmp_path / "worker.log")
    try:
        assert wait_for(started.exists, timeout=90)
    finally:
        kill(process)  # SIGKILL mid-job: no cleanup of any kind
    assert [(s.status, s.attempts) for s in job_states(database)] == [("running", 1)]
    if database.is_sqlite:
        later = utcnow() + timedelta(seconds=601)  # past the lease
        assert run_pending(database, now=later) == 1
    else:
        from frontline.jobs.pg_worker import recover_stalled

        assert recover_stalled(database, stalled_after=0) >= 1  # its heartbeat stopped with it
        # >= 1: the killed worker may also have deferred a tick of procrastinate's own periodic task
        assert run_pending(database) >= 1
    assert lines(marker) == ["recovered"]
    assert [(s.status, s.attempts) for s in job_states(database)] == [("done", 2)]


def _registered_workers(database: Database) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(text("SELECT count(*) FROM procrastinate.procrastinate_workers")) or 0)


@pytest.mark.parametrize("processes", [2])
def test_several_workers_share_the_queue_without_running_a_job_twice(
    database: Database, tmp_path: Path, processes: int
) -> None:
    if database.is_sqlite:
        pytest.skip("several worker processes are a PostgreSQL deployment")
    marker = tmp_path / "ran.txt"
    workers = [start_worker(database.url, tmp_path / f"worker{n}.log") for n in range(processes)]
    try:
        assert wait_for(lambda: _registered_workers(database) == processes, timeout=120)
        with database.session() as db:
            for n in range(60):
                enqueue(db, "test.touch", {"marker": str(marker), "note": f"job {n}"})
        assert wait_for(lambda: len(lines(marker)) >= 60, timeout=120)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        assert [worker.wait(60) for worker in workers] == [0] * processes
    finally:
        for worker in workers:
            kill(worker)
    assert sorted(lines(marker)) == sorted(f"job {n}" for n in range(60))
    assert _registered_workers(database) == 0  # each unregistered on its way out
