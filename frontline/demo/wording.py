"""The shapes the demo's wording comes in: scenarios per topic and the phrases around them, one set per language
(frontline/demo/texts); compose.py puts them together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

Slot = Callable[[Random], dict[str, str]]  # draws a slot's value (and those of the slots that go with it)
Slots = dict[str, Slot]


def one_of(name: str, *values: str) -> Slot:
    return lambda rng: {name: rng.choice(values)}


def together(*names: str, values: tuple[tuple[str, ...], ...]) -> dict[str, Slot]:
    """Slots that must agree (one word in several cases, "март" / "в марте"), drawn together, by each name."""
    def draw(rng: Random) -> dict[str, str]:
        return dict(zip(names, rng.choice(values), strict=True))

    return dict.fromkeys(names, draw)


@dataclass(frozen=True)
class Scenario:
    """One kind of problem of a topic, as customers word it."""

    subjects: tuple[str, ...]
    bodies: tuple[str, ...]  # the problem in the customer's words; {slots} are filled in
    details: tuple[str, ...] = ()  # sentences a customer may add (what they tried, their set-up, codes)
    resolutions: tuple[str, ...] = ()  # what the agent says when it is solved
    severity: int = 0  # -1 minor, 0 usual, 1 serious: shifts the priority the ticket gets
    technical: float = 0.0  # 0..1: how likely the first line hands it on (topics worked by L2/L3)
    also: str = ""  # a neighbouring category agents sometimes file it under ("can't download the invoice": a bug?)


@dataclass(frozen=True)
class Language:
    scenarios: dict[str, tuple[Scenario, ...]]  # by category name
    vague: tuple[tuple[str, str], ...]  # (subject, body) that could be about anything
    greetings: tuple[str, ...]
    closings: tuple[str, ...]  # "{first}" is the customer's first name
    urgent: tuple[str, ...]  # raise the priority
    calm: tuple[str, ...]  # lower it
    annoyed: tuple[str, ...]
    context: tuple[str, ...]  # background a long message starts with
    agent_greetings: tuple[str, ...]  # before a resolution; "{first}" is the customer's first name
    replies_first: tuple[str, ...]  # agent's first answer
    replies_question: tuple[str, ...]  # agent asks for more
    replies_handover: tuple[str, ...]  # L1 hands the ticket on
    replies_closing: tuple[str, ...]  # after the resolution line
    followups_good: tuple[str, ...]
    followups_bad: tuple[str, ...]
    followups_info: tuple[str, ...]
    notes: tuple[str, ...]
    slots: Slots = field(default_factory=dict)
