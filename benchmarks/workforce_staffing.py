"""Time `staff_plan` on 6 weeks x 48 half-hours x 4 channels (8,064 rows).

Run from the repository root: `.venv/bin/python benchmarks/workforce_staffing.py`.
Prints the median and best of several runs; the budget is "well under 200 ms".
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import datetime, timedelta

from frontline.workforce.erlang import ServiceTarget
from frontline.workforce.staffing import DeferredChannel, PlanInterval, RealTimeChannel, staff_plan

WEEKS, INTERVALS_PER_DAY, RUNS = 6, 48, 9


def _plan_rows() -> list[PlanInterval]:
    """A day-shaped forecast (open 07:00-22:00) varying by weekday, four channels."""
    start = datetime(2026, 1, 5)
    rows: list[PlanInterval] = []
    for day in range(WEEKS * 7):
        weekday_factor = 1.0 + 0.1 * (day % 7)
        for slot in range(INTERVALS_PER_DAY):
            when = start + timedelta(days=day, minutes=30 * slot)
            shape = max(0.0, math.sin(math.pi * (slot - 14) / 30)) if 14 <= slot < 44 else 0.0
            rows.append(PlanInterval(when, "voice", 140 * shape * weekday_factor, 300))
            rows.append(PlanInterval(when, "chat", 70 * shape * weekday_factor, 900))
            rows.append(PlanInterval(when, "email", 45 * shape, 420))
            rows.append(PlanInterval(when, "callback", 25 * shape + 1, 240))
    return rows


CHANNELS: dict[str, RealTimeChannel | DeferredChannel] = {
    "voice": RealTimeChannel(ServiceTarget(0.8, 20, max_occupancy=0.9), shrinkage=0.3),
    "chat": RealTimeChannel(ServiceTarget(0.8, 60), concurrency=3, shrinkage=0.3),
    "email": DeferredChannel(first_response_seconds=4 * 3600, shrinkage=0.3),
    "callback": RealTimeChannel(ServiceTarget(0.9, 30, max_asa_seconds=15), shrinkage=0.3),
}


def main() -> None:
    rows = _plan_rows()
    timings, cpu = [], []
    for _ in range(RUNS):
        began, cpu_began = time.perf_counter(), time.process_time()
        result = staff_plan(rows, CHANNELS)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - cpu_began)
    peak = max(r.agents for r in result if r.channel == "voice")
    print(
        f"staff_plan: {len(rows)} rows, median {statistics.median(timings) * 1000:.1f} ms, "
        f"best {min(timings) * 1000:.1f} ms over {RUNS} runs, median process CPU "
        f"{statistics.median(cpu) * 1000:.1f} ms (peak voice agents {peak})"
    )


if __name__ == "__main__":
    main()
