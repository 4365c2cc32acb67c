"""One demo ticket's life: who wrote, which line handled it, how long answers took, how it ended."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from frontline.demo import content
from frontline.tickets.models import Priority

TEAM_OF_LINE = {"L1": "L1 Support", "L2": "L2 Technical", "L3": "L3 Engineering", "Billing": "Billing"}
TOPIC_WEIGHTS = (30, 20, 18, 10, 14, 8)
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
    subject, body = rng.choice(topic.ru if lang == "ru" else topic.en)
    priority = rng.choices(list(Priority), weights=topic.priority_weights)[0]
    status = _final_status(rng, now - at)
    first_team = "Billing" if topic.team == "Billing" else "L1 Support"
    final_team = first_team
    if topic.team in ("L2", "L3") and rng.random() < 0.7:
        final_team = TEAM_OF_LINE[topic.team]
    assignee = rng.choice(agents[final_team]) if status != "new" else None
    plan = TicketPlan(ticket={}, tags=list(topic.tags[:1]))
    plan.messages.append(
        {
            "kind": "inbound",
            "channel": channel,
            "author_contact_id": contact_id,
            "author_user_id": None,
            "body_text": body,
            "created_at": at,
        }
    )
    plan.events.append(_event(at, "created"))
    t = at
    first_response = None
    if status != "new":
        t = at + _delay(rng, channel)
        first_response = t
        if final_team != first_team:
            l1_agent = rng.choice(agents[first_team])
            plan.messages.append(_reply(rng, lang, name, l1_agent, channel, t, index=0))
            t += _delay(rng, "email")
            plan.events.append(
                _event(
                    t,
                    "escalated",
                    user=l1_agent,
                    field_="team_id",
                    old=str(team_ids[first_team]),
                    new=str(team_ids[final_team]),
                )
            )
            plan.tags.append("escalated")
        plan.messages.append(_reply(rng, lang, name, assignee, channel, t, index=1 if final_team != first_team else 0))
        if rng.random() < 0.45:
            t += _delay(rng, channel) * 2
            plan.messages.append(
                {
                    "kind": "inbound",
                    "channel": channel,
                    "author_contact_id": contact_id,
                    "author_user_id": None,
                    "created_at": t,
                    "body_text": rng.choice(content.FOLLOWUPS_RU if lang == "ru" else content.FOLLOWUPS_EN),
                }
            )
            t += _delay(rng, channel)
            plan.messages.append(_reply(rng, lang, name, assignee, channel, t, index=2))
        if rng.random() < 0.2:
            plan.messages.append(
                {
                    "kind": "note",
                    "channel": channel,
                    "author_user_id": assignee,
                    "author_contact_id": None,
                    "body_text": rng.choice(content.NOTES),
                    "created_at": t,
                }
            )
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
        "subject": subject,
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


def _reply(
    rng: random.Random, lang: str, name: str, agent: int | None, channel: str, at: datetime, *, index: int
) -> dict[str, Any]:
    replies = content.REPLIES_RU if lang == "ru" else content.REPLIES_EN
    text = replies[min(index + rng.randrange(2), len(replies) - 1)].format(name=name.split()[0])
    return {
        "kind": "reply",
        "channel": channel,
        "author_user_id": agent,
        "author_contact_id": None,
        "body_text": text,
        "created_at": at,
        "delivery_status": "sent",
    }
