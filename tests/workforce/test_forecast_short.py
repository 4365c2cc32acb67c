from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from frontline.workforce.arrivals import DemandSettings, generate_arrival_batch
from frontline.workforce.forecast import EmptyHistoryError, forecast_intervals, volume_series

TZ = "Europe/Moscow"


def synthetic_history(start: date, days: int, seed: int = 1, mean_daily: float = 300) -> pd.Series:
    end = start + timedelta(days=days)
    batch = generate_arrival_batch(start, end, DemandSettings(mean_daily=mean_daily), seed)
    return volume_series(batch.at_utc, tz=TZ, start=start, end=end)


@pytest.fixture(scope="module")
def before_russia_day():
    """Ten weeks ending on Saturday 8 June 2024; Wednesday 12 June is Russia Day."""
    history = synthetic_history(date(2024, 3, 31), 70)
    return history, forecast_intervals(history, horizon=2016)


def test_forecast_covers_the_next_six_weeks_in_local_time(before_russia_day):
    history, forecast = before_russia_day
    assert forecast.horizon == 2016
    assert not forecast.fallback and forecast.reason is None
    assert forecast.model.startswith("MSTL")
    assert forecast.mean.index[0] == history.index[-1] + pd.Timedelta(minutes=30)
    assert forecast.mean.index[-1] == pd.Timestamp("2024-07-20 23:30", tz=TZ)
    assert set(forecast.to_frame().columns) == {"mean", "lo-80", "hi-80", "lo-95", "hi-95"}


def test_forecast_is_non_negative_with_ordered_intervals(before_russia_day):
    _, forecast = before_russia_day
    frame = forecast.to_frame()
    assert (frame.to_numpy() >= 0).all()
    assert (frame["lo-95"] <= frame["lo-80"]).all()
    assert (frame["lo-80"] <= frame["mean"]).all()
    assert (frame["mean"] <= frame["hi-80"]).all()
    assert (frame["hi-80"] <= frame["hi-95"]).all()
    assert (frame["hi-95"] > frame["lo-95"]).mean() > 0.99


def test_forecast_keeps_the_intraday_and_weekly_shape(before_russia_day):
    _, forecast = before_russia_day
    mean = forecast.mean
    hours = mean.index.hour
    assert mean[(hours >= 1) & (hours < 5)].mean() < 0.2 * mean[(hours >= 11) & (hours < 14)].mean()
    daily = mean.groupby(mean.index.date).sum()
    assert daily[date(2024, 6, 15)] < 0.8 * daily[date(2024, 6, 14)]  # Saturday below Friday


def test_future_public_holiday_is_scaled_down(before_russia_day):
    _, forecast = before_russia_day
    daily = forecast.mean.groupby(forecast.mean.index.date).sum()
    assert daily[date(2024, 6, 12)] < 0.6 * daily[date(2024, 6, 19)]
    assert any("holiday" in note for note in forecast.notes)


def test_short_history_falls_back_to_seasonal_naive_with_a_reason():
    history = synthetic_history(date(2024, 2, 5), 5)
    forecast = forecast_intervals(history, horizon=96)
    assert forecast.fallback
    assert forecast.model == "SeasonalNaive(48)"
    assert "5.0 days" in (forecast.reason or "")
    np.testing.assert_allclose(forecast.mean.to_numpy()[:48], history.to_numpy()[-48:])


def test_two_weeks_use_weekly_seasonal_naive_and_hours_use_the_mean():
    weekly = forecast_intervals(synthetic_history(date(2024, 2, 5), 15), horizon=10)
    assert weekly.fallback and weekly.model == "SeasonalNaive(336)"
    few = synthetic_history(date(2024, 2, 5), 1).iloc[20:26]
    mean = forecast_intervals(few, horizon=4)
    assert mean.fallback and mean.model == "HistoricAverage"
    assert "less than a day" in (mean.reason or "")
    assert mean.mean.iloc[0] == pytest.approx(few.mean())


def test_history_without_contacts_forecasts_zero_and_says_so():
    zeros = pd.Series(0.0, index=pd.date_range("2024-01-01", periods=48 * 30, freq="30min", tz=TZ))
    forecast = forecast_intervals(zeros, horizon=48)
    assert forecast.fallback and forecast.reason == "history has no contacts"
    assert (forecast.mean == 0).all()


def test_empty_history_is_a_clear_error():
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([], tz=TZ))
    with pytest.raises(EmptyHistoryError, match="no history"):
        forecast_intervals(empty)
