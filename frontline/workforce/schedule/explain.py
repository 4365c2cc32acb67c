"""Explain in words why a problem is infeasible or leaves staffing uncovered.

Two questions, answered by re-solving variants of the model within one time
budget:

* Do the hard rules contradict each other? An assumption core over one literal
  per rule family (CP-SAT, presolve off because cores can be wrong with it),
  then shrunk by deletion until every family in it is needed; and which single
  family, when dropped, makes the rules consistent.
* Why is there shortfall? A headcount bound per interval, a solve with no
  labour rule at all, and one solve per rule family with that family dropped
  (warm-started from the baseline schedule): a family "binds" when dropping it
  reduces the shortfall.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.workforce.schedule.cpmodel import BuiltModel, active_families, build_model
from frontline.workforce.schedule.cpobjective import requirement_groups
from frontline.workforce.schedule.messages import message, rule_name
from frontline.workforce.schedule.model import INTERVAL_MINUTES, RuleFamily, Schedule, ScheduleProblem
from frontline.workforce.schedule.solver import SolveResult, SolveStatus, result_from_run, run_model, solve

HOURS_PER_INTERVAL = INTERVAL_MINUTES / 60


@dataclass(frozen=True)
class RelaxationOutcome:
    """What happened when one rule family was dropped."""

    dropped: RuleFamily
    status: SolveStatus
    shortfall_hours: float | None


@dataclass(frozen=True)
class Explanation:
    hard_feasible: bool | None
    conflicting_rules: tuple[RuleFamily, ...]
    freeing_rules: tuple[RuleFamily, ...]
    binding_rules: tuple[RuleFamily, ...]
    shortfall_hours: float
    unconstrained_shortfall_hours: float | None
    relaxations: tuple[RelaxationOutcome, ...]
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)


class _Budget:
    """Splits the remaining time evenly over the solves still to come."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.perf_counter() + seconds

    def share(self, solves_left: int) -> float:
        return max(0.05, (self.deadline - time.perf_counter()) / max(1, solves_left))


def _feasibility_status(problem: ScheduleProblem, families: frozenset[RuleFamily], seconds: float) -> SolveStatus:
    built = build_model(problem, families)
    built.model.clear_objective()
    return run_model(built, time_limit_s=seconds, num_workers=1).status


def _assumption_core(problem: ScheduleProblem, seconds: float) -> tuple[SolveStatus, frozenset[RuleFamily]]:
    built = build_model(problem, use_literals=True)
    built.model.clear_objective()
    by_index = {literal.index: family for family, literal in built.literals.items()}
    built.model.add_assumptions(list(built.literals.values()))
    run = run_model(built, time_limit_s=seconds, num_workers=1, presolve=False)
    if run.status != SolveStatus.INFEASIBLE:
        return run.status, frozenset()
    core = {by_index[index] for index in run.solver.sufficient_assumptions_for_infeasibility() if index in by_index}
    return run.status, frozenset(core)


def _minimal_conflict(problem: ScheduleProblem, budget: _Budget) -> tuple[bool | None, frozenset[RuleFamily]]:
    """(hard rules feasible?, a minimal set of rule families that conflict)."""
    active = active_families(problem)
    status, core = _assumption_core(problem, budget.share(len(active) + 4))
    if status != SolveStatus.INFEASIBLE:
        return (None if status == SolveStatus.UNKNOWN else True), frozenset()
    if not core or _feasibility_status(problem, core, budget.share(len(active) + 3)) != SolveStatus.INFEASIBLE:
        core = active
    for family in sorted(core):
        smaller = core - {family}
        if _feasibility_status(problem, smaller, budget.share(len(core) + 2)) == SolveStatus.INFEASIBLE:
            core = smaller
    return False, core


def _freeing_rules(problem: ScheduleProblem, core: frozenset[RuleFamily], budget: _Budget) -> list[RuleFamily]:
    active = active_families(problem)
    freeing = []
    for left, family in enumerate(sorted(core)):
        status = _feasibility_status(problem, active - {family}, budget.share(len(core) - left + 2))
        if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            freeing.append(family)
    return freeing


def _hint(built: BuiltModel, schedule: Schedule) -> BuiltModel:
    problem = built.problem
    agent_index = {agent.id: a for a, agent in enumerate(problem.agents)}
    template_index = {template.name: t for t, template in enumerate(problem.templates)}
    chosen = {
        (agent_index[item.agent_id], (item.day - problem.horizon.start).days, template_index[item.shift])
        for item in schedule.assignments
    }
    for key, var in built.x.items():
        built.model.add_hint(var, key in chosen)
    return built


def _relaxed_shortfall(
    problem: ScheduleProblem, families: frozenset[RuleFamily], baseline: SolveResult, seconds: float, workers: int
) -> tuple[SolveStatus, float | None]:
    """Shortfall (agent-hours) of the best schedule under only `families`, warm-started."""
    built = _hint(build_model(problem, families, elastic_min_hours=True), baseline.schedule)
    run = run_model(built, time_limit_s=seconds, num_workers=workers)
    if not run.has_solution:
        return run.status, None
    # Counted from the schedule found, like every other shortfall figure (the model's slack variables
    # need not be tight in a solution that is not proven optimal).
    return run.status, result_from_run(run, run.status, 0.0).total_shortfall * HOURS_PER_INTERVAL


