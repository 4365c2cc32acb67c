"""Rule conditions: what may be asked of a ticket, checked on save and compiled once into predicates.

Pure: a predicate takes a `Facts` lookup, so the engine decides how (and whether) to load each fact.
A condition whose fact is missing (no sentiment yet, no customer message) is false, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from frontline.tickets.models import Channel, Priority, Status

EQUALITY = frozenset({"eq", "ne", "in", "not_in"})
PRESENCE = frozenset({"is_set", "not_set"})
ORDER = frozenset({"gt", "gte", "lt", "lte"})
TEXT = frozenset({"contains", "not_contains", "matches", "not_matches"})
TIME_FIELDS = frozenset({"hours_since_created", "hours_since_updated", "hours_since_status_change",
                         "hours_since_customer_message"})

FIELD_OPS: dict[str, frozenset[str]] = {
    "status": EQUALITY,
    "priority": EQUALITY | ORDER,
    "channel": EQUALITY,
    "team_id": EQUALITY | PRESENCE,
    "line": EQUALITY | PRESENCE,
    "assignee_id": EQUALITY | PRESENCE,
    "category": EQUALITY | PRESENCE,
    "tags": frozenset({"contains", "not_contains"}),
    "subject": TEXT,
    "text": TEXT,
    "sentiment_label": EQUALITY,
    "sentiment_score": ORDER,
    "business_hours": frozenset({"within", "outside"}),
    **{name: ORDER for name in TIME_FIELDS},
}

CHOICES: dict[str, frozenset[str]] = {
    "status": frozenset(Status),
    "priority": frozenset(Priority.__members__),
    "channel": frozenset(Channel),
    "line": frozenset({"L1", "L2", "L3"}),
    "sentiment_label": frozenset({"negative", "neutral", "positive"}),
}


# Asked of Facts as "<field>|casefold": the text field casefolded ("" when missing), so a ticket's text is folded
# once however many rules look into it.
FOLDED = "|casefold"


class Facts(Protocol):
    def __call__(self, field: str, calendar_id: int | None) -> Any: ...


Predicate = Callable[[Facts], bool]


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    calendar_id: int | None = None


class ConditionError(ValueError):
    """A condition that cannot be used; the message says what is wrong and what is allowed."""


def parse(raw: dict[str, Any], where: str) -> Condition:
    unknown_keys = set(raw) - {"field", "op", "value", "calendar_id"}
    if unknown_keys:
        raise ConditionError(f"{where}: unknown key '{sorted(unknown_keys)[0]}' (use field, op, value, calendar_id).")
    field, op = raw.get("field"), raw.get("op")
    if field not in FIELD_OPS:
        raise ConditionError(f"{where}: unknown field '{field}'. Fields: {', '.join(sorted(FIELD_OPS))}.")
    if op not in FIELD_OPS[field]:
        raise ConditionError(f"{where}: unknown op '{op}' for field '{field}'. Ops: "
                             f"{', '.join(sorted(FIELD_OPS[field]))}.")
    condition = Condition(str(field), str(op), raw.get("value"), raw.get("calendar_id"))
    _check_value(condition, where)
    return condition


def _check_value(c: Condition, where: str) -> None:
    if c.calendar_id is not None and (c.field not in TIME_FIELDS or not isinstance(c.calendar_id, int)):
        raise ConditionError(f"{where}: 'calendar_id' (an integer) applies only to the hours_since_* fields.")
    if c.op in PRESENCE:
        return
    if c.op in ORDER and c.field != "priority":
        if isinstance(c.value, bool) or not isinstance(c.value, int | float):
            raise ConditionError(f"{where}: '{c.field} {c.op}' needs a number.")
    elif c.field == "business_hours":
        if isinstance(c.value, bool) or not isinstance(c.value, int):
            raise ConditionError(f"{where}: 'business_hours' needs the id of an SLA calendar as its value.")
    elif c.op in ("matches", "not_matches"):
        try:
            re.compile(str(c.value))
        except re.error as exc:
            raise ConditionError(f"{where}: the pattern {c.value!r} is not a valid regular expression: {exc}.") from exc
    elif c.op in ("in", "not_in"):
        if not isinstance(c.value, list) or not c.value:
            raise ConditionError(f"{where}: '{c.op}' needs a non-empty list of values.")
    elif c.value is None or (isinstance(c.value, dict | list) and c.op not in ("contains", "not_contains")):
        raise ConditionError(f"{where}: '{c.field} {c.op}' needs a value.")
    choices = CHOICES.get(c.field)
    if choices is not None:
        bad = [v for v in _as_list(c.value) if v not in choices]
        if bad:
            raise ConditionError(f"{where}: '{bad[0]}' is not a valid {c.field}. Choose from: "
                                 f"{', '.join(sorted(choices))}.")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _normalise(field: str, value: Any) -> Any:
    """Priorities compare by rank, text case-insensitively."""
    if field == "priority":
        return [Priority[v] for v in value] if isinstance(value, list) else Priority[value]
    if field == "category" and isinstance(value, str):
        return value.casefold()
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in PRESENCE:
        return (left is not None) == (op == "is_set")
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if op == "in":
        return left in right
    if op == "not_in":
        return left not in right
    if left is None:
        return False
    return bool({"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op])


def compile_one(c: Condition) -> Predicate:
    """One condition as a closure over its prepared value (regex compiled, names ranked)."""
    if c.field == "tags":
        wanted = {str(v).casefold() for v in _as_list(c.value)}
        negate = c.op == "not_contains"
        return lambda facts: bool(wanted & facts("tags", None)) != negate
    if c.op in TEXT:
        negate = c.op.startswith("not_")
        if c.op.endswith("matches"):
            pattern = re.compile(str(c.value), re.IGNORECASE)
            return lambda facts: (pattern.search(facts(c.field, None) or "") is not None) != negate
        needle, folded = str(c.value).casefold(), c.field + FOLDED
        return lambda facts: (needle in facts(folded, None)) != negate
    if c.field == "business_hours":
        inside = c.op == "within"
        return lambda facts: facts("business_hours", c.value) is inside
    right = _normalise(c.field, c.value)
    field, op, calendar_id = c.field, c.op, c.calendar_id
    if field == "category":
        right = [v.casefold() for v in right] if isinstance(right, list) else right
    return lambda facts: _compare(op, facts(field, calendar_id), right)


@dataclass(frozen=True)
class Compiled:
    all_of: tuple[Predicate, ...]
    any_of: tuple[Predicate, ...]
    fields: frozenset[str]

    def matches(self, facts: Facts) -> bool:
        for predicate in self.all_of:  # plain loops: this runs for every rule on every ticket event
            if not predicate(facts):
                return False
        return not self.any_of or any(predicate(facts) for predicate in self.any_of)


def parse_block(raw: Any) -> tuple[list[Condition], list[Condition]]:
    """Parse {"all": [...], "any": [...]}; raises ConditionError with a pointer to the bad item."""
    if raw is None:
        return [], []
    if not isinstance(raw, dict) or set(raw) - {"all", "any"}:
        raise ConditionError("conditions: give an object with 'all' and/or 'any' lists.")
    blocks = []
    for key in ("all", "any"):
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ConditionError(f"conditions.{key}: give a list of {{field, op, value}} objects.")
        blocks.append([parse(item, f"conditions.{key}[{n}]") for n, item in enumerate(items)])
    return blocks[0], blocks[1]


def compile_conditions(all_of: Iterable[Condition], any_of: Iterable[Condition]) -> Compiled:
    all_list, any_list = list(all_of), list(any_of)
    return Compiled(tuple(compile_one(c) for c in all_list), tuple(compile_one(c) for c in any_list),
                    frozenset(c.field for c in all_list + any_list))
