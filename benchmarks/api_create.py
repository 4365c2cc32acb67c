"""Tickets created per second over HTTP on loopback, 1 and 8 concurrent clients, against a bare reference.

Run by hand: `.venv/bin/python benchmarks/api_create.py [--seconds 10] [--rounds 3] [--db sqlite,postgresql]`.
Needs `wrk` (Debian package). Each create request: token check, validation, customer lookup/creation, ticket
+ first message + history + listeners, commit. The reference (`bare_insert.py`) is a bare FastAPI endpoint
doing one SQLite insert, served the same way (uvicorn, same workers) and measured in the same run, round by
round, alternating with the desk; the load average is printed with every row. Targets: at least 1,000
tickets/s with 8 clients on SQLite on a quiet 2-core machine, and at least a quarter of the reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import FRONTLINE, database, process_tree_cpu, server_process, wrk

HERE = Path(__file__).resolve().parent
SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"subject":"Bench %%d","description":"Load test message","priority":"normal",'
    .. '"customer":{"email":"c%%d@bench.example"}}', n, n %% 500)
  return wrk.format(nil, nil, nil, body)
end
"""
CLIENTS = (1, 8)


def token_for(url: str) -> str:
    env = {"FRONTLINE_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    subprocess.run([FRONTLINE, "createadmin", "--email", "bench@bench.example", "--password", "benchmark pw"],
                   env=env, check=True, capture_output=True)
    out = subprocess.run([FRONTLINE, "token", "create", "--email", "bench@bench.example"], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def bare_command(workers: int) -> list[str]:
    """uvicorn with the options `frontline serve` uses; the port comes last (server_process appends it)."""
    return [sys.executable, "-m", "uvicorn", "bare_insert:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
            "--workers", str(workers), "--no-access-log", "--proxy-headers", "--log-level", "warning", "--port"]


def measure(url: str, pid: int, clients: int, seconds: int, script: str) -> dict[str, float]:
    cpu_before = process_tree_cpu(pid)
    r = wrk(url, connections=clients, seconds=seconds, script=script)
    r["cpu_ms"] = (process_tree_cpu(pid) - cpu_before) * 1000 / max(1.0, r["rps"] * seconds)
    r["load"] = os.getloadavg()[0]
    return r


def row(kind: str, what: str, clients: int, rnd: int, r: dict[str, float], ratio: str = "") -> None:
    print(f"{kind:<11} {what:<7} {clients:>7} {rnd:>5} {r['rps']:>9.0f} {ratio:>6} {r['p50_ms']:>7.1f} "
          f"{r['p99_ms']:>7.1f} {r['errors']:>6.0f} {r['cpu_ms']:>8.2f} {r['load']:>5.2f}", flush=True)


def run(kind: str, url: str, bare_url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        token = token_for(url)
        script = SCRIPT % token
        with server_process(url, workers=args.workers, data_dir=data_dir) as (base, pid), \
                server_process(bare_url, workers=args.workers, data_dir=data_dir,
                               command=bare_command(args.workers)) as (bare_base, bare_pid):
            wrk(base + "/api/v1/tickets", connections=1, seconds=2, script=script)  # warm-up
            wrk(bare_base + "/insert", connections=1, seconds=2, script=script)
            results: dict[tuple[str, int], list[dict[str, float]]] = {}
            for rnd in range(1, args.rounds + 1):
                for clients in CLIENTS:
                    bare = measure(bare_base + "/insert", bare_pid, clients, args.seconds, script)
                    desk = measure(base + "/api/v1/tickets", pid, clients, args.seconds, script)
                    results.setdefault(("bare", clients), []).append(bare)
                    results.setdefault(("desk", clients), []).append(desk)
                    row(kind, "bare", clients, rnd, bare)
                    row(kind, "create", clients, rnd, desk, f"{desk['rps'] / bare['rps']:.2f}")
    for clients in CLIENTS:
        bare_rps = statistics.median(r["rps"] for r in results[("bare", clients)])
        desk_rps = statistics.median(r["rps"] for r in results[("desk", clients)])
        loads = [r["load"] for key in (("bare", clients), ("desk", clients)) for r in results[key]]
        print(f"{kind:<11} median of {args.rounds} rounds, {clients} client(s), {args.workers} worker(s): "
              f"create {desk_rps:.0f}/s, bare {bare_rps:.0f}/s, ratio {desk_rps / bare_rps:.2f} "
              f"(load {min(loads):.2f}-{max(loads):.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"{'database':<11} {'server':<7} {'clients':>7} {'round':>5} {'req/s':>9} {'ratio':>6} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'errors':>6} {'CPU ms':>8} {'load':>5}")
    with tempfile.TemporaryDirectory(prefix="fl-bare-") as bare_dir:
        bare_url = f"sqlite:///{bare_dir}/bare.db"
        for kind in args.db.split(","):
            with database(kind) as url:
                run(kind, url, bare_url, args)


if __name__ == "__main__":
    main()
