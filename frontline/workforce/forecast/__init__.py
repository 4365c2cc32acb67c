"""Contact-volume forecasting: interval counts, short and long horizon, back-test."""

from frontline.workforce.forecast.backtest import backtest
from frontline.workforce.forecast.long_horizon import forecast_periods
from frontline.workforce.forecast.results import (
    BacktestResult,
    EmptyHistoryError,
    Forecast,
    InsufficientHistoryError,
    OriginScore,
)
from frontline.workforce.forecast.series import interval_grid, volume_series, volume_series_by_channel
from frontline.workforce.forecast.short_horizon import forecast_intervals

__all__ = [
    "BacktestResult",
    "EmptyHistoryError",
    "Forecast",
    "InsufficientHistoryError",
    "OriginScore",
    "backtest",
    "forecast_intervals",
    "forecast_periods",
    "interval_grid",
    "volume_series",
    "volume_series_by_channel",
]
