"""Every human-readable sentence of the scheduling package, in one place.

Keys are stable identifiers; the English templates use `str.format` fields so
a translation table with the same keys can replace `MESSAGES` later.
"""

from __future__ import annotations

from frontline.workforce.schedule.model import RuleFamily

MESSAGES: dict[str, str] = {
    # checker
    "unknown_agent": "Row {row}: unknown agent {agent}.",
    "unknown_shift": "Row {row}: {agent} has unknown shift {shift!r}.",
    "outside_horizon": "Row {row}: {agent} works on {day}, outside the planning horizon.",
    "overlap": "{agent} works overlapping shifts: {first} and {second}.",
    "two_shifts": "{agent} has {count} shifts on {day}; at most one shift per day is allowed.",
    "unavailable": "{agent} is unavailable on {day} but is scheduled for shift {shift}.",
    "short_rest": "{agent} rests only {rest} between {first} and {second}; the minimum is {minimum}.",
    "two_nights": "{agent} works night shifts on two days in a row: {first} and {second}.",
    "week_over": "{agent} works {hours:g} h in the week from {week}; the contract maximum is {limit:g} h.",
    "week_under": "{agent} works {hours:g} h in the week from {week}; the contract minimum is {limit:g} h.",
    "too_many_days": "{agent} works {count} days in a row ({first} to {last}); the maximum is {limit}.",
    "no_weekend_off": "{agent} has no full weekend off in the {count} weekends from {first} to {last}.",
    "spread": "{what} are shared unevenly: {high_agent} has {high}, {low_agent} has {low} "
    "(spread {spread}, allowed {limit}).",
    # explanations
    "rule_name." + RuleFamily.ONE_SHIFT_PER_DAY: "at most one shift per day",
    "rule_name." + RuleFamily.UNAVAILABLE_DAY: "unavailable days",
    "rule_name." + RuleFamily.MIN_REST: "minimum rest between shifts",
    "rule_name." + RuleFamily.CONSECUTIVE_NIGHTS: "no two night shifts in a row",
    "rule_name." + RuleFamily.WEEKLY_MIN_HOURS: "weekly contract minimum hours",
    "rule_name." + RuleFamily.WEEKLY_MAX_HOURS: "weekly contract maximum hours",
    "rule_name." + RuleFamily.MAX_CONSECUTIVE_DAYS: "maximum consecutive working days",
    "rule_name." + RuleFamily.WEEKEND_OFF: "a full weekend off every few weeks",
    "rule_name." + RuleFamily.NIGHT_SPREAD: "cap on the spread of night shifts",
    "rule_name." + RuleFamily.WEEKEND_SPREAD: "cap on the spread of weekend shifts",
    "feasible_no_shortfall": "All labour rules hold and the staffing requirement is fully covered.",
    "infeasible_core": "The labour rules cannot all hold together; this set of rules conflicts: {rules}.",
    "infeasible_undetermined": "The labour rules could not be checked within the time limit.",
    "drop_makes_feasible": "Dropping the rule '{rule}' alone makes the rules consistent again.",
    "under_hours": "{agent} can work only {hours:g} h in the week from {week}; the contract minimum is {limit:g} h.",
    "shortfall_total": "The best schedule found misses {hours:g} agent-hours of the staffing requirement "
    "in {intervals} half-hour intervals.",
    "headcount": "At {when} {required} agents are required but only {available} can be counted"
    " ({group}); no schedule can cover {intervals} such intervals.",
    "no_shortfall_without_rules": "Without any labour rule the requirement could be covered; the rules below "
    "cause the shortfall.",
    "rule_binds": "The rule '{rule}' binds: without it the shortfall falls from {before:g} to {after:g} agent-hours.",
    "rule_not_binding": "No single labour rule, dropped alone, reduces the shortfall (within the time limit).",
    "all_rules_shortfall": "Even with all labour rules dropped {hours:g} agent-hours stay uncovered: "
    "there are too few agents or shift templates for the requirement.",
}


def message(key: str, **fields: object) -> str:
    """The sentence for `key` with its fields filled in."""
    return MESSAGES[key].format(**fields)


def rule_name(family: RuleFamily) -> str:
    return MESSAGES["rule_name." + family]
