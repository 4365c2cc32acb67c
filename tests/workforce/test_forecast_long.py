from datetime import date, timedelta

import pandas as pd
import pytest

from frontline.workforce.arrivals import DemandSettings, generate_arrival_batch
from frontline.workforce.forecast import EmptyHistoryError, forecast_periods, volume_series

TZ = "Europe/Moscow"


def synthetic_history(start: date, end: date, growth: float = 0.03) -> pd.Series:
    settings = DemandSettings(mean_daily=200, monthly_growth=growth)
    batch = generate_arrival_batch(start, end, settings, seed=4)
    return volume_series(batch.at_utc, tz=TZ, start=start, end=end)


@pytest.fixture(scope="module")
def two_years() -> pd.Series:
    return synthetic_history(date(2023, 1, 1), date(2025, 1, 1))


def _assert_well_formed(frame: pd.DataFrame) -> None:
    assert (frame.to_numpy() >= 0).all()
    assert (frame["lo-95"] <= frame["lo-80"]).all() and (frame["lo-80"] <= frame["mean"]).all()
    assert (frame["mean"] <= frame["hi-80"]).all() and (frame["hi-80"] <= frame["hi-95"]).all()


def test_weekly_forecast_for_a_year_starts_after_the_last_complete_week(two_years):
    forecast = forecast_periods(two_years, period="W")
    frame = forecast.to_frame()
    assert len(frame) == 52 and not forecast.fallback
    # History ends on Tuesday 31 Dec 2024; the last complete week is 23-29 Dec.
    assert frame.index[0] == pd.Timestamp("2024-12-30")
    assert (frame.index.dayofweek == 0).all()
    _assert_well_formed(frame)


def test_monthly_forecast_shows_the_growth_trend(two_years):
    forecast = forecast_periods(two_years, period="M")
    frame = forecast.to_frame()
    assert list(frame.index) == list(pd.date_range("2025-01-01", periods=12, freq="MS"))
    _assert_well_formed(frame)
    last_year = two_years.resample("MS").sum()
    assert frame["mean"].iloc[6:].mean() > 1.1 * last_year.iloc[-6:].mean()
    assert frame["hi-95"].iloc[-1] - frame["lo-95"].iloc[-1] > frame["hi-95"].iloc[0] - frame["lo-95"].iloc[0]


def test_new_year_holiday_weeks_are_forecast_low(two_years):
    weekly = forecast_periods(two_years, period="W", horizon=60).mean
    holiday_week = weekly[pd.Timestamp("2026-01-05")]  # 5-8 Jan 2026 are days off in Russia
    assert holiday_week < 0.8 * weekly[pd.Timestamp("2026-01-19")]


def test_short_history_falls_back_with_a_reason():
    history = synthetic_history(date(2024, 3, 4), date(2024, 4, 22))
    forecast = forecast_periods(history, period="W", horizon=8)
    assert forecast.fallback
    assert "only 7 complete weeks" in (forecast.reason or "")
    assert len(forecast.mean) == 8 and forecast.mean.index[0] == pd.Timestamp("2024-04-22")
    assert forecast.mean.iloc[0] == pytest.approx(history.sum() / 7, rel=0.1)


def test_less_than_a_period_still_gives_a_flagged_forecast():
    history = synthetic_history(date(2024, 5, 13), date(2024, 5, 13) + timedelta(days=4))
    forecast = forecast_periods(history, period="M", horizon=3)
    assert forecast.fallback and "0 complete months" in (forecast.reason or "")
    assert forecast.mean.index[0] == pd.Timestamp("2024-05-01")
    assert (forecast.mean > 0).all()


def test_empty_history_is_a_clear_error():
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([], tz=TZ))
    with pytest.raises(EmptyHistoryError):
        forecast_periods(empty)
