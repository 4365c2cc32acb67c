"""Erlang B/C formulas and the single-interval staffing search."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from frontline.workforce.erlang import (
    ServiceTarget,
    agents_for_service_level,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
    queue_metrics,
    scheduled_staff,
)
from frontline.workforce.erlang_batch import erlang_c_batch


def _exact_erlang_c(servers: int, load: Fraction) -> Fraction:
    """Textbook Erlang C with exact rational arithmetic (independent of the recursion)."""
    term = load**servers / math.factorial(servers) * Fraction(servers) / (servers - load)
    below = sum(load**k / math.factorial(k) for k in range(servers))
    return term / (below + term)


def _exact_erlang_b(servers: int, load: Fraction) -> Fraction:
    top = load**servers / math.factorial(servers)
    return top / sum(load**k / math.factorial(k) for k in range(servers + 1))


def test_call_centre_helper_worked_example() -> None:
    """Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example"
    (https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm).

    Inputs quoted there: "Number of calls: 100; Period: 30 minutes; Average Handling Time:
    180 seconds (3 minutes); Required Service Level: 80%; Target Answer Time: 20 seconds;
    Maximum Occupancy: 85%; Shrinkage: 30%", giving "Traffic Intensity ... 10 Erlangs".
    Published results for N = 14: "P[w] = 0.1741", "Service Level = 88.8%", "ASA = 7.8 seconds",
    "% of calls answered immediately = 82.6%", "Occupancy = (10 / 14) x 100 = 71.4%" and
    "Number of Agents Required = 14 / 0.7 = 20". Tolerances match the published rounding.
    """
    target = ServiceTarget(service_level=0.8, answer_seconds=20, max_occupancy=0.85)
    answer = agents_for_service_level(100, 180, target, interval_seconds=1800, shrinkage=0.3)
    metrics = answer.metrics
    assert metrics.load_erlangs == pytest.approx(10.0)
    assert answer.agents == 14
    assert answer.scheduled == 20
    assert metrics.p_wait == pytest.approx(0.1741, abs=0.00005)
    assert metrics.service_level == pytest.approx(0.888, abs=0.0005)
    assert metrics.asa_seconds == pytest.approx(7.8, abs=0.05)
    assert 1 - metrics.p_wait == pytest.approx(0.826, abs=0.0005)
    assert metrics.occupancy == pytest.approx(0.714, abs=0.0005)


def test_erlang_r_package_vignette_example() -> None:
    """P. Hubers, "Erlang: Queuing and Staffing Functions for Contact Centers" (R package
    vignette, github.com/phubers/erlang): "a workload of 200 calls per half hour and an average
    handling time of 3 minutes, means we'll have 20 calls in progress on average", and for a
    Service Level of "80% within 60 second": "if we have a workload of 20 Erlang and we need
    23 agents to hit our service level target, we get an occupancy of 20/23 or 87%"."""
    assert offered_load(200, 180, 1800) == pytest.approx(20.0)
    answer = agents_for_service_level(200, 180, ServiceTarget(0.8, 60), interval_seconds=1800)
    assert answer.agents == 23
    assert answer.metrics.occupancy == pytest.approx(0.87, abs=0.005)


def test_jones_the_net_average_hour_example() -> None:
    """jonesthenet.com, "Erlang uplift": "the 'average hour' sees 250 calls. The accountant
    thinks you need 250 x 330 / 3600 = 22.9 advisors in this hour; Erlang ... thinks we need
    28 advisors to answer 80% of calls in 30 seconds"."""
    assert offered_load(250, 330, 3600) == pytest.approx(22.9, abs=0.05)
    answer = agents_for_service_level(250, 330, ServiceTarget(0.8, 30), interval_seconds=3600)
    assert answer.agents == 28


@settings(max_examples=60, deadline=None)
@given(
    servers=st.integers(min_value=1, max_value=40),
    numerator=st.integers(min_value=1, max_value=399),
)
def test_erlang_c_matches_exact_rational_formula(servers: int, numerator: int) -> None:
    load = Fraction(numerator, 400) * servers  # always below N, so the queue is stable
    expected = float(_exact_erlang_c(servers, load))
    assert erlang_c(servers, float(load)) == pytest.approx(expected, rel=1e-11)
    assert erlang_b(servers, float(load)) == pytest.approx(float(_exact_erlang_b(servers, load)), rel=1e-11)


def test_erlang_c_is_one_when_unstable_and_zero_without_traffic() -> None:
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(5, 12.0) == 1.0
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_b(0, 4.0) == 1.0
    unstable = erlang_c_metrics(10, 12.0, 300, 20)
    assert unstable.service_level == 0.0 and math.isinf(unstable.asa_seconds)


