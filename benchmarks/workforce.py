"""The three workforce benchmark figures of issue 6 in one run.

1. staffing: 6 weeks x 48 intervals x 4 channels (budget 200 ms);
2. schedule: 60 agents, 4 weeks, 30-minute coverage, all rules (feasible within 60 s, gap reported);
3. forecast back-test on two years of 30-minute history (under 30 s, MASE below 1 vs seasonal naive).

Each part runs the existing benchmark script unchanged. Run from the repository root:
`.venv/bin/python benchmarks/workforce.py [--schedule-time-limit 60]`.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def run(script: str, *args: str) -> float:
    """Run one benchmark script as if from the command line; returns its wall time."""
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    saved = sys.argv
    sys.argv = [script, *args]
    started = time.perf_counter()
    try:
        runpy.run_path(str(HERE / script), run_name="__main__")
    finally:
        sys.argv = saved
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedule-time-limit", default="60")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    walls = {
        "staffing": run("workforce_staffing.py"),
        "schedule": run("workforce_schedule.py", "--time-limit", args.schedule_time_limit),
        "forecast": run("workforce_forecast.py"),
    }
    print("\n=== wall time per part: " + ", ".join(f"{k} {v:.1f} s" for k, v in walls.items()))


if __name__ == "__main__":
    main()
