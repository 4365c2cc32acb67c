"""Discrete-event simulation of one real-time queue over a day or a week (simpy).

Why simulate when Erlang exists: the formulas assume a steady state inside each interval, fixed
staffing and exponential handle times. The simulation follows contacts across interval
boundaries (a queue built at 09:55 is still there at 10:00), lets staffing change mid-queue,
takes lognormal handle times and impatient customers, and reports confidence intervals.

Model: per-interval Poisson arrivals (a non-homogeneous Poisson process with piecewise-constant
rate: a Poisson count per interval, uniform times within it); one FIFO queue; `agents[i]` staffed
during interval i (an agent leaving at a boundary finishes the contact in hand); exponential
(default) or lognormal handle times with the arrival interval's mean; optional exponential
patience. After the last interval the last staffing stays on until the queue has drained (at most
`drain_seconds`); contacts still waiting then count as offered but neither answered nor abandoned.
Each replication draws from its own stream spawned from `seed`, so results are reproducible.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field

import numpy as np
import simpy
from scipy import stats

from frontline.workforce.erlang_core import check_non_negative, check_positive

HANDLE_TIME_MODELS = ("exponential", "lognormal")


@dataclass(frozen=True)
class SimulationSetup:
    """Inputs for one queue: per-interval expected arrivals, staffed agents and mean handle time
    (one value for every interval, or one per interval)."""

    arrivals: Sequence[float]
    agents: Sequence[int]
    aht_seconds: float | Sequence[float]
    interval_seconds: float = 1800.0
    answer_seconds: float = 20.0
    handle_time: str = "exponential"
    handle_time_cv: float = 1.0
    patience_seconds: float | None = None
    drain_seconds: float = 86_400.0

    def __post_init__(self) -> None:
        aht = self.aht_seconds
        per_interval = [float(aht)] * len(self.arrivals) if isinstance(aht, int | float) else list(aht)
        object.__setattr__(self, "aht_seconds", tuple(per_interval))
        for name in ("arrivals", "agents"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.arrivals or not len(self.arrivals) == len(self.agents) == len(self.aht_per_interval):
            raise ValueError("arrivals, agents and aht_seconds need the same, non-zero length")
        for value in self.arrivals:
            check_non_negative("arrivals", value)
        if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in self.agents):
            raise ValueError("agents must be whole numbers >= 0")
        for value in self.aht_per_interval:
            check_positive("aht_seconds", value)
        check_positive("interval_seconds", self.interval_seconds)
        check_non_negative("answer_seconds", self.answer_seconds)
        if self.handle_time not in HANDLE_TIME_MODELS:
            raise ValueError(f"handle_time must be one of {HANDLE_TIME_MODELS}, got {self.handle_time!r}")
        check_positive("handle_time_cv", self.handle_time_cv)
        if self.patience_seconds is not None:
            check_positive("patience_seconds", self.patience_seconds)
        check_non_negative("drain_seconds", self.drain_seconds)

    @property
    def aht_per_interval(self) -> tuple[float, ...]:
        """Mean handle time of every interval (the constructor always stores a tuple)."""
        aht = self.aht_seconds
        return (float(aht),) * len(self.arrivals) if isinstance(aht, int | float) else tuple(aht)


@dataclass(frozen=True)
class Estimate:
    """Mean over replications with the half width of its t-distribution confidence interval
    (NaN when fewer than two replications had a value, e.g. intervals without contacts)."""

    mean: float
    half_width: float

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class QueueStats:
    """Per-interval or overall results. Service level = answered within the target / offered;
    ASA = mean wait of answered contacts; occupancy = busy agent time / staffed agent time."""

    offered: Estimate
    answered: Estimate
    abandoned: Estimate
    service_level: Estimate
    asa_seconds: Estimate
    abandon_rate: Estimate
    occupancy: Estimate


@dataclass(frozen=True)
class SimulationReport:
    replications: int
    intervals: tuple[QueueStats, ...]
    overall: QueueStats
    # Overall value of every metric in each replication, for paired what-if comparisons.
    overall_samples: dict[str, tuple[float, ...]] = field(default_factory=dict)


METRICS = ("offered", "answered", "abandoned", "service_level", "asa_seconds", "abandon_rate", "occupancy")


def simulate(
    setup: SimulationSetup,
    *,
    replications: int = 20,
    seed: int = 0,
    warmup_intervals: int = 0,
    confidence: float = 0.95,
) -> SimulationReport:
    """Run `replications` independent days/weeks and summarise them per interval and overall.

    `warmup_intervals` leading intervals are left out of the overall figures (the queue starts
    empty, which flatters the first interval).
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    if not 0 <= warmup_intervals < len(setup.arrivals):
        raise ValueError("warmup_intervals must leave at least one interval")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    streams = np.random.SeedSequence(seed).spawn(replications)
    runs = [_run_once(setup, np.random.default_rng(stream)) for stream in streams]
    counts = {name: np.array([run[name] for run in runs]) for name in runs[0]}
    per_interval = _ratios(counts, axis_sum=False)
    kept = {name: values[:, warmup_intervals:] for name, values in counts.items()}
    overall = _ratios(kept, axis_sum=True)
    intervals = tuple(
        QueueStats(*(_estimate(per_interval[m][:, i], confidence) for m in METRICS)) for i in range(len(setup.arrivals))
    )
    return SimulationReport(
        replications=replications,
        intervals=intervals,
        overall=QueueStats(*(_estimate(overall[m], confidence) for m in METRICS)),
        overall_samples={m: tuple(float(v) for v in overall[m]) for m in METRICS},
    )


