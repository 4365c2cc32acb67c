"""`frontline serve` as a real process for tests: started in its own process group, always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.support.live import free_port

FRONTLINE = str(Path(sys.executable).parent / "frontline")


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FRONTLINE, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@contextmanager
def serve_process(env: dict[str, str], *, workers: int = 1, start_timeout: float = 120.0) -> Iterator[str]:
    """Run `frontline serve` on a free loopback port and yield its base URL.

    The server gets a process group of its own, so stopping it reaches every uvicorn worker: SIGTERM, and
    SIGKILL for a group that has not exited after a few seconds (a frozen worker ignores a polite stop).
    """
    port = free_port()
    server = subprocess.Popen([FRONTLINE, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout  # a loaded CI machine imports slowly
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base
    finally:
        _stop_group(server)


def _stop_group(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group, then SIGKILL to whatever of it is left (frozen workers ignore a polite stop)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    if server.stdout:
        server.stdout.close()
