"""Workload staffing for deferred channels (email, tickets) with a first-response target.

Why not Erlang: a deferred contact may wait hours, so random bunching within an interval does
not matter; what matters is that the work of every interval is done before its deadline.

Model (docs/workforce-staffing.md): the target T is counted in whole intervals,
w = max(1, floor(T / L)). Work arriving in interval i (volume x handle time) must be finished by
the end of interval i + w - 1. Each interval's work is spread evenly over its own window, so the
capacity needed in interval j is the moving average of the last w intervals' work:
    need_j = (work_{j-w+1} + ... + work_j) / w,
plus an opening backlog spread over the first w intervals. Agents = ceil(need_j / (L x productive
share)). Because every piece of work receives its full share of capacity inside its window, a
first-in-first-out queue served with this capacity meets every deadline (proof in the docs);
a fluid FIFO pass then reports the backlog and the share of work answered in time.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from frontline.workforce.erlang_core import check_non_negative, check_positive, check_shrinkage

# Work below a microsecond is float noise from the moving average, not a real backlog.
_NOISE_SECONDS = 1e-6


@dataclass(frozen=True)
class DeferredChannel:
    """Settings of a deferred channel.

    first_response_seconds: every contact gets its first answer within this time.
    productive_share: share of an agent's staffed time spent on the work (like max occupancy).
    initial_backlog_seconds: work already waiting when the plan starts, due within the window.
    """

    first_response_seconds: float
    productive_share: float = 0.85
    shrinkage: float = 0.0
    initial_backlog_seconds: float = 0.0

    def __post_init__(self) -> None:
        check_positive("first_response_seconds", self.first_response_seconds)
        if not 0 < self.productive_share <= 1:
            raise ValueError(f"productive_share must be in (0, 1], got {self.productive_share!r}")
        check_shrinkage(self.shrinkage)
        check_non_negative("initial_backlog_seconds", self.initial_backlog_seconds)


class DeferredInterval(NamedTuple):
    """Staffing and outcome of one interval of a deferred channel.

    backlog_seconds: work still waiting at the end of the interval.
    on_time_share: share of the work that arrived in this interval and was answered by its
    deadline (work whose deadline lies beyond the plan and is still open counts as on time).
    occupancy: work done / staffed agent time.
    """

    agents: int
    scheduled: int
    workload_seconds: float
    backlog_seconds: float
    on_time_share: float
    occupancy: float


def window_intervals(first_response_seconds: float, interval_seconds: float) -> int:
    """The response target in whole intervals, at least one."""
    return max(1, math.floor(first_response_seconds / interval_seconds + 1e-9))


def deferred_requirements(
    volumes: Sequence[float],
    aht_seconds: Sequence[float],
    channel: DeferredChannel,
    interval_seconds: float = 1800.0,
) -> list[DeferredInterval]:
    """Agents per interval so the work of each interval is answered within the target window."""
    check_positive("interval_seconds", interval_seconds)
    work = _work_seconds(volumes, aht_seconds)
    window = window_intervals(channel.first_response_seconds, interval_seconds)
    need = _spread_over_window(work, window, channel.initial_backlog_seconds)
    per_agent = interval_seconds * channel.productive_share
    agents = np.ceil(np.maximum(need - _NOISE_SECONDS, 0.0) / per_agent).astype(np.int64)
    scheduled = np.ceil(agents / (1.0 - channel.shrinkage) - 1e-9).astype(np.int64)
    capacity = (agents * per_agent).tolist()
    backlog, on_time, done = _fifo_pass(work.tolist(), capacity, window, channel.initial_backlog_seconds)
    staffed_seconds = agents * interval_seconds
    occupancy = np.divide(done, staffed_seconds, out=np.zeros(len(work)), where=staffed_seconds > 0)
    columns = zip(agents.tolist(), scheduled.tolist(), work.tolist(), backlog, on_time, occupancy.tolist(), strict=True)
    return [DeferredInterval(*values) for values in columns]


def _work_seconds(volumes: Sequence[float], aht_seconds: Sequence[float]) -> np.ndarray:
    """Validated work per interval: volume x handle time."""
    if len(volumes) != len(aht_seconds):
        raise ValueError("volumes and aht_seconds must have the same length")
    volume = np.asarray(volumes, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    if not (np.isfinite(volume).all() and (volume >= 0).all()):
        raise ValueError("volume must be a finite number >= 0 in every interval")
    if not (np.isfinite(aht).all() and (aht > 0).all()):
        raise ValueError("aht_seconds must be a finite number > 0 in every interval")
    return volume * aht


def _spread_over_window(work: np.ndarray, window: int, opening_backlog: float) -> np.ndarray:
    """Moving average of work over `window` intervals (the opening backlog over the first ones)."""
    padded = np.concatenate((np.zeros(window - 1), work))
    cumulative = np.concatenate(([0.0], np.cumsum(padded)))
    need = (cumulative[window:] - cumulative[:-window]) / window
    need[: min(window, len(need))] += opening_backlog / window
    return need


def _fifo_pass(
    work: list[float], capacity: list[float], window: int, opening_backlog: float
) -> tuple[list[float], list[float], list[float]]:
    """Serve work first-in-first-out with the given capacity; report backlog, on-time share
    per arrival interval and work done per interval."""
    count = len(work)
    # Entries: [owner interval (-1 for the opening backlog), deadline interval, remaining work],
    # in arrival order, hence also in deadline order.
    queue: deque[list[float]] = deque()
    if opening_backlog > 0:
        queue.append([-1.0, float(window - 1), float(opening_backlog)])
    open_work = float(opening_backlog)
    late = [0.0] * count
    backlog, done = [0.0] * count, [0.0] * count
    for j in range(count):
        if work[j] > _NOISE_SECONDS:
            queue.append([float(j), float(j + window - 1), work[j]])
            open_work += work[j]
        free = capacity[j]
        while queue and free > _NOISE_SECONDS:
            served = min(free, queue[0][2])
            queue[0][2] -= served
            free -= served
            done[j] += served
            open_work -= served
            if queue[0][2] <= _NOISE_SECONDS:
                queue.popleft()
        for owner, deadline, remaining in queue:
            if deadline > j:
                break
            if deadline == j and owner >= 0 and remaining > _NOISE_SECONDS:  # deadline passed, work open
                late[int(owner)] += remaining
        backlog[j] = open_work if queue else 0.0
    on_time = [1.0 - late[i] / work[i] if work[i] > 0 else 1.0 for i in range(count)]
    return backlog, on_time, done
