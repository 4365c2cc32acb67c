"""Waiting on real processes and threads without timing asserts: poll a condition up to a deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def start_worker(database_url: str, log: Path, *, full_cli: bool = False) -> subprocess.Popen[bytes]:
    """`frontline worker` as a real process, knowing the test handlers, logging into `log`.

    `full_cli` goes through the `frontline` entry point; otherwise `python -m frontline.cli.worker`
    runs the same command without importing every other command group (faster to start).
    """
    env = {**os.environ, "FRONTLINE_DATABASE_URL": database_url, "FRONTLINE_LOG_JSON": "false",
           "PYTHONPATH": str(REPO), "FRONTLINE_JOB_MODULES": '["tests.jobs.handlers"]'}
    entry = ["-c", "from frontline.cli.main import main; main()", "worker"]
    command = [sys.executable, *(entry if full_cli else ["-m", "frontline.cli.worker"])]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
