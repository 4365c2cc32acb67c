"""Footprint of a process: a server worker's memory and the CPU a CLI command costs to start (issue 9).

```
.venv/bin/python benchmarks/footprint.py [--tree PATH ...] [--runs 5]
```

For each source tree given (default: this one; give `--tree /path/to/main --tree .` to compare two commits
in the same run), on a throwaway migrated SQLite database:

- RSS of a `frontline serve --workers 1` process (the worker itself) once `/healthz` answered, read from
  `/proc/PID/status` (VmRSS), and again after one page (`/login`) was rendered;
- CPU seconds (user + system of the child, from `wait4`) of `frontline --help`, `frontline mail-gate --help`,
  `frontline mail-gate` given an empty message (it starts, reads stdin and exits 65: the start-up alone)
  and one real `frontline mail-gate` delivery of a small message (start-up, intake, listeners, commit), the
  median of `--runs` runs, beside the reference `python -c pass` measured in the same run;
- with `--postgres`, the same delivery on a migrated PostgreSQL database of a throwaway server
  (tests/support/postgres.py), beside `python -c "import psycopg2"` and `python -c "import psycopg"`: the
  driver's import is the floor there.

Every process gets `PYTHONPATH=<tree>` and starts in that tree (`python -c` puts the working directory first on
`sys.path`), so the tree's `frontline` package is the one imported, and runs the
tree's own entry point (`frontline/cli/entry.py` where it exists, which sends mail-gate past Typer; before that,
`frontline.cli.main:main`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import wait_healthy

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = (b"From: Ann Customer <ann@example.org>\r\nTo: support@example.com\r\nSubject: Printer broken %d\r\n"
           b"Message-ID: <footprint-%d@example.org>\r\n\r\nThe printer on floor 2 does not print.\r\n")


def _frontline(tree: Path) -> list[str]:
    """The `frontline` executable as this tree defines it."""
    if (tree / "frontline" / "cli" / "entry.py").exists():
        return [sys.executable, "-c", "from frontline.cli.entry import main; main()"]
    return [sys.executable, "-c", "from frontline.cli.main import main; main()"]


def _env(tree: Path, db_url: str, data_dir: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "FRONTLINE_DATABASE_URL": db_url, "FRONTLINE_DATA_DIR": data_dir,
            "FRONTLINE_LOG_LEVEL": "WARNING", "FRONTLINE_SECRET_KEY": "footprint"}


def _cpu(argv: list[str], env: dict[str, str], stdin: bytes = b"", expect: tuple[int, ...] = (0,)) -> float:
    """User + system CPU seconds of one run of `argv` (and of its children it waited for)."""
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=env["PYTHONPATH"])  # `-c` puts the cwd first on sys.path
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in expect:
        raise RuntimeError(f"{argv} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _serve_rss(cli: list[str], env: dict[str, str]) -> tuple[int, int]:
    """VmRSS (KiB) of a one-worker `frontline serve` after /healthz, and after one rendered page."""
    sys.path.insert(0, str(ROOT))
    from tests.support.live import free_port

    port = free_port()
    proc = subprocess.Popen([*cli, "serve", "--port", str(port), "--workers", "1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=env["PYTHONPATH"])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, timeout=300)
        time.sleep(0.5)  # let start-up work finish
        at_health = _rss_kib(proc.pid)
        httpx.get(base + "/login", timeout=30).raise_for_status()
        return at_health, _rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _postgres_gate(tree: Path, runs: int, server: object, tmp: str) -> dict[str, list[float]]:
    """CPU of one `frontline mail-gate` delivery on PostgreSQL, beside the imports of both drivers."""
    cli = _frontline(tree)
    url = server.create_database(f"footprint_{abs(hash(str(tree))) % 10**6}")  # type: ignore[attr-defined]
    env = _env(tree, url, f"{tmp}/data-pg")
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, cwd=str(tree))
    subprocess.run([*cli, "mail", "mailbox", "add", "--name", "support", "--address",
                    "support@example.com"], env=env, check=True, capture_output=True, cwd=str(tree))
    samples: dict[str, list[float]] = {'python -c "import psycopg2"': [], 'python -c "import psycopg"': [],
                                       "frontline mail-gate (1 message), PostgreSQL": []}
    for run in range(runs):
        samples['python -c "import psycopg2"'].append(_cpu([sys.executable, "-c", "import psycopg2"], env))
        samples['python -c "import psycopg"'].append(_cpu([sys.executable, "-c", "import psycopg"], env))
        samples["frontline mail-gate (1 message), PostgreSQL"].append(
            _cpu([*cli, "mail-gate", "--mailbox", "support"], env, MESSAGE % (1000 + run, 1000 + run)))
    return samples


def measure(tree: Path, runs: int, server: object | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fl-footprint-") as tmp:
        env = _env(tree, f"sqlite:///{tmp}/desk.db", f"{tmp}/data")
        cli = _frontline(tree)
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, cwd=str(tree))
        subprocess.run([*cli, "mail", "mailbox", "add", "--name", "support", "--address",
                        "support@example.com"], env=env, check=True, capture_output=True, cwd=str(tree))
        figures: dict[str, float] = {}
        at_health, after_page = _serve_rss(cli, env)
        figures["worker RSS after /healthz, MiB"] = at_health / 1024
        figures["worker RSS after /login, MiB"] = after_page / 1024
        samples: dict[str, list[float]] = {"python -c pass": [], "frontline --help": [],
                                           "frontline mail-gate --help": [],
                                           "frontline mail-gate (empty stdin: start-up, exit 65)": [],
                                           "frontline mail-gate (1 message)": []}
        for run in range(runs):  # interleaved, so a burst of load on the machine hits every command alike
            samples["python -c pass"].append(_cpu([sys.executable, "-c", "pass"], env))
            samples["frontline --help"].append(_cpu([*cli, "--help"], env))
            samples["frontline mail-gate --help"].append(_cpu([*cli, "mail-gate", "--help"], env))
            samples["frontline mail-gate (empty stdin: start-up, exit 65)"].append(
                _cpu([*cli, "mail-gate", "--mailbox", "support"], env, b"", expect=(65,)))
            samples["frontline mail-gate (1 message)"].append(
                _cpu([*cli, "mail-gate", "--mailbox", "support"], env, MESSAGE % (run, run)))
        if server is not None:
            samples.update(_postgres_gate(tree, runs, server, tmp))
        for name, values in samples.items():
            figures[f"{name}, CPU s"] = statistics.median(values)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="source tree to measure (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also time mail-gate on a throwaway PostgreSQL")
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    server = None
    if args.postgres:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import start_postgres

        server = start_postgres()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    try:
        results = {tree: measure(tree, args.runs, server) for tree in trees}
    finally:
        if server is not None:
            server.stop()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(" " * width + "".join(f"  {str(t)[-24:]:>24}" for t in trees))
    for name in names:
        print(f"{name:<{width}}" + "".join(f"  {results[t][name]:>24.3f}" for t in trees))


if __name__ == "__main__":
    main()
