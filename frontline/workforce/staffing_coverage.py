"""Should a real-time channel run 24/7 or close at night?

Model (docs/workforce-staffing.md), over one week of hourly volumes (Monday 00:00 first):
- open hours are staffed with Erlang C for the service target, at least `min_agents_open`
  agents, plus shrinkage; night hours cost `1 + night_premium` times the hourly rate;
- when the night is closed, its contacts wait for the opening hour and are then worked off by
  extra morning agents within `backlog_clear_hours` (first in, first out); their cost is added
  to the business-hours option;
- the extra wait of a night contact arriving at time tau is (opening - tau) + q(tau) x T_clear,
  where q is the share of that night's contacts that arrived before it and T_clear the time the
  extra agents need for the whole night's work. Averages weigh every contact equally.
The recommendation follows the rule of thumb that 24/7 does not pay when fewer than ~5% of
contacts arrive at night (configurable); the figures are returned so a planner can judge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from frontline.workforce.erlang import ServiceTarget
from frontline.workforce.erlang_batch import erlang_c_batch
from frontline.workforce.erlang_core import check_non_negative, check_positive, check_shrinkage

HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class CoverageInputs:
    """Weekly demand, service target, costs and the night window (hours of the day)."""

    hourly_volume: Sequence[float]
    aht_seconds: float
    hourly_cost: float
    target: ServiceTarget = field(default_factory=ServiceTarget)
    night_premium: float = 0.25
    night_start_hour: int = 22
    night_end_hour: int = 8
    shrinkage: float = 0.0
    min_agents_open: int = 1
    backlog_clear_hours: float = 2.0
    backlog_productive_share: float = 0.85
    night_share_threshold: float = 0.05

    def __post_init__(self) -> None:
        if len(self.hourly_volume) != HOURS_PER_WEEK:
            raise ValueError(f"hourly_volume needs {HOURS_PER_WEEK} values, got {len(self.hourly_volume)}")
        for value in self.hourly_volume:
            check_non_negative("hourly_volume", value)
        check_positive("aht_seconds", self.aht_seconds)
        check_non_negative("hourly_cost", self.hourly_cost)
        check_non_negative("night_premium", self.night_premium)
        for hour in (self.night_start_hour, self.night_end_hour):
            if not 0 <= hour < 24:
                raise ValueError(f"night hours must be in 0..23, got {hour!r}")
        if self.night_start_hour == self.night_end_hour:
            raise ValueError("night_start_hour and night_end_hour must differ")
        check_shrinkage(self.shrinkage)
        if self.min_agents_open < 0:
            raise ValueError("min_agents_open must be >= 0")
        check_positive("backlog_clear_hours", self.backlog_clear_hours)
        if not 0 < self.backlog_productive_share <= 1:
            raise ValueError("backlog_productive_share must be in (0, 1]")
        if not 0 <= self.night_share_threshold <= 1:
            raise ValueError("night_share_threshold must be in [0, 1]")


@dataclass(frozen=True)
class CoverageDecision:
    """Figures for both options (costs per week, waits in hours) and the recommendation."""

    total_contacts: float
    night_contacts: float
    night_share: float
    cost_24_7: float
    cost_business_hours: float
    saving_per_week: float
    night_cost_per_contact: float
    average_extra_wait_hours: float
    max_extra_wait_hours: float
    morning_extra_agents: tuple[int, ...]
    recommendation: str
    reason: str


def night_mask(start_hour: int, end_hour: int) -> np.ndarray:
    """Boolean per hour of the week: True when the hour lies in the night window."""
    hour_of_day = np.arange(HOURS_PER_WEEK) % 24
    if start_hour > end_hour:  # the night spans midnight, e.g. 22:00-08:00
        return (hour_of_day >= start_hour) | (hour_of_day < end_hour)
    return (hour_of_day >= start_hour) & (hour_of_day < end_hour)


def decide_coverage(inputs: CoverageInputs) -> CoverageDecision:
    """Compare staying open around the clock with closing during the night window."""
    volume = np.asarray(inputs.hourly_volume, dtype=float)
    night = night_mask(inputs.night_start_hour, inputs.night_end_hour)
    paid = _paid_agents_per_hour(volume, inputs)
    rate = inputs.hourly_cost * np.where(night, 1.0 + inputs.night_premium, 1.0)
    cost_24_7 = float(np.dot(paid, rate))
    nights = _night_runs(night)
    extra_agents, waits = _closed_night_effects(volume, nights, inputs)
    morning_cost = sum(n * inputs.backlog_clear_hours * inputs.hourly_cost for n in extra_agents)
    cost_business = float(np.dot(paid[~night], rate[~night])) + morning_cost
    total, night_volume = float(volume.sum()), float(volume[night].sum())
    share = night_volume / total if total > 0 else 0.0
    weighted = sum(mean * weight for mean, _, weight in waits)
    average_wait = weighted / night_volume if night_volume > 0 else 0.0
    max_wait = max((longest for _, longest, _ in waits), default=0.0)
    saving = cost_24_7 - cost_business
    recommendation, reason = _recommend(share, saving, average_wait, max_wait, inputs.night_share_threshold)
    return CoverageDecision(
        total_contacts=total,
        night_contacts=night_volume,
        night_share=share,
        cost_24_7=cost_24_7,
        cost_business_hours=cost_business,
        saving_per_week=saving,
        night_cost_per_contact=saving / night_volume if night_volume > 0 else math.inf,
        average_extra_wait_hours=average_wait,
        max_extra_wait_hours=max_wait,
        morning_extra_agents=tuple(extra_agents),
        recommendation=recommendation,
        reason=reason,
    )


def _paid_agents_per_hour(volume: np.ndarray, inputs: CoverageInputs) -> np.ndarray:
    """Erlang C agents per hour (at least the open minimum), grossed up for shrinkage."""
    count = len(volume)
    target = inputs.target
    batch = erlang_c_batch(
        volume * inputs.aht_seconds / 3600.0,
        np.full(count, inputs.aht_seconds),
        np.full(count, target.answer_seconds),
        np.full(count, -math.inf if target.service_level is None else target.service_level),
        np.full(count, math.inf if target.max_asa_seconds is None else target.max_asa_seconds),
        np.full(count, math.inf if target.max_occupancy is None else target.max_occupancy),
        np.ones(count, dtype=np.int64),
    )
    agents = np.maximum(batch.servers, inputs.min_agents_open)
    return np.ceil(agents / (1.0 - inputs.shrinkage) - 1e-9)


def _night_runs(night: np.ndarray) -> list[list[int]]:
    """Consecutive night hours of the week, in arrival order, treating the week as a cycle."""
    hours = [h for h in range(HOURS_PER_WEEK) if night[h]]
    if not hours or len(hours) == HOURS_PER_WEEK:
        return [hours] if hours else []
    first_day_hour = next(h for h in range(HOURS_PER_WEEK) if night[h] and not night[h - 1])
    runs: list[list[int]] = []
    for offset in range(HOURS_PER_WEEK):
        hour = (first_day_hour + offset) % HOURS_PER_WEEK
        if not night[hour]:
            continue
        if night[hour - 1] and runs:
            runs[-1].append(hour)
        else:
            runs.append([hour])
    return runs


def _closed_night_effects(
    volume: np.ndarray, nights: list[list[int]], inputs: CoverageInputs
) -> tuple[list[int], list[tuple[float, float, float]]]:
    """Per night: extra morning agents and (mean, max, volume) of the extra wait in hours."""
    extra_agents: list[int] = []
    waits: list[tuple[float, float, float]] = []
    for run in nights:
        night_volume = float(volume[run].sum())
        work_hours = night_volume * inputs.aht_seconds / 3600.0
        needed = work_hours / (inputs.backlog_clear_hours * inputs.backlog_productive_share)
        agents = math.ceil(needed / (1.0 - inputs.shrinkage) - 1e-9) if work_hours > 0 else 0
        extra_agents.append(agents)
        if night_volume > 0:
            productive = agents * (1.0 - inputs.shrinkage) * inputs.backlog_productive_share
            waits.append((*_wait_profile(volume[run], work_hours / productive), night_volume))
    return extra_agents, waits


def _wait_profile(hourly: np.ndarray, clear_hours: float) -> tuple[float, float]:
    """Mean and max extra wait (hours) over one night with contacts uniform within each hour."""
    length = len(hourly)
    total = float(hourly.sum())
    before = np.concatenate(([0.0], np.cumsum(hourly)[:-1])) / total
    share = hourly / total
    starts = np.arange(length, dtype=float)
    mean_each = (length - starts - 0.5) + clear_hours * (before + share / 2)
    mean = float(np.dot(share, mean_each))
    at_start = (length - starts) + clear_hours * before
    at_end = (length - starts - 1.0) + clear_hours * (before + share)
    occupied = hourly > 0
    longest = float(max(at_start[occupied].max(), at_end[occupied].max()))
    return mean, longest


def _recommend(share: float, saving: float, average_wait: float, max_wait: float, threshold: float) -> tuple[str, str]:
    figures = (
        f"{share:.1%} of contacts arrive at night; closing saves {saving:,.0f} per week; "
        f"night contacts would wait {average_wait:.1f} h on average (at most {max_wait:.1f} h)"
    )
    if share < threshold:
        return "business hours", f"{figures}; below the {threshold:.0%} threshold, 24/7 does not pay"
    return "24/7", f"{figures}; at or above the {threshold:.0%} threshold, keep the night open"
