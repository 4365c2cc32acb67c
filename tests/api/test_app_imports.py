"""A server worker does not load the planner's, the classifier's or the driver's heavy libraries at start: each is
imported where it is used (benchmarks/footprint.py measures the worker's RSS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.jobs.support import REPO

NOT_AT_START = ("pandas", "numpy", "scipy", "sklearn", "ortools", "statsforecast", "holidays", "dateutil", "httpx",
                "rich", "psycopg", "procrastinate")


def test_a_web_worker_starts_without_the_heavy_libraries(tmp_path: Path) -> None:
    probe = ("import sys, json\nimport frontline.api.asgi\n"
             "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))")
    env = {**os.environ, "PYTHONPATH": str(REPO), "FRONTLINE_DATABASE_URL": f"sqlite:///{tmp_path}/desk.db",
           "FRONTLINE_DATA_DIR": str(tmp_path / "data"), "FRONTLINE_SECRET_KEY": "imports-test"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert not loaded & set(NOT_AT_START), sorted(loaded & set(NOT_AT_START))