def test_large_system_is_finite_and_monotone() -> None:
    """2000 agents, 1950 Erlangs: no overflow; Erlang B agrees with the Poisson-law identity
    B = pmf(N) / cdf(N) computed independently by scipy; measures move the right way in N."""
    load = 1950.0
    expected_b = stats.poisson.pmf(2000, load) / stats.poisson.cdf(2000, load)
    assert erlang_b(2000, load) == pytest.approx(expected_b, rel=1e-9)
    previous = erlang_c_metrics(1951, load, 300, 20)
    for servers in range(1952, 2101, 7):
        metrics = erlang_c_metrics(servers, load, 300, 20)
        for value in (metrics.p_wait, metrics.service_level, metrics.occupancy):
            assert math.isfinite(value) and 0.0 <= value <= 1.0
        assert metrics.p_wait < previous.p_wait
        assert metrics.service_level > previous.service_level
        assert metrics.asa_seconds < previous.asa_seconds
        previous = metrics


def test_search_returns_the_smallest_agent_count() -> None:
    target = ServiceTarget(0.9, 15)
    answer = agents_for_service_level(333, 240, target)
    assert target.is_met_by(answer.metrics)
    fewer = queue_metrics(answer.agents - 1, 333, 240, answer_seconds=15)
    assert not target.is_met_by(fewer)


def test_asa_target_and_occupancy_cap() -> None:
    # Same example as Call Centre Helper: 13 agents give ASA 17.1 s, 14 give 7.8 s.
    answer = agents_for_service_level(100, 180, ServiceTarget(service_level=None, max_asa_seconds=10))
    assert answer.agents == 14
    # SL 50% is met by 12 agents, but occupancy <= 70% needs ceil(10 / 0.7) = 15.
    capped = agents_for_service_level(100, 180, ServiceTarget(0.5, 20, max_occupancy=0.7))
    assert capped.agents == 15
    assert capped.metrics.occupancy == pytest.approx(10 / 15)


def test_chat_concurrency_uses_agents_times_slots() -> None:
    """3 chats per agent: 100 chats of 10 minutes per 30 minutes are 33.3 Erlangs of chat slots;
    the answer is the first whole agent count whose 3N slots meet the target."""
    target = ServiceTarget(0.8, 30)
    answer = agents_for_service_level(100, 600, target, concurrency=3)
    assert answer.metrics.servers == answer.agents * 3
    assert target.is_met_by(erlang_c_metrics(answer.agents * 3, 100 * 600 / 1800, 600, 30))
    assert not target.is_met_by(erlang_c_metrics((answer.agents - 1) * 3, 100 * 600 / 1800, 600, 30))


def test_zero_volume_needs_no_agents() -> None:
    answer = agents_for_service_level(0, 300, shrinkage=0.4)
    assert (answer.agents, answer.scheduled) == (0, 0)
    assert answer.metrics.service_level == 1.0


def test_shrinkage_rounding() -> None:
    assert scheduled_staff(14, 0.3) == 20
    assert scheduled_staff(15, 0.3) == 22  # 21.43 rounds up
    assert scheduled_staff(7, 0.0) == 7


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: agents_for_service_level(-1, 300), "volume"),
        (lambda: agents_for_service_level(10, 0), "aht_seconds"),
        (lambda: agents_for_service_level(10, 300, shrinkage=1.0), "shrinkage"),
        (lambda: agents_for_service_level(10, 300, concurrency=0), "concurrency"),
        (lambda: agents_for_service_level(10, 300, interval_seconds=-5), "interval_seconds"),
        (lambda: agents_for_service_level(10, 300, patience_seconds=0), "patience_seconds"),
        (lambda: ServiceTarget(service_level=1.0), "service_level"),
        (lambda: ServiceTarget(service_level=None), "at least one"),
        (lambda: ServiceTarget(max_occupancy=1.5), "max_occupancy"),
        (lambda: erlang_b(-1, 2.0), "servers"),
        (lambda: erlang_c(3, float("nan")), "load"),
    ],
)
def test_nonsense_input_is_rejected(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=40, deadline=None)
@given(
    volumes=st.lists(st.floats(min_value=0, max_value=400), min_size=1, max_size=12),
    concurrency=st.integers(min_value=1, max_value=3),
    service_level=st.floats(min_value=0.5, max_value=0.95),
)
def test_batch_search_agrees_with_scalar_search(volumes: list[float], concurrency: int, service_level: float) -> None:
    aht = 240.0
    target = ServiceTarget(service_level, 20, max_occupancy=0.9)
    count = len(volumes)
    batch = erlang_c_batch(
        np.array(volumes) * aht / 1800,
        np.full(count, aht),
        np.full(count, 20.0),
        np.full(count, service_level),
        np.full(count, np.inf),
        np.full(count, 0.9),
        np.full(count, concurrency, dtype=np.int64),
    )
    for position, volume in enumerate(volumes):
        scalar = agents_for_service_level(volume, aht, target, concurrency=concurrency)
        assert batch.servers[position] == scalar.metrics.servers
        assert batch.service_level[position] == pytest.approx(scalar.metrics.service_level, abs=1e-9)
