"""Erlang A (M/M/N+M) against Erlang C and against a direct numerical Markov-chain solution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg

from frontline.workforce.erlang import ServiceTarget, agents_for_service_level, erlang_c_metrics
from frontline.workforce.erlang_a import erlang_a_metrics
from frontline.workforce.erlang_core import QueueMetrics


def _direct_erlang_a(
    servers: int, load: float, aht: float, patience: float, answer: float, queue_cap: int = 400
) -> dict[str, float]:
    """Solve the truncated birth-death chain numerically, then follow a tagged arrival through
    an absorbing chain (states = customers ahead) with a matrix exponential. Shares no code or
    closed form with the module under test."""
    mu, theta, lam = 1 / aht, 1 / patience, load / aht
    size = servers + queue_cap + 1
    weights = np.ones(size)
    for n in range(1, size):
        death = min(n, servers) * mu + max(0, n - servers) * theta
        weights[n] = weights[n - 1] * lam / death
    pi = weights / weights.sum()
    p_wait = float(pi[servers:].sum())
    p_abandon = float(theta * np.dot(np.arange(size - servers), pi[servers:]) / lam)
    # Tagged customer finding k queued: transient states i = number ahead (0..queue_cap).
    q = np.zeros((queue_cap + 1, queue_cap + 1))
    served_rate = np.zeros(queue_cap + 1)
    for i in range(queue_cap + 1):
        q[i, i] = -(servers * mu + i * theta + theta)
        if i > 0:
            q[i, i - 1] = servers * mu + i * theta
    served_rate[0] = servers * mu
    # P(served by t | start i) = integral_0^t e^{Qs} ds r; computed with an augmented exponential.
    augmented = np.zeros((queue_cap + 2, queue_cap + 2))
    augmented[:-1, :-1] = q
    augmented[:-1, -1] = served_rate
    served_by_t = linalg.expm(augmented * answer)[:-1, -1]
    expected_time = linalg.solve(-q, np.eye(queue_cap + 1))
    served_eventually = linalg.solve(-q, served_rate)
    wait_and_served = expected_time @ served_eventually
    arrivals = pi[servers : servers + queue_cap + 1]
    served_within = float(np.dot(arrivals, served_by_t))
    answered = 1 - p_abandon
    return {
        "p_wait": p_wait,
        "p_abandon": p_abandon,
        "service_level": (1 - p_wait) + served_within,
        "asa_seconds": float(np.dot(arrivals, wait_and_served)) / answered,
    }


@pytest.mark.parametrize(
    ("servers", "load", "aht", "patience", "answer"),
    [(3, 2.5, 100.0, 50.0, 20.0), (5, 6.0, 240.0, 90.0, 30.0), (8, 6.5, 180.0, 300.0, 15.0)],
)
def test_matches_direct_markov_chain(servers: int, load: float, aht: float, patience: float, answer: float) -> None:
    expected = _direct_erlang_a(servers, load, aht, patience, answer)
    got = erlang_a_metrics(servers, load, aht, patience, answer)
    assert got.p_wait == pytest.approx(expected["p_wait"], rel=1e-8)
    assert got.p_abandon == pytest.approx(expected["p_abandon"], rel=1e-8)
    assert got.service_level == pytest.approx(expected["service_level"], rel=1e-8)
    assert got.asa_seconds == pytest.approx(expected["asa_seconds"], rel=1e-7)


def test_reduces_to_erlang_c_as_patience_grows() -> None:
    """Call Centre Helper example (A = 10 Erlangs, 14 agents, AHT 180 s, 80/20): the gap to
    Erlang C shrinks steadily as mean patience grows and vanishes in the limit."""
    erlang_c = erlang_c_metrics(14, 10.0, 180, 20)
    gaps = []
    for patience in (600.0, 6_000.0, 60_000.0, 1_800_000.0):
        erlang_a = erlang_a_metrics(14, 10.0, 180, patience, 20)
        gaps.append(abs(erlang_a.service_level - erlang_c.service_level))
    assert gaps == sorted(gaps, reverse=True)
    limit = erlang_a_metrics(14, 10.0, 180, 1_800_000.0, 20)
    assert limit.p_wait == pytest.approx(erlang_c.p_wait, rel=1e-4)
    assert limit.service_level == pytest.approx(erlang_c.service_level, rel=1e-4)
    assert limit.asa_seconds == pytest.approx(erlang_c.asa_seconds, rel=1e-3)
    assert limit.p_abandon < 1e-4


def test_overloaded_queue_stays_finite_and_conserves_flow() -> None:
    """With fewer agents than Erlangs Erlang C has no steady state, Erlang A does: the carried
    load A (1 - P_ab) must equal the busy servers N x occupancy."""
    metrics = erlang_a_metrics(5, 10.0, 300, 120, 20)
    assert 0 < metrics.p_abandon < 1 and metrics.p_abandon >= 1 - 5 / 10
    assert 10.0 * (1 - metrics.p_abandon) == pytest.approx(5 * metrics.occupancy)


def test_large_system_is_stable_and_monotone() -> None:
    previous: QueueMetrics | None = None
    for servers in range(1900, 2101, 25):
        metrics = erlang_a_metrics(servers, 1950.0, 300, 120, 20)
        for value in (metrics.p_wait, metrics.p_abandon, metrics.service_level, metrics.occupancy):
            assert math.isfinite(value) and 0.0 <= value <= 1.0
        if previous is not None:
            assert metrics.p_wait < previous.p_wait
            assert metrics.p_abandon < previous.p_abandon
            assert metrics.service_level > previous.service_level
        previous = metrics


def test_staffing_with_patience_is_minimal() -> None:
    target = ServiceTarget(0.8, 20)
    answer = agents_for_service_level(100, 180, target, patience_seconds=120)
    assert target.is_met_by(answer.metrics)
    fewer = erlang_a_metrics(answer.agents - 1, 10.0, 180, 120, 20)
    assert not target.is_met_by(fewer)
    # Impatient callers leave the queue, so fewer agents reach 80/20 than Erlang C's 14.
    assert answer.agents < 14


def test_degenerate_inputs() -> None:
    empty = erlang_a_metrics(4, 0.0, 300, 60)
    assert (empty.p_wait, empty.service_level, empty.p_abandon) == (0.0, 1.0, 0.0)
    nobody = erlang_a_metrics(0, 3.0, 300, 60)
    assert nobody.p_abandon == 1.0 and nobody.service_level == 0.0
    with pytest.raises(ValueError, match="patience_seconds"):
        erlang_a_metrics(4, 3.0, 300, -1)
