"""Erlang A (M/M/N+M): Poisson arrivals, N exponential servers, exponential customer patience.

Why a separate model: Erlang C assumes nobody hangs up, which over-staffs queues where callers do
abandon. Erlang A keeps the birth-death structure and adds an abandonment rate theta per waiter.

Numerics (see docs/workforce-staffing.md): with r = N mu / theta and x = lambda / theta, the
stationary weight of "k customers already queued" relative to "N busy, nobody queued" is
w_k = prod_{i=1..k} x / (r + i). The virtual wait V of an arrival finding k queued is a sum of
exponentials with rates theta (r + j), j = 0..k, so exp(-theta V) ~ Beta(r, k + 1). Every measure
then is a weighted sum over k of closed-form Beta terms. The weights are summed in log space and
normalised by their largest term, and Erlang B enters only as a ratio, so nothing overflows.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from frontline.workforce.erlang_core import (
    QueueMetrics,
    check_non_negative,
    check_positive,
    check_servers,
    erlang_b,
)

# Beyond this many queue states the patience is so long that Erlang C is the same model.
_MAX_QUEUE_TERMS = 2_000_000


def erlang_a_metrics(
    servers: int,
    load: float,
    aht_seconds: float,
    patience_seconds: float,
    answer_seconds: float = 20.0,
    *,
    blocking: float | None = None,
) -> QueueMetrics:
    """Performance of M/M/N+M with mean patience `patience_seconds`.

    `blocking` may pass Erlang B at (servers, load) when the caller already has it (staffing
    searches walk N up and down and keep a table); otherwise it is computed here.
    """
    check_servers(servers)
    check_non_negative("load", load)
    check_positive("aht_seconds", aht_seconds)
    check_positive("patience_seconds", patience_seconds)
    check_non_negative("answer_seconds", answer_seconds)
    if load == 0:
        return QueueMetrics(servers, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    if servers == 0:
        return QueueMetrics(0, load, 1.0, 0.0, math.inf, 0.0, 1.0)
    ratio = patience_seconds / aht_seconds  # mu / theta
    r, x = servers * ratio, load * ratio
    terms = math.ceil(max(0.0, x - r) + 12.0 * math.sqrt(x + r) + 60.0)
    if terms > _MAX_QUEUE_TERMS:
        raise ValueError(
            "patience_seconds is so long against the handle time that abandonment is negligible; "
            "use Erlang C (patience_seconds=None) instead"
        )
    b = erlang_b(servers, load) if blocking is None else blocking
    sums = _queue_sums(r, x, terms, -math.expm1(-answer_seconds / patience_seconds))
    p_wait = _wait_probability(b, sums["log_total"])
    p_abandon = p_wait * (1.0 - sums["served"])
    service_level = (1.0 - p_wait) + p_wait * sums["served_within"]
    answered = 1.0 - p_abandon
    asa = p_wait * sums["wait_served"] * patience_seconds / answered if answered > 0 else math.inf
    occupancy = min(1.0, load * answered / servers)
    return QueueMetrics(servers, load, p_wait, service_level, asa, occupancy, p_abandon)


def _wait_probability(blocking: float, log_total: float) -> float:
    """P(all servers busy) = B S / (1 - B + B S), with S = sum of queue weights (given as log)."""
    if blocking <= 0.0:
        return 0.0
    if blocking >= 1.0:
        return 1.0
    # 1 / (1 + (1 - B) / (B S)), evaluated in logs because S can exceed the float range.
    log_odds = math.log1p(-blocking) - math.log(blocking) - log_total
    if log_odds > 700:
        return 0.0
    return 1.0 / (1.0 + math.exp(log_odds))


def _queue_sums(r: float, x: float, terms: int, within_fraction: float) -> dict[str, float]:
    """Weighted averages over the queue length k met by a waiting arrival.

    Returns log of sum(w_k) and, as shares of that sum: the probability of being served, of being
    served within the target, and the mean wait of served contacts in units of the mean patience.
    """
    k = np.arange(terms + 1, dtype=float)
    log_steps = math.log(x) - np.log(r + k[1:])
    log_w = np.concatenate(([0.0], np.cumsum(log_steps)))
    peak = float(log_w.max())
    weights = np.exp(log_w - peak)
    total = float(weights.sum())
    served_share = r / (r + k + 1.0)  # E[exp(-theta V)] for Beta(r, k + 1)
    within = special.betainc(k + 1.0, r + 1.0, within_fraction)
    harmonic = np.cumsum(1.0 / (r + k + 1.0))  # psi(r + k + 2) - psi(r + 1)
    return {
        "log_total": peak + math.log(total),
        "served": float(np.dot(weights, served_share)) / total,
        "served_within": float(np.dot(weights, served_share * within)) / total,
        "wait_served": float(np.dot(weights, served_share * harmonic)) / total,
    }
