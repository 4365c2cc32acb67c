"""Simulation against the queueing formulas, its bookkeeping, and the what-if helpers."""

from __future__ import annotations

import math

import pytest

from frontline.workforce.erlang import erlang_c_metrics
from frontline.workforce.erlang_a import erlang_a_metrics
from frontline.workforce.simulate import SimulationSetup, estimate, simulate
from frontline.workforce.simulate_whatif import (
    remove_agents,
    scale_handle_time,
    scale_volume,
    what_if_agent_sick,
    what_if_handle_time,
    what_if_volume,
)


def test_agrees_with_erlang_c_under_its_assumptions() -> None:
    """Stationary Poisson arrivals (100 per half hour), exponential handle times (180 s), no
    abandonment, 13 agents all day: Erlang C's SL (79.6%), ASA (17.1 s) and occupancy (76.9%)
    must fall inside the simulation's 95% confidence intervals. 8 hours x 20 replications, the
    first hour left out as warm-up, fixed seed."""
    report = simulate(SimulationSetup([100] * 16, [13] * 16, 180.0), replications=20, seed=7, warmup_intervals=2)
    analytic = erlang_c_metrics(13, 10.0, 180, 20)
    overall = report.overall
    assert overall.service_level.contains(analytic.service_level)
    assert overall.asa_seconds.contains(analytic.asa_seconds)
    assert overall.occupancy.contains(analytic.occupancy)
    assert overall.offered.contains(1400)
    assert overall.abandoned.mean == 0
    assert overall.service_level.half_width < 0.05  # the check is not vacuous


def test_agrees_with_erlang_a_when_customers_abandon() -> None:
    report = simulate(
        SimulationSetup([100] * 14, [11] * 14, 180.0, patience_seconds=120),
        replications=20,
        seed=11,
        warmup_intervals=2,
    )
    analytic = erlang_a_metrics(11, 10.0, 180, 120, 20)
    overall = report.overall
    assert overall.service_level.contains(analytic.service_level)
    assert overall.abandon_rate.contains(analytic.p_abandon)
    assert overall.asa_seconds.contains(analytic.asa_seconds)
    assert overall.abandon_rate.half_width < 0.02


def test_same_seed_same_result_other_seed_other_result() -> None:
    setup = SimulationSetup([40, 60, 30], [5, 6, 4], 200.0, patience_seconds=90)
    first = simulate(setup, replications=3, seed=5)
    again = simulate(setup, replications=3, seed=5)
    other = simulate(setup, replications=3, seed=6)
    assert first == again
    assert first.overall_samples != other.overall_samples


def test_queue_carries_over_when_nobody_is_staffed() -> None:
    """Nobody on duty in the first half hour: every contact of that interval waits for the
    next one (mean wait at least ~15 minutes) and is answered there; nothing is lost."""
    report = simulate(SimulationSetup([10, 0], [0, 5], 120.0), replications=4, seed=1)
    first = report.intervals[0]
    assert first.answered.mean == first.offered.mean > 0
    assert first.asa_seconds.mean > 800
    assert math.isnan(first.occupancy.mean)  # no staffed time to divide by
    assert report.intervals[1].offered.mean == 0


def test_everyone_abandons_when_no_agent_ever_comes() -> None:
    report = simulate(SimulationSetup([20, 20], [0, 0], 120.0, patience_seconds=60), replications=3, seed=2)
    assert report.overall.abandoned.mean == report.overall.offered.mean > 0
    assert report.overall.service_level.mean == 0
    assert math.isnan(report.overall.asa_seconds.mean)


def test_lognormal_handle_times_keep_their_mean() -> None:
    """With far more agents than work nobody queues, so occupancy estimates A / N = 10 / 30."""
    setup = SimulationSetup([100] * 8, [30] * 8, 180.0, handle_time="lognormal", handle_time_cv=0.5)
    report = simulate(setup, replications=10, seed=3, warmup_intervals=1)
    assert report.overall.occupancy.contains(1 / 3)
    assert report.overall.service_level.mean > 0.999


def test_estimate_uses_the_t_distribution() -> None:
    """Samples 1..5: mean 3, sd 1.5811, t(0.975, 4) = 2.7764 -> half width 1.9632."""
    result = estimate([1, 2, 3, 4, 5])
    assert result.mean == 3
    assert result.half_width == pytest.approx(2.7764451 * math.sqrt(2.5) / math.sqrt(5))
    assert math.isnan(estimate([4.0]).half_width)


def test_scenario_builders() -> None:
    setup = SimulationSetup([10.0] * 96, [3] * 96, [100.0] * 96)
    assert scale_volume(setup, 1.2).arrivals == (12.0,) * 96
    assert scale_handle_time(setup, 1.5).aht_seconds == (150.0,) * 96
    sick = remove_agents(setup, day=1)
    assert sick.agents[:48] == (3,) * 48 and sick.agents[48:] == (2,) * 48
    assert remove_agents(setup, day=0, agents=5).agents[0] == 0
    with pytest.raises(ValueError, match="day"):
        remove_agents(setup, day=2)
    with pytest.raises(ValueError, match="factor"):
        scale_volume(setup, -1)


def test_what_ifs_move_the_right_way() -> None:
    setup = SimulationSetup([60] * 6, [8] * 6, 200.0)  # 6.7 Erlangs on 8 agents
    options = {"replications": 12, "seed": 4}
    busier = what_if_volume(setup, 1.2, **options)
    assert busier.difference["service_level"].high < 0
    assert busier.difference["offered"].mean > 0
    slower = what_if_handle_time(setup, 1.1, **options)
    assert slower.difference["occupancy"].low > 0
    sick = what_if_agent_sick(setup, day=0, **options)
    assert sick.difference["asa_seconds"].low > 0
    assert sick.name == "one agent sick on day 0"
    assert sick.base.service_level.mean > sick.scenario.service_level.mean


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrivals": [1.0], "agents": [1, 2], "aht_seconds": 60.0}, "same"),
        ({"arrivals": [-1.0], "agents": [1], "aht_seconds": 60.0}, "arrivals"),
        ({"arrivals": [1.0], "agents": [1.5], "aht_seconds": 60.0}, "agents"),
        ({"arrivals": [1.0], "agents": [1], "aht_seconds": 0.0}, "aht_seconds"),
        ({"arrivals": [1.0], "agents": [1], "aht_seconds": 60.0, "handle_time": "gamma"}, "handle_time"),
        ({"arrivals": [1.0], "agents": [1], "aht_seconds": 60.0, "patience_seconds": 0}, "patience"),
    ],
)
def test_invalid_setup(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulationSetup(**kwargs)


def test_invalid_run_options() -> None:
    setup = SimulationSetup([1.0, 1.0], [1, 1], 60.0)
    with pytest.raises(ValueError, match="replications"):
        simulate(setup, replications=0)
    with pytest.raises(ValueError, match="warmup"):
        simulate(setup, warmup_intervals=2)
