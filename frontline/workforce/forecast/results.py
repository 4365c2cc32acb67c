"""Result types shared by the forecasting functions.

Forecasts carry their own provenance (model name, fallback flag and reason,
notes) so a planner can see when a number is a real model output and when it is
a stop-gap because the history was too short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class EmptyHistoryError(ValueError):
    """There is no history at all, so there is nothing to forecast from."""


class InsufficientHistoryError(ValueError):
    """The history is too short for the requested evaluation."""


@dataclass(frozen=True)
class Forecast:
    """Point forecast with prediction intervals per coverage level (e.g. 80, 95)."""

    mean: pd.Series
    lower: dict[int, pd.Series]
    upper: dict[int, pd.Series]
    model: str
    fallback: bool = False
    reason: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def horizon(self) -> int:
        return len(self.mean)

    def to_frame(self) -> pd.DataFrame:
        """One row per future period: mean, lo-<level>, hi-<level> columns."""
        frame = pd.DataFrame({"mean": self.mean})
        for level in sorted(self.lower):
            frame[f"lo-{level}"] = self.lower[level]
            frame[f"hi-{level}"] = self.upper[level]
        return frame


@dataclass(frozen=True)
class OriginScore:
    """Accuracy of one rolling-origin fold: model versus weekly seasonal naive."""

    origin: pd.Timestamp
    train_points: int
    mase: float
    naive_mase: float
    coverage: dict[int, float]
    naive_coverage: dict[int, float]
    fallback: bool


@dataclass(frozen=True)
class BacktestResult:
    """Per-origin scores and their means; MASE below 1 beats the scaling naive error."""

    horizon: int
    model: str
    origins: tuple[OriginScore, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def mean_mase(self) -> float:
        return float(np.mean([score.mase for score in self.origins]))

    @property
    def mean_naive_mase(self) -> float:
        return float(np.mean([score.naive_mase for score in self.origins]))

    @property
    def mean_coverage(self) -> dict[int, float]:
        return _mean_by_level([score.coverage for score in self.origins])

    @property
    def mean_naive_coverage(self) -> dict[int, float]:
        return _mean_by_level([score.naive_coverage for score in self.origins])

    @property
    def beats_naive(self) -> bool:
        return self.mean_mase < self.mean_naive_mase


def _mean_by_level(rows: list[dict[int, float]]) -> dict[int, float]:
    levels = rows[0].keys() if rows else ()
    return {level: float(np.mean([row[level] for row in rows])) for level in levels}
