"""Shared helpers for the benchmarks: throwaway databases, a server process, wrk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live import free_port  # noqa: E402
from tests.support.postgres import start_postgres  # noqa: E402

FRONTLINE = str(Path(sys.executable).parent / "frontline")


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A migrated, empty database URL of the given kind ('sqlite' or 'postgresql')."""
    from frontline.kit.migrate import upgrade

    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="fl-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            yield url
        return
    server = start_postgres()
    try:
        url = server.create_database("bench")
        upgrade(url)
        yield url
    finally:
        server.stop()


def process_tree_cpu(root_pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children that are still alive."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Until `base`/healthz answers 200 (a loaded machine imports slowly); RuntimeError if the server died."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("server did not start")


@contextmanager
def server_process(url: str, *, workers: int, data_dir: str,
                   command: list[str] | None = None) -> Iterator[tuple[str, int]]:
    """`frontline serve` (or `command`, given the port as its last argument) until the block ends."""
    port = free_port()
    env = {**os.environ, "FRONTLINE_DATABASE_URL": url, "FRONTLINE_DATA_DIR": data_dir,
           "FRONTLINE_LOG_LEVEL": "WARNING", "FRONTLINE_WORKERS": str(workers)}
    argv = [*command, str(port)] if command else [FRONTLINE, "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(argv, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wrk(url: str, *, connections: int, seconds: int, script: str, threads: int = 1) -> dict[str, float]:
    """Run wrk with a Lua script; returns requests/s, p50/p99 latency in ms and non-2xx count."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": lat.get("50", 0.0), "p99_ms": lat.get("99", 0.0),
            "errors": float(non2xx.group(1)) if non2xx else 0.0}


def _ms(value: str) -> float:
    number = float(re.match(r"[\d.]+", value).group(0))  # type: ignore[union-attr]
    unit = value[len(str(re.match(r"[\d.]+", value).group(0))):]  # type: ignore[union-attr]
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}.get(unit, 1.0)
