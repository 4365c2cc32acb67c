"""24/7 versus business hours, with figures that can be checked by hand."""

from __future__ import annotations

import pytest

from frontline.workforce.erlang import ServiceTarget, agents_for_service_level
from frontline.workforce.staffing_coverage import CoverageInputs, decide_coverage, night_mask


def _week(night: float, day: float) -> list[float]:
    """Same profile every day: `night` contacts per hour 22:00-08:00, `day` otherwise."""
    return [night if (hour % 24 >= 22 or hour % 24 < 8) else day for hour in range(168)]


def test_quiet_nights_recommend_business_hours_with_figures() -> None:
    """2 contacts per night hour (20 a night, 140 a week) against 40 per day hour (3920):
    night share 140 / 4060 = 3.4% < 5%. At night one agent suffices (A = 0.17 Erlang), so
    24/7 costs 70 night hours x 1 x 30 x 1.25 = 2625 more. Closing needs 20 x 300 s = 1.67
    agent-hours each morning: ceil(1.67 / (2 h x 0.85)) = 1 extra agent for 2 h = 60 a day,
    420 a week: saving 2205. The queue takes 1.67 / 0.85 = 1.96 h to clear, so the average
    extra wait is 5 h (uniform arrivals over 10 h) + 1.96 / 2 = 5.98 h; the maximum is 10 h."""
    decision = decide_coverage(CoverageInputs(_week(2, 40), aht_seconds=300, hourly_cost=30))
    assert decision.night_share == pytest.approx(140 / 4060)
    assert decision.morning_extra_agents == (1,) * 7
    assert decision.saving_per_week == pytest.approx(2625 - 420)
    assert decision.average_extra_wait_hours == pytest.approx(5 + (6000 / 3600 / 0.85) / 2)
    assert decision.max_extra_wait_hours == pytest.approx(10.0)
    assert decision.recommendation == "business hours"
    assert "3.4%" in decision.reason and "2,205" in decision.reason
    day_agents = agents_for_service_level(40, 300, ServiceTarget(), interval_seconds=3600).agents
    assert decision.cost_business_hours == pytest.approx(98 * day_agents * 30 + 420)


def test_busy_nights_recommend_staying_open() -> None:
    decision = decide_coverage(CoverageInputs(_week(8, 40), aht_seconds=300, hourly_cost=30))
    assert decision.night_share == pytest.approx(560 / (560 + 3920))
    assert decision.recommendation == "24/7"


def test_threshold_is_configurable_and_night_window_can_avoid_midnight() -> None:
    volume = _week(2, 40)
    strict = decide_coverage(CoverageInputs(volume, aht_seconds=300, hourly_cost=30, night_share_threshold=0.02))
    assert strict.recommendation == "24/7"
    mask = night_mask(1, 5)
    assert mask.sum() == 4 * 7 and mask[1] and not mask[5] and not mask[0]


def test_empty_nights_cost_only_the_minimum_staff() -> None:
    decision = decide_coverage(CoverageInputs(_week(0, 40), aht_seconds=300, hourly_cost=20))
    assert decision.night_contacts == 0
    assert decision.saving_per_week == pytest.approx(70 * 1 * 20 * 1.25)
    assert decision.max_extra_wait_hours == 0
    assert decision.recommendation == "business hours"


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="168"):
        CoverageInputs([1.0] * 24, aht_seconds=300, hourly_cost=30)
    with pytest.raises(ValueError, match="night hours"):
        CoverageInputs(_week(1, 2), aht_seconds=300, hourly_cost=30, night_start_hour=24)
    with pytest.raises(ValueError, match="hourly_volume"):
        CoverageInputs([-1.0] * 168, aht_seconds=300, hourly_cost=30)
