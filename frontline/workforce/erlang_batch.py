"""Erlang C staffing for many intervals at once (whole plans: weeks x intervals x channels).

Why: a six-week plan has thousands of intervals, and a scalar search per interval in pure Python
is too slow for interactive planning. Here every interval runs the same incremental search in
lock-step with numpy: each starts near its stability bound N = floor(A) with Erlang B taken from
the Poisson distribution (B = pmf(N) / cdf(N), accurate there because cdf is not tiny), then all
advance the Erlang B recursion one server per step; intervals leave the active set as soon as
they meet their targets, so the loop runs only about as many steps as the largest safety margin
N - A in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class BatchMetrics:
    """Per-interval results of `erlang_c_batch`, aligned with its inputs."""

    servers: IntArray
    p_wait: FloatArray
    service_level: FloatArray
    asa_seconds: FloatArray
    occupancy: FloatArray


def erlang_c_batch(
    load: FloatArray,
    aht_seconds: FloatArray,
    answer_seconds: FloatArray,
    min_service_level: FloatArray,
    max_asa_seconds: FloatArray,
    max_occupancy: FloatArray,
    concurrency: IntArray,
) -> BatchMetrics:
    """Smallest slot count (a multiple of `concurrency`) meeting every target, per interval.

    Unset targets are passed as neutral values: service level -inf, ASA and occupancy +inf.
    Zero load needs zero servers. Inputs must already be validated (see staffing.py).
    """
    columns = np.column_stack(
        [load, aht_seconds, answer_seconds, min_service_level, max_asa_seconds, max_occupancy, concurrency]
    ).astype(float)
    return BatchMetrics(*_solve(columns))


def _solve(rows: FloatArray) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    load, aht, answer, min_sl, max_asa, max_occ = (rows[:, i] for i in range(6))
    slots = rows[:, 6].astype(np.int64)
    count = len(load)
    servers = np.zeros(count, dtype=np.int64)
    p_wait = np.zeros(count)
    service_level = np.ones(count)
    asa = np.zeros(count)
    occupancy = np.zeros(count)
    active = np.flatnonzero(load > 0)
    start = np.floor(load[active]).astype(np.int64)
    blocking = _blocking_at(start, load[active])
    n = start
    while active.size:
        a = load[active]
        c, sl, wait, occ = _erlang_c_at(n, a, blocking, aht[active], answer[active])
        done = (
            (n > a)
            & (n % slots[active] == 0)
            & (sl >= min_sl[active] - 1e-12)
            & (wait <= max_asa[active] + 1e-9)
            & (occ <= max_occ[active] + 1e-12)
        )
        finished = active[done]
        servers[finished], p_wait[finished], service_level[finished] = n[done], c[done], sl[done]
        asa[finished], occupancy[finished] = wait[done], occ[done]
        keep = ~done
        active, n, a, blocking = active[keep], n[keep] + 1, a[keep], blocking[keep]
        blocking = a * blocking / (n + a * blocking)
    return servers, p_wait, service_level, asa, occupancy


def _blocking_at(servers: IntArray, load: FloatArray) -> FloatArray:
    """Erlang B via the Poisson law, B(N, A) = P(X = N) / P(X <= N) for X ~ Poisson(A)."""
    return np.exp(stats.poisson.logpmf(servers, load) - stats.poisson.logcdf(servers, load))


def _erlang_c_at(
    servers: IntArray, load: FloatArray, blocking: FloatArray, aht: FloatArray, answer: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Erlang C measures for stable rows; unstable rows (N <= A) get C = 1, SL = 0, ASA = inf."""
    n = servers.astype(float)
    spare = n - load
    stable = spare > 0
    safe_spare = np.where(stable, spare, 1.0)
    c = np.where(stable, n * blocking / (safe_spare + load * blocking), 1.0)
    sl = np.where(stable, 1.0 - c * np.exp(-safe_spare * answer / aht), 0.0)
    wait = np.where(stable, c * aht / safe_spare, np.inf)
    occ = np.where(stable, load / np.maximum(n, 1.0), 1.0)
    return c, sl, wait, occ
