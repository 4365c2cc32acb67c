"""Play one day of a plan in the discrete-event simulator, as it is and under what-ifs.

Only the live queue (phone, chat, telegram) is simulated: deferred work waits hours, not seconds.
Agents on the live queue per interval are the scheduled (or, for a draft, required) staff after
shrinkage, split between the live queue and the deferred work in proportion to what each needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from frontline.workforce.document import Document
from frontline.workforce.simulate import Estimate, QueueStats, SimulationSetup, simulate
from frontline.workforce.simulate_whatif import what_if_agent_sick, what_if_handle_time, what_if_volume

SCENARIOS = ("volume", "handle_time", "sick")


@dataclass(frozen=True)
class DayResult:
    name: str
    base: QueueStats
    scenario: QueueStats | None
    difference: dict[str, Estimate]


def day_setup(doc: Document, day: int) -> SimulationSetup:
    """The live queue of day `day` (0-based in the horizon)."""
    days = len(doc["required"]) // 48
    if not 0 <= day < days:
        raise ValueError(f"day must be in 0..{days - 1}")
    shrinkage = float(doc.get("options", {}).get("shrinkage", 0.0))
    staffed = doc["scheduled"] if doc.get("assignments") else doc["required"]
    part = slice(day * 48, (day + 1) * 48)
    agents = [_live_share(s * (1 - shrinkage), live, deferred) for s, live, deferred in
              zip(staffed[part], doc["live_agents"][part], doc["deferred_agents"][part], strict=True)]
    return SimulationSetup(arrivals=[float(v) for v in doc["live_volume"][part]], agents=agents,
                           aht_seconds=float(doc["live_aht"]),
                           answer_seconds=float(doc.get("options", {}).get("answer_seconds", 20.0)))


def _live_share(productive: float, live_need: int, deferred_need: int) -> int:
    """Productive staff split between the queues in proportion to what each needs."""
    if live_need + deferred_need == 0:
        return math.floor(productive + 1e-9)
    return round(productive * live_need / (live_need + deferred_need))


def simulate_day(doc: Document, day: int, *, scenario: str | None = None, factor: float | None = None,
                 replications: int = 20, seed: int = 0) -> DayResult:
    """Simulate day `day`; with a scenario, compare against it with common random numbers."""
    setup = day_setup(doc, day)
    options: dict[str, int] = {"replications": replications, "seed": seed}
    if scenario is None:
        report = simulate(setup, replications=replications, seed=seed)
        return DayResult("base", report.overall, None, {})
    if scenario == "volume":
        comparison = what_if_volume(setup, factor or 1.2, **options)
    elif scenario == "handle_time":
        comparison = what_if_handle_time(setup, factor or 1.2, **options)
    elif scenario == "sick":
        comparison = what_if_agent_sick(setup, 0, **options)
    else:
        raise ValueError(f"unknown scenario {scenario!r}; use one of {', '.join(SCENARIOS)}")
    return DayResult(comparison.name, comparison.base, comparison.scenario, comparison.difference)


def _estimate(value: Estimate) -> dict[str, float | None]:
    def clean(x: float) -> float | None:
        return None if math.isnan(x) else round(x, 4)

    return {"mean": clean(value.mean), "half_width": clean(value.half_width)}


def stats_json(stats: QueueStats) -> dict[str, Any]:
    return {name: _estimate(getattr(stats, name)) for name in
            ("offered", "answered", "abandoned", "service_level", "asa_seconds", "abandon_rate", "occupancy")}


def result_json(result: DayResult) -> dict[str, Any]:
    return {"name": result.name, "base": stats_json(result.base),
            "scenario": stats_json(result.scenario) if result.scenario else None,
            "difference": {k: _estimate(v) for k, v in result.difference.items()}}
