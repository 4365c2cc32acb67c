"""Tickets created per second over HTTP on loopback, 1 and 8 concurrent clients, SQLite and PostgreSQL.

Run by hand: `.venv/bin/python benchmarks/api_create.py [--seconds 10] [--db sqlite,postgresql]`.
Needs `wrk` (Debian package). Target: >= 1,000 tickets/s with 8 clients on SQLite on a 2-core machine.
Each request: token check, validation, customer lookup/creation, ticket + first message + history, commit.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile

from _common import FRONTLINE, database, process_tree_cpu, server_process, wrk

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


def token_for(url: str) -> str:
    env = {"FRONTLINE_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    subprocess.run([FRONTLINE, "createadmin", "--email", "bench@bench.example", "--password", "benchmark pw"],
                   env=env, check=True, capture_output=True)
    out = subprocess.run([FRONTLINE, "token", "create", "--email", "bench@bench.example"], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"{'database':<11} {'clients':>7} {'tickets/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU ms/ticket':>21}")
    for kind in args.db.split(","):
        with database(kind) as url, tempfile.TemporaryDirectory() as data_dir:
            token = token_for(url)
            with server_process(url, workers=args.workers, data_dir=data_dir) as (base, pid):
                wrk(base + "/api/v1/tickets", connections=1, seconds=2, script=SCRIPT % token)  # warm-up
                for clients in (1, 8):
                    cpu_before = process_tree_cpu(pid)
                    r = wrk(base + "/api/v1/tickets", connections=clients, seconds=args.seconds,
                            script=SCRIPT % token)
                    cpu_ms = (process_tree_cpu(pid) - cpu_before) * 1000 / max(1.0, r["rps"] * args.seconds)
                    print(f"{kind:<11} {clients:>7} {r['rps']:>10.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                          f"{r['errors']:>7.0f} {cpu_ms:>21.2f}", flush=True)


if __name__ == "__main__":
    main()
