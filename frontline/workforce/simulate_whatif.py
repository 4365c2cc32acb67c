"""What-if questions on a simulated day or week: more volume, longer handle times, one agent sick.

Base and scenario run with the same replication seeds (common random numbers), so the reported
difference is the mean of per-replication differences with its own paired t-interval, which is
much tighter than comparing two independent confidence intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from frontline.workforce.simulate import (
    METRICS,
    Estimate,
    QueueStats,
    SimulationSetup,
    estimate,
    simulate,
)


@dataclass(frozen=True)
class ScenarioComparison:
    """Overall results of base and scenario and, per metric, scenario minus base."""

    name: str
    base: QueueStats
    scenario: QueueStats
    difference: dict[str, Estimate]


def scale_volume(setup: SimulationSetup, factor: float) -> SimulationSetup:
    """The same day with every interval's expected arrivals multiplied by `factor`."""
    _check_factor(factor)
    return replace(setup, arrivals=[volume * factor for volume in setup.arrivals])


def scale_handle_time(setup: SimulationSetup, factor: float) -> SimulationSetup:
    """The same day with every mean handle time multiplied by `factor`."""
    _check_factor(factor)
    return replace(setup, aht_seconds=[aht * factor for aht in setup.aht_per_interval])


def remove_agents(setup: SimulationSetup, day: int = 0, agents: int = 1) -> SimulationSetup:
    """`agents` fewer staff in every interval of day `day` (0-based), never below zero."""
    per_day = round(86_400 / setup.interval_seconds)
    days = math.ceil(len(setup.agents) / per_day)
    if not 0 <= day < days:
        raise ValueError(f"day must be in 0..{days - 1}, got {day!r}")
    if agents < 0:
        raise ValueError("agents must be >= 0")
    first, last = day * per_day, (day + 1) * per_day
    staffed = [max(0, count - agents) if first <= index < last else count for index, count in enumerate(setup.agents)]
    return replace(setup, agents=staffed)


def compare_scenario(
    base: SimulationSetup,
    scenario: SimulationSetup,
    *,
    name: str = "scenario",
    replications: int = 20,
    seed: int = 0,
    warmup_intervals: int = 0,
) -> ScenarioComparison:
    """Simulate both with common random numbers and report paired differences."""
    options = {"replications": replications, "seed": seed, "warmup_intervals": warmup_intervals}
    before = simulate(base, **options)
    after = simulate(scenario, **options)
    difference = {
        metric: estimate(np.array(after.overall_samples[metric]) - np.array(before.overall_samples[metric]))
        for metric in METRICS
    }
    return ScenarioComparison(name, before.overall, after.overall, difference)


def what_if_volume(setup: SimulationSetup, factor: float = 1.2, **options: int) -> ScenarioComparison:
    """E.g. factor 1.2: what does 20% more volume do with today's staffing?"""
    return compare_scenario(setup, scale_volume(setup, factor), name=f"volume x{factor:g}", **options)


def what_if_handle_time(setup: SimulationSetup, factor: float = 1.1, **options: int) -> ScenarioComparison:
    """E.g. factor 1.1: what do 10% longer contacts do with today's staffing?"""
    return compare_scenario(setup, scale_handle_time(setup, factor), name=f"handle time x{factor:g}", **options)


def what_if_agent_sick(setup: SimulationSetup, day: int = 0, **options: int) -> ScenarioComparison:
    """One agent fewer for the whole of day `day`."""
    return compare_scenario(setup, remove_agents(setup, day, 1), name=f"one agent sick on day {day}", **options)


def _check_factor(factor: float) -> None:
    if not math.isfinite(factor) or factor <= 0:
        raise ValueError(f"factor must be a finite number > 0, got {factor!r}")