def estimate(samples: Sequence[float] | np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mean and t-interval half width of the finite values in `samples`."""
    return _estimate(np.asarray(samples, dtype=float), confidence)


def _estimate(samples: np.ndarray, confidence: float) -> Estimate:
    values = samples[np.isfinite(samples)]
    if values.size == 0:
        return Estimate(math.nan, math.nan)
    mean = float(values.mean())
    if values.size < 2:
        return Estimate(mean, math.nan)
    quantile = float(stats.t.ppf(0.5 + confidence / 2, values.size - 1))
    return Estimate(mean, quantile * float(values.std(ddof=1)) / math.sqrt(values.size))


def _ratios(counts: dict[str, np.ndarray], *, axis_sum: bool) -> dict[str, np.ndarray]:
    """Turn per-replication counts into metrics, per interval or summed over intervals."""
    c = {name: values.sum(axis=1) if axis_sum else values for name, values in counts.items()}

    def share(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)

    return {
        "offered": c["offered"].astype(float),
        "answered": c["answered"].astype(float),
        "abandoned": c["abandoned"].astype(float),
        "service_level": share(c["within"], c["offered"]),
        "asa_seconds": share(c["wait_sum"], c["answered"]),
        "abandon_rate": share(c["abandoned"], c["offered"]),
        "occupancy": share(c["busy_seconds"], c["staffed_seconds"]),
    }


def _run_once(setup: SimulationSetup, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One replication: draw the contacts, play them through the desk, count per interval."""
    contacts = _draw_contacts(setup, rng)
    env = simpy.Environment()
    desk = _Desk(env, setup)
    env.process(desk.staffing())
    desk.schedule_arrivals(contacts)
    env.run(until=len(setup.arrivals) * setup.interval_seconds + setup.drain_seconds)
    return desk.counts(contacts)


@dataclass(slots=True)
class _Contact:
    arrival: float
    interval: int
    handle: float
    patience: float
    answered_at: float = -1.0
    abandoned: bool = False


def _draw_contacts(setup: SimulationSetup, rng: np.random.Generator) -> list[_Contact]:
    length = setup.interval_seconds
    counts = rng.poisson(np.asarray(setup.arrivals, dtype=float))
    interval = np.repeat(np.arange(len(counts)), counts)
    arrival = interval * length + rng.uniform(0.0, length, interval.size)
    order = np.argsort(arrival, kind="stable")
    arrival, interval = arrival[order], interval[order]
    mean = np.asarray(setup.aht_per_interval, dtype=float)[interval]
    if setup.handle_time == "lognormal":
        sigma = math.sqrt(math.log1p(setup.handle_time_cv**2))
        handle = mean * rng.lognormal(-sigma * sigma / 2, sigma, interval.size)
    else:
        handle = rng.exponential(mean)
    if setup.patience_seconds is None:
        patience = np.full(interval.size, math.inf)
    else:
        patience = rng.exponential(setup.patience_seconds, interval.size)
    rows = zip(arrival.tolist(), interval.tolist(), handle.tolist(), patience.tolist(), strict=True)
    return [_Contact(*row) for row in rows]


class _Desk:
    """The queue and its agents; simpy supplies the clock and the event list."""

    def __init__(self, env: simpy.Environment, setup: SimulationSetup) -> None:
        self.env = env
        self.setup = setup
        self.horizon = len(setup.arrivals) * setup.interval_seconds
        self.staffed = 0
        self.busy = 0
        self.waiting: deque[_Contact] = deque()
        self.busy_seconds = [0.0] * len(setup.arrivals)
        self.accounted_until = 0.0

    def staffing(self) -> Generator[simpy.Event, None, None]:
        """Set the staffed count at every interval boundary."""
        for count in self.setup.agents:
            self._account()
            self.staffed = count
            self._dispatch()
            yield self.env.timeout(self.setup.interval_seconds)

    def schedule_arrivals(self, contacts: list[_Contact]) -> None:
        """Put every arrival on the event list up front (cheaper than a generator per contact)."""
        for contact in contacts:
            self.env.timeout(contact.arrival).callbacks.append(self._arrival_callback(contact))

    def _arrival_callback(self, contact: _Contact) -> Callable[[simpy.Event], None]:
        def arrive(_event: simpy.Event) -> None:
            self.waiting.append(contact)
            self._dispatch()
            if contact.answered_at < 0 and math.isfinite(contact.patience):
                self.env.timeout(contact.patience).callbacks.append(_abandon_callback(contact))

        return arrive

    def _dispatch(self) -> None:
        while self.waiting and self.busy < self.staffed:
            contact = self.waiting.popleft()
            if contact.abandoned:
                continue
            self._account()
            self.busy += 1
            contact.answered_at = self.env.now
            self.env.timeout(contact.handle).callbacks.append(self._finish)

    def _finish(self, _event: simpy.Event) -> None:
        self._account()
        self.busy -= 1
        self._dispatch()

    def _account(self) -> None:
        """Add busy agent time since the last change to the intervals it covers (called before
        every change of the busy or staffed count, so the level was constant meanwhile)."""
        now = min(self.env.now, self.horizon)
        start = self.accounted_until
        if now <= start:
            return
        level = min(self.busy, self.staffed)
        if level:
            length = self.setup.interval_seconds
            index = int(start // length)
            boundary = (index + 1) * length
            while now > boundary:
                self.busy_seconds[index] += level * (boundary - start)
                start, index, boundary = boundary, index + 1, boundary + length
            self.busy_seconds[index] += level * (now - start)
        self.accounted_until = now

    def counts(self, contacts: list[_Contact]) -> dict[str, np.ndarray]:
        self._account()
        size = len(self.setup.arrivals)
        interval = np.array([c.interval for c in contacts], dtype=np.int64)
        answered_at = np.array([c.answered_at for c in contacts])
        arrival = np.array([c.arrival for c in contacts])
        abandoned = np.array([c.abandoned for c in contacts], dtype=bool)
        answered = answered_at >= 0
        wait = np.where(answered, answered_at - arrival, 0.0)
        within = answered & (wait <= self.setup.answer_seconds + 1e-9)

        def per_interval(weights: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(interval, weights=weights, minlength=size)[:size]

        return {
            "offered": per_interval(),
            "answered": per_interval(answered.astype(float)),
            "abandoned": per_interval(abandoned.astype(float)),
            "within": per_interval(within.astype(float)),
            "wait_sum": per_interval(wait),
            "busy_seconds": np.array(self.busy_seconds),
            "staffed_seconds": np.asarray(self.setup.agents, dtype=float) * self.setup.interval_seconds,
        }


def _abandon_callback(contact: _Contact) -> Callable[[simpy.Event], None]:
    """Patience ran out: leave unless an agent already picked the contact up."""

    def abandon(_event: simpy.Event) -> None:
        if contact.answered_at < 0:
            contact.abandoned = True

    return abandon
