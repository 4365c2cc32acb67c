from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from frontline.workforce.arrivals import DemandSettings, generate_arrival_batch
from frontline.workforce.forecast import InsufficientHistoryError, backtest, volume_series
from frontline.workforce.forecast.backtest import coverage, seasonal_naive_scale

TZ = "Europe/Moscow"


def synthetic_history(weeks: int) -> pd.Series:
    start = date(2024, 3, 4)
    end = start + timedelta(weeks=weeks)
    batch = generate_arrival_batch(start, end, DemandSettings(mean_daily=300), seed=1)
    return volume_series(batch.at_utc, tz=TZ, start=start, end=end)


@pytest.fixture(scope="module")
def result():
    """Twelve weeks of history, two weekly folds, eight-week fit window: a few seconds."""
    return backtest(synthetic_history(12), origins=2, horizon=336, fit_weeks=8)


def test_model_beats_weekly_seasonal_naive_on_synthetic_history(result):
    assert result.mean_mase < 1
    assert result.beats_naive
    assert all(score.mase < score.naive_mase for score in result.origins)


def test_result_has_one_score_per_origin_in_time_order(result):
    assert len(result.origins) == 2 and result.horizon == 336
    first, second = result.origins
    assert second.origin - first.origin == pd.Timedelta(weeks=1)
    assert second.origin == pd.Timestamp("2024-05-20", tz=TZ)
    assert first.train_points == 8 * 336
    assert not first.fallback and result.model.startswith("MSTL")
    for score in result.origins:
        assert set(score.coverage) == {80, 95}
        assert 0 <= score.coverage[80] <= score.coverage[95] <= 1
    assert result.mean_coverage[95] == pytest.approx((first.coverage[95] + second.coverage[95]) / 2)


def test_origins_without_enough_training_are_dropped_and_noted():
    partial = backtest(synthetic_history(5), origins=3, horizon=336, fit_weeks=8)
    assert len(partial.origins) == 2  # only origins with three weeks before them
    assert partial.notes == ("only 2 of 3 origins fit",)


def test_too_short_history_raises_a_clear_error():
    with pytest.raises(InsufficientHistoryError, match="3 weeks"):
        backtest(synthetic_history(3), horizon=336)


def test_scale_and_coverage_helpers():
    week = np.array([1.0, 2.0, 3.0])
    assert seasonal_naive_scale(np.concatenate([week, week + 2]), 3) == 2.0
    assert coverage(np.array([1, 5, 9]), np.array([0, 0, 0]), np.array([4, 5, 6])) == pytest.approx(2 / 3)
