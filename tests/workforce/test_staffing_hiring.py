"""Hiring plan with hand-checkable figures."""

from __future__ import annotations

import pytest

from frontline.workforce.staffing_hiring import (
    WEEKS_PER_MONTH,
    HiringInputs,
    plan_hiring,
    ramp_periods,
    retention_per_period,
)


def test_no_attrition_no_ramp_hires_the_gap_at_once() -> None:
    """90 productive FTE at 20% shrinkage need 112.5 heads; with 100 on staff, hire 13 now."""
    plan = plan_hiring(HiringInputs([90, 90, 90], 100, 0.2, 0.0, 0))
    assert [(c.start_period, c.count, c.ready_period) for c in plan.cohorts] == [(0, 13, 0)]
    assert all(p.shortfall_fte == 0 for p in plan.periods)
    assert plan.periods[0].required_headcount == pytest.approx(112.5)
    assert plan.periods[0].productive_fte == pytest.approx(113 * 0.8)


def test_ramp_up_leaves_an_unavoidable_shortfall() -> None:
    """4 weeks of ramp-up: hires started in week 0 count from week 4; weeks 0-3 stay 10 FTE
    short (100 heads x 0.8 = 80 FTE against 90)."""
    plan = plan_hiring(HiringInputs([90] * 8, 100, 0.2, 0.0, 4))
    assert [(c.start_period, c.count, c.ready_period) for c in plan.cohorts] == [(0, 13, 4)]
    assert [p.shortfall_fte for p in plan.periods[:4]] == pytest.approx([10.0] * 4)
    assert all(p.shortfall_fte == 0 for p in plan.periods[4:])
    assert plan.periods[1].headcount == pytest.approx(113)  # trainees are on the payroll
    assert plan.periods[1].productive_headcount == pytest.approx(100)


def test_monthly_attrition_triggers_monthly_cohorts() -> None:
    """Monthly plan, 5% attrition a month, 76 FTE at 20% shrinkage = 95 heads.
    Month 1: 100 x 0.95 = 95 (enough). Month 2: 90.25 -> hire ceil(4.75) = 5.
    Month 3: 85.7375 + 5 x 0.95 = 90.4875 -> hire ceil(4.5125) = 5."""
    plan = plan_hiring(HiringInputs([76] * 4, 100, 0.2, 0.05, 0, period_weeks=WEEKS_PER_MONTH))
    assert [(c.start_period, c.count) for c in plan.cohorts] == [(2, 5), (3, 5)]
    assert plan.periods[3].productive_headcount == pytest.approx(90.4875 + 5)


def test_hires_start_ramp_periods_ahead_and_cover_attrition_meanwhile() -> None:
    """Demand steps from 80 to 100 FTE in week 6 (no shrinkage), ramp 3 weeks, 10% monthly
    attrition: the cohort starts in week 3 and is sized for its survivors in week 6."""
    keep = retention_per_period(0.10, 1.0)
    plan = plan_hiring(HiringInputs([80] * 6 + [100] * 4, 100, 0.0, 0.10, 3))
    first = plan.cohorts[0]
    assert (first.start_period, first.ready_period) == (3, 6)
    gap = 100 - 100 * keep**6
    assert first.count == -(-gap // keep**3)  # ceil(gap / survival over the ramp)
    assert plan.periods[6].shortfall_fte == 0
    assert plan.total_hires == sum(c.count for c in plan.cohorts)


def test_period_helpers_and_validation() -> None:
    assert retention_per_period(0.05, WEEKS_PER_MONTH) == pytest.approx(0.95)
    assert retention_per_period(0.05, 1.0) == pytest.approx(0.95 ** (12 / 52))
    assert ramp_periods(6, 1.0) == 6
    assert ramp_periods(6, WEEKS_PER_MONTH) == 2
    assert ramp_periods(0, 1.0) == 0
    with pytest.raises(ValueError, match="monthly_attrition"):
        HiringInputs([1], 1, 0.1, 1.0, 0)
    with pytest.raises(ValueError, match="shrinkage"):
        HiringInputs([1], 1, 1.0, 0.0, 0)
    with pytest.raises(ValueError, match="required_fte"):
        HiringInputs([-1], 1, 0.1, 0.0, 0)