def _headcount_sentences(problem: ScheduleProblem) -> list[str]:
    """Intervals needing more agents than exist in the group and are available that day."""
    sentences = []
    origin = datetime.combine(problem.horizon.start, datetime.min.time())
    days = problem.horizon.days
    for name, members, required in requirement_groups(problem):
        impossible = []
        for interval, need in enumerate(required):
            day = days[interval * INTERVAL_MINUTES // (24 * 60)]
            available = sum(1 for a in members if day not in problem.agents[a].unavailable)
            if need > available:
                impossible.append((interval, need, available))
        if impossible:
            interval, need, available = impossible[0]
            when = origin + timedelta(minutes=INTERVAL_MINUTES * interval)
            sentences.append(
                message(
                    "headcount",
                    when=f"{when:%Y-%m-%d %H:%M}",
                    required=need,
                    available=available,
                    group=name,
                    intervals=len(impossible),
                )
            )
    return sentences


def _conflict_sentences(core: frozenset[RuleFamily], freeing: list[RuleFamily]) -> list[str]:
    sentences = [message("infeasible_core", rules=", ".join(rule_name(family) for family in sorted(core)))]
    sentences += [message("drop_makes_feasible", rule=rule_name(family)) for family in freeing]
    return sentences


def _under_hours_sentences(problem: ScheduleProblem, baseline: SolveResult) -> list[str]:
    agents = {agent.id: agent for agent in problem.agents}
    sentences = []
    for (agent_id, week), missing in sorted(baseline.under_hours.items()):
        agent = agents[agent_id]
        week_start = problem.horizon.start + timedelta(days=7 * week)
        sentences.append(
            message(
                "under_hours",
                agent=agent.name,
                hours=agent.min_weekly_hours - missing,
                week=week_start,
                limit=agent.min_weekly_hours,
            )
        )
    return sentences


def _shortfall_analysis(
    problem: ScheduleProblem, baseline: SolveResult, budget: _Budget, workers: int
) -> tuple[float | None, list[RuleFamily], list[RelaxationOutcome], list[str]]:
    before = baseline.total_shortfall * HOURS_PER_INTERVAL
    intervals = sum(1 for missing in baseline.shortfall if missing)
    sentences = [message("shortfall_total", hours=before, intervals=intervals), *_headcount_sentences(problem)]
    active = sorted(active_families(problem))
    _status, free = _relaxed_shortfall(problem, frozenset(), baseline, budget.share(len(active) + 1), workers)
    if free:
        sentences.append(message("all_rules_shortfall", hours=free))
    elif free == 0:
        sentences.append(message("no_shortfall_without_rules"))
    binding, outcomes = [], []
    for left, family in enumerate(active):
        status, after = _relaxed_shortfall(
            problem, frozenset(active) - {family}, baseline, budget.share(len(active) - left), workers
        )
        outcomes.append(RelaxationOutcome(family, status, after))
        if after is not None and after < before - 1e-9:
            binding.append(family)
            sentences.append(message("rule_binds", rule=rule_name(family), before=before, after=after))
    if not binding:
        sentences.append(message("rule_not_binding"))
    return free, binding, outcomes, sentences


def explain(
    problem: ScheduleProblem,
    *,
    time_limit_s: float = 20.0,
    num_workers: int = 2,
    baseline: SolveResult | None = None,
) -> Explanation:
    """Which rules make the problem infeasible or cause shortfall, in sentences.

    `baseline` is a result of `solve` for the same problem (solved here if not
    given, with a third of the budget). The whole call stays within about
    `time_limit_s`, plus model-building time.
    """
    problem.validate()
    budget = _Budget(time_limit_s)
    if baseline is None:
        baseline = solve(problem, time_limit_s=time_limit_s / 3, num_workers=num_workers)
    feasible, core = _minimal_conflict(problem, budget)
    freeing = _freeing_rules(problem, core, budget) if feasible is False else []
    sentences: list[str] = []
    if feasible is False:
        sentences += _conflict_sentences(core, freeing) + _under_hours_sentences(problem, baseline)
    elif feasible is None:
        sentences.append(message("infeasible_undetermined"))
    free: float | None = 0.0
    binding: list[RuleFamily] = []
    outcomes: list[RelaxationOutcome] = []
    if baseline.total_shortfall > 0:
        free, binding, outcomes, more = _shortfall_analysis(problem, baseline, budget, num_workers)
        sentences += more
    elif feasible:
        sentences.append(message("feasible_no_shortfall"))
    return Explanation(
        hard_feasible=feasible,
        conflicting_rules=tuple(sorted(core)),
        freeing_rules=tuple(freeing),
        binding_rules=tuple(binding),
        shortfall_hours=baseline.total_shortfall * HOURS_PER_INTERVAL,
        unconstrained_shortfall_hours=free,
        relaxations=tuple(outcomes),
        sentences=tuple(sentences),
    )
