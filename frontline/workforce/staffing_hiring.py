"""Hiring plan: when to start how many new hires so productive staff keeps up with demand.

Model (docs/workforce-staffing.md), per period t of `period_weeks` weeks (1 = weekly plan,
52/12 = monthly plan):
- required headcount R_t = required productive FTE_t / (1 - shrinkage);
- everyone, trainees included, leaves at the monthly attrition rate m, i.e. a share
  (1 - m)^(period_weeks x 12 / 52) stays each period (expected, fractional headcount);
- a hire started in period h counts as productive from period h + ceil(ramp_up_weeks /
  period_weeks) on (nothing before: conservative, and hand-checkable);
- walking forward, when productive staff at t falls short of R_t, a cohort starts at
  t - ramp, sized to cover the gap after expected attrition until t. If t - ramp lies before the
  plan starts, the gap is reported as an unavoidable shortfall (hires start no earlier than
  period 0, and are then sized for the first period they can cover).
Hires are whole people; headcounts are expectations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from frontline.workforce.erlang_core import check_non_negative, check_positive, check_shrinkage

WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class HiringInputs:
    """Long-horizon demand and the workforce facts the plan starts from."""

    required_fte: Sequence[float]
    current_headcount: float
    shrinkage: float
    monthly_attrition: float
    ramp_up_weeks: float
    period_weeks: float = 1.0

    def __post_init__(self) -> None:
        for value in self.required_fte:
            check_non_negative("required_fte", value)
        check_non_negative("current_headcount", self.current_headcount)
        check_shrinkage(self.shrinkage)
        if not 0 <= self.monthly_attrition < 1:
            raise ValueError(f"monthly_attrition must be in [0, 1), got {self.monthly_attrition!r}")
        check_non_negative("ramp_up_weeks", self.ramp_up_weeks)
        check_positive("period_weeks", self.period_weeks)


@dataclass(frozen=True)
class HireCohort:
    """`count` people start in period `start_period` and are productive from `ready_period`."""

    start_period: int
    count: int
    ready_period: int


@dataclass(frozen=True)
class HiringPeriod:
    """Expected figures for one period once the plan's hires are made."""

    period: int
    required_fte: float
    required_headcount: float
    headcount: float
    productive_headcount: float
    productive_fte: float
    shortfall_fte: float


@dataclass(frozen=True)
class HiringPlan:
    cohorts: tuple[HireCohort, ...]
    periods: tuple[HiringPeriod, ...]

    @property
    def total_hires(self) -> int:
        return sum(cohort.count for cohort in self.cohorts)


def retention_per_period(monthly_attrition: float, period_weeks: float) -> float:
    """Share of staff still employed one period later."""
    return (1.0 - monthly_attrition) ** (period_weeks / WEEKS_PER_MONTH)


def ramp_periods(ramp_up_weeks: float, period_weeks: float) -> int:
    """Whole periods a new hire needs before counting as productive."""
    return math.ceil(ramp_up_weeks / period_weeks - 1e-9)


def plan_hiring(inputs: HiringInputs) -> HiringPlan:
    """Cohorts to start so that productive headcount meets the requirement as early as possible."""
    keep = retention_per_period(inputs.monthly_attrition, inputs.period_weeks)
    ramp = ramp_periods(inputs.ramp_up_weeks, inputs.period_weeks)
    availability = 1.0 - inputs.shrinkage
    cohorts: list[HireCohort] = []
    for t, fte in enumerate(inputs.required_fte):
        start = max(0, t - ramp)
        if start + ramp != t:
            continue  # nobody hired now can be productive in time
        gap = fte / availability - _productive(inputs.current_headcount, cohorts, keep, t)
        if gap > 1e-9:
            count = math.ceil(gap / keep ** (t - start) - 1e-9)
            cohorts.append(HireCohort(start, count, t))
    periods = tuple(_period(inputs, cohorts, keep, t) for t in range(len(inputs.required_fte)))
    return HiringPlan(tuple(cohorts), periods)


def _productive(initial: float, cohorts: list[HireCohort], keep: float, t: int) -> float:
    staff = initial * keep**t
    return staff + sum(c.count * keep ** (t - c.start_period) for c in cohorts if c.ready_period <= t)


def _period(inputs: HiringInputs, cohorts: list[HireCohort], keep: float, t: int) -> HiringPeriod:
    availability = 1.0 - inputs.shrinkage
    required = inputs.required_fte[t]
    productive = _productive(inputs.current_headcount, cohorts, keep, t)
    trainees = sum(c.count * keep ** (t - c.start_period) for c in cohorts if c.start_period <= t < c.ready_period)
    return HiringPeriod(
        period=t,
        required_fte=required,
        required_headcount=required / availability,
        headcount=productive + trainees,
        productive_headcount=productive,
        productive_fte=productive * availability,
        shortfall_fte=_positive_part(required - productive * availability),
    )


def _positive_part(value: float) -> float:
    """Clamp float noise (a 1e-14 "shortfall") and negatives to zero."""
    return value if value > 1e-9 else 0.0
