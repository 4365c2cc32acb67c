"""One demo ticket's life: who wrote, which line handled it, how long answers took, how it ended."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from frontline.demo import compose, content
from frontline.demo.wording import Scenario
from frontline.tickets.models import Priority

TEAM_OF_LINE = {"L1": "L1 Support", "L2": "L2 Technical", "L3": "L3 Engineering", "Billing": "Billing"}
TOPIC_WEIGHTS = (30, 20, 18, 10, 14, 8)
TOPIC_OF = {topic.category: topic for topic in content.TOPICS}
FILED_ELSEWHERE = 0.4  # how often a borderline scenario is filed under its neighbouring category
REALTIME = {"chat", "phone"}


@dataclass
class TicketPlan:
    ticket: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _delay(rng: random.Random, channel: str) -> timedelta:
    if channel in REALTIME:
        return timedelta(minutes=rng.expovariate(1 / 3) + 0.5)
    return timedelta(minutes=min(rng.lognormvariate(4.2, 0.9), 60 * 30))


def _event(
    at: datetime, kind: str, *, user: int | None = None, field_: str | None = None, old: Any = None, new: Any = None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "field": field_,
        "old_value": old,
        "new_value": new,
        "created_at": at,
        "actor_kind": "agent" if user else "system",
        "actor_user_id": user,
        "actor_contact_id": None,
        "data": None,
    }


def _final_status(rng: random.Random, age: timedelta) -> str:
    if age > timedelta(days=6):
        return "closed" if rng.random() < 0.93 else "solved"
    if age > timedelta(days=2):
        return rng.choice(["solved", "solved", "closed", "pending", "open"])
    if age > timedelta(hours=3):
        return rng.choice(["open", "pending", "solved", "open", "on_hold"])
    return rng.choice(["new", "new", "open"])


def _priority(rng: random.Random, topic: content.Topic, written: compose.FirstMessage) -> Priority:
    """The topic's usual priorities, moved by what the message says: a serious problem or "urgent" raises it,
    a minor one or "no rush" lowers it (mostly: agents do not always agree with the customer)."""
    rank = rng.choices(range(4), weights=topic.priority_weights)[0]
    if written.scenario is not None and rng.random() < 0.8:
        rank += written.scenario.severity
    if written.urgency > 0 and rng.random() < 0.9:
        rank = max(rank + 1, 2)  # "production is down": at least high
    elif written.urgency < 0 and rng.random() < 0.9:
        rank = min(rank - 1, 1)  # "no rush": at most normal
    return Priority(min(3, max(0, rank)))


def _customer_message(channel: str, contact_id: int, at: datetime, text: str) -> dict[str, Any]:
    return {"kind": "inbound", "channel": channel, "author_contact_id": contact_id, "author_user_id": None,
            "body_text": text, "created_at": at}


def _conversation(rng: random.Random, plan: TicketPlan, *, at: datetime, channel: str, status: str,
                  escalated_from: tuple[int, int, int] | None, assignee: int | None, contact_id: int,
                  lang: str, first: str, topic: content.Topic, written: compose.FirstMessage,
                  ) -> tuple[datetime, datetime | None]:
    """The replies and follow-ups after the first message; returns the last moment and the first response."""
    if status == "new":
        return at, None
    solved = status in ("solved", "closed")
    say = functools.partial(_reply, rng, lang, first, channel, category=topic.category, scenario=written.scenario)
    t = first_response = at + _delay(rng, channel)
    if escalated_from is not None:
        l1_agent, old_team, new_team = escalated_from
        plan.messages.append(say("handover", l1_agent, t))
        t += _delay(rng, "email")
        plan.events.append(_event(t, "escalated", user=l1_agent, field_="team_id", old=str(old_team),
                                  new=str(new_team)))
        plan.tags.append("escalated")
    more = rng.random() < 0.45
    plan.messages.append(say("resolution" if solved and not more else rng.choice(("first", "question")),
                             assignee, t))
    if more:
        t += _delay(rng, channel) * 2
        mood = "good" if solved and rng.random() < 0.6 else rng.choice(("info", "info", "bad"))
        plan.messages.append(_customer_message(channel, contact_id, t, compose.followup(rng, lang, mood)))
        t += _delay(rng, channel)
        plan.messages.append(say("resolution" if solved else rng.choice(("question", "first")), assignee, t))
    if rng.random() < 0.2:
        plan.messages.append({"kind": "note", "channel": channel, "author_user_id": assignee,
                              "author_contact_id": None, "body_text": compose.note(rng, lang), "created_at": t})
    return t, first_response


def plan_ticket(
    rng: random.Random,
    at: datetime,
    channel: str,
    *,
    now: datetime,
    customers: list[tuple[int, str, str, int | None]],
    team_ids: dict[str, int],
    agents: dict[str, list[int]],
    categories: dict[str, int],
) -> TicketPlan:
    topic = rng.choices(content.TOPICS, weights=TOPIC_WEIGHTS)[0]
    contact_id, name, lang, org_id = customers[int(len(customers) * rng.random() ** 2)]
    first = name.split()[0]
    written = compose.first_message(rng, topic.category, lang, first)
    if written.scenario is not None and written.scenario.also and rng.random() < FILED_ELSEWHERE:
        topic = TOPIC_OF[written.scenario.also]  # agents disagree on borderline tickets; the desk's labels too
    priority = _priority(rng, topic, written)
    status = _final_status(rng, now - at)
    first_team = "Billing" if topic.team == "Billing" else "L1 Support"
    final_team = first_team
    if topic.team in ("L2", "L3") and rng.random() < min(0.95, 0.3 + 0.6 * written.technical):
        final_team = TEAM_OF_LINE[topic.team]
    assignee = rng.choice(agents[final_team]) if status != "new" else None
    plan = TicketPlan(ticket={}, tags=list(topic.tags[:1]))
    plan.messages.append(_customer_message(channel, contact_id, at, written.body))
    plan.events.append(_event(at, "created"))
    escalated_from = None
    if final_team != first_team:
        escalated_from = (rng.choice(agents[first_team]), team_ids[first_team], team_ids[final_team])
    t, first_response = _conversation(
        rng, plan, at=at, channel=channel, status=status, escalated_from=escalated_from, assignee=assignee,
        contact_id=contact_id, lang=lang, first=first, topic=topic, written=written)
    plan.messages = [m for m in plan.messages if m["created_at"] <= now]
    solved_at = closed_at = None
    if status in ("solved", "closed"):
        solved_at = min(t + timedelta(minutes=5), now)
        plan.events.append(_event(solved_at, "changed", user=assignee, field_="status", old="open", new="solved"))
    if status == "closed":
        closed_at = min(solved_at + timedelta(days=3), now) if solved_at else now
        plan.events.append(_event(closed_at, "changed", field_="status", old="solved", new="closed"))
    if org_id is not None and rng.random() < 0.3:
        plan.tags.append("vip")
    plan.ticket = {
        "subject": written.subject,
        "status": status,
        "priority": int(priority),
        "channel": channel,
        "category_id": categories[topic.category],
        "contact_id": contact_id,
        "organisation_id": org_id,
        "team_id": team_ids[final_team],
        "line": "L1" if final_team == "L1 Support" else topic.team[:2] if topic.team != "Billing" else "L2",
        "assignee_id": assignee,
        "created_by_id": None,
        "merged_into_id": None,
        "created_at": at,
        "updated_at": max(t, closed_at or solved_at or t),
        "first_response_at": first_response if first_response and first_response <= now else None,
        "solved_at": solved_at,
        "closed_at": closed_at,
        "reopen_count": 0,
    }
    plan.tags = sorted(set(plan.tags))
    return plan


def _reply(rng: random.Random, lang: str, first: str, channel: str, kind: str, agent: int | None, at: datetime,
           *, category: str, scenario: Scenario | None) -> dict[str, Any]:
    return {
        "kind": "reply",
        "channel": channel,
        "author_user_id": agent,
        "author_contact_id": None,
        "body_text": compose.reply(rng, lang, first, kind, category=category, scenario=scenario),
        "created_at": at,
        "delivery_status": "sent",
    }
