"""Benchmark: 60 agents, 4 weeks, 30-minute coverage, all labour rules, CP-SAT on 2 workers.

Run from the repository root:  .venv/bin/python benchmarks/workforce_schedule.py [--time-limit 60]

Prints the model-building time, the time to the first feasible schedule, the
final objective, best bound and gap, the coverage shortfall, and the verdict of
the independent checker on the returned schedule.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from datetime import time as clock

from frontline.workforce.schedule import (
    Agent,
    Horizon,
    LabourRules,
    Line,
    ScheduleProblem,
    ShiftKind,
    ShiftTemplate,
    StaffingRequirement,
    check_schedule,
    solve,
)
from frontline.workforce.schedule.model import INTERVALS_PER_DAY

START = date(2024, 3, 4)  # a Monday
TEMPLATES = (
    ShiftTemplate("early", clock(7, 0), 8 * 60, ShiftKind.DAY),
    ShiftTemplate("day", clock(9, 0), 8 * 60, ShiftKind.DAY),
    ShiftTemplate("evening", clock(14, 0), 8 * 60, ShiftKind.EVENING),
    ShiftTemplate("late", clock(16, 0), 8 * 60, ShiftKind.EVENING),
    ShiftTemplate("night", clock(22, 0), 8 * 60, ShiftKind.NIGHT),
    ShiftTemplate("long-day", clock(8, 0), 12 * 60, ShiftKind.TWELVE_HOUR),
    ShiftTemplate("long-night", clock(20, 0), 12 * 60, ShiftKind.TWELVE_HOUR),
    ShiftTemplate("midday", clock(11, 0), 4 * 60, ShiftKind.PART_TIME),
    ShiftTemplate("afternoon", clock(17, 0), 4 * 60, ShiftKind.PART_TIME),
)
# Agents needed per hour on a weekday; weekends need 70 % of it.
WEEKDAY_PROFILE = [4] * 7 + [9, 12] + [17] * 9 + [12] * 4 + [6, 5]


def make_agents(seed: int) -> tuple[Agent, ...]:
    rng = random.Random(seed)
    agents = []
    for i in range(60):
        line = Line.L1 if i < 40 else Line.L2 if i < 55 else Line.L3
        part_time = i % 6 == 5
        skills = frozenset(skill for skill in ("billing", "french") if rng.random() < 0.3)
        leave_start = START + timedelta(days=rng.randrange(28))
        unavailable = frozenset(leave_start + timedelta(days=k) for k in range(rng.choice((0, 0, 1, 3))))
        agents.append(
            Agent(
                id=f"a{i:02d}",
                name=f"Agent {i:02d}",
                line=line,
                contract_hours=20.0 if part_time else 40.0,
                skills=skills,
                hourly_cost=1.0 + 0.2 * (line != Line.L1),
                unavailable=unavailable,
                preferred_weekdays_off=frozenset({rng.randrange(7)}) if rng.random() < 0.4 else frozenset(),
                preferred_shifts=frozenset(rng.sample([t.name for t in TEMPLATES], 3))
                if rng.random() < 0.3
                else frozenset(),
            )
        )
    return tuple(agents)


def make_requirement(horizon: Horizon) -> StaffingRequirement:
    total, line_two, billing = [], [], []
    for day in horizon.days:
        factor = 0.7 if day.weekday() >= 5 else 1.0
        for slot in range(INTERVALS_PER_DAY):
            need = round(WEEKDAY_PROFILE[slot // 2] * factor)
            total.append(need)
            line_two.append(2 if 16 <= slot < 40 else 1)
            billing.append(1 if 18 <= slot < 36 and day.weekday() < 5 else 0)
    total[: 2 * 7] = [0] * 14  # before the first shift of the horizon can start
    line_two[: 2 * 7] = [0] * 14
    return StaffingRequirement(tuple(total), by_line={Line.L2: tuple(line_two)}, by_skill={"billing": tuple(billing)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    horizon = Horizon(START, 4)
    rules = LabourRules(max_consecutive_days=5, weekend_off_every_weeks=3, min_rest_minutes=11 * 60)
    problem = ScheduleProblem(horizon, make_agents(args.seed), TEMPLATES, make_requirement(horizon), rules)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = solve(problem, time_limit_s=args.time_limit, num_workers=args.workers, random_seed=args.seed)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    report = check_schedule(result.schedule, problem)

    required_hours = sum(problem.requirement.total) / 2
    print(
        f"agents {len(problem.agents)}, {horizon.weeks} weeks, {horizon.num_intervals} intervals, "
        f"{len(TEMPLATES)} shift templates, {args.workers} workers, time limit {args.time_limit:g} s"
    )
    print(f"status                 {result.status}")
    print(f"wall time              {wall:7.2f} s (model build {result.build_seconds:.2f} s), process CPU {cpu:.1f} s")
    first = result.first_solution_seconds
    if first is None:
        print("no feasible schedule within the time limit")
    else:
        print(f"first feasible at      {first + result.build_seconds:7.2f} s after the call ({first:.2f} s of CP-SAT)")
    if result.objective is not None and result.best_bound is not None and result.gap is not None:
        print(f"objective              {result.objective:12.0f}")
        print(f"best bound             {result.best_bound:12.0f}")
        print(f"gap                    {100 * result.gap:11.2f} %")
    missing_intervals = sum(1 for value in result.shortfall if value)
    print(f"required               {required_hours:9.1f} agent-hours (total)")
    # Shortfall has one definition everywhere: missing agent-intervals per series (the total requirement and
    # each per-line / per-skill one); "all" is their sum, what SolveResult and CheckReport.total_shortfall give.
    print(f"shortfall, agent-hours  {'solver':>8} {'checker':>8}   (total in {missing_intervals} intervals)")
    print(f"  total                 {sum(result.shortfall) / 2:8.1f} {sum(report.shortfall) / 2:8.1f}")
    for name, series in result.group_shortfall.items():
        print(f"  {name:<21} {sum(series) / 2:8.1f} {sum(report.group_shortfall.get(name, ())) / 2:8.1f}")
    print(f"  all series            {result.total_shortfall / 2:8.1f} {report.total_shortfall / 2:8.1f}")
    agree = (result.shortfall == report.shortfall and result.group_shortfall == report.group_shortfall
             and result.scheduled == report.scheduled)
    print(f"solver and checker     {'agree on every interval' if agree else 'DISAGREE'}")
    print(f"shifts                 {len(result.schedule.assignments)}, paid cost {result.cost:.1f}")
    print(f"night spread           {report.night_spread}, weekend spread {report.weekend_spread}")
    verdict = "OK, no violations" if report.ok else f"{len(report.violations)} violations"
    print(f"checker                {verdict}")
    for violation in report.violations[:10]:
        print(f"  - {violation.message}")


if __name__ == "__main__":
    main()
