"""Running rules: compiled once per configuration version, fired in position order, loop-proof.

Triggers run inside the ticket's own transaction. The changes a rule makes emit ticket events that may
fire other triggers; those events join the running chain instead of recursing, the chain makes at most
MAX_PASSES passes, and each rule fires at most once per ticket per chain. Two rules that would flip a
field back and forth forever therefore each fire once and stop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.rules import webhooks
from frontline.rules.actions import RuleContext, run_actions
from frontline.rules.conditions import Compiled, compile_conditions, parse_block
from frontline.rules.facts import TicketFacts
from frontline.rules.models import Rule, RuleKind, WebhookEndpoint
from frontline.rules.quick import QuickActions, quick
from frontline.tickets import history
from frontline.tickets.models import Ticket, TicketEvent
from frontline.tickets.rows import TicketRow

MAX_PASSES = 5
TRIGGER_EVENTS = ("created", "updated", "customer_replied", "agent_replied")
CHAINS_KEY = "rules.chains"


@dataclass(frozen=True)
class LoadedRule:
    id: int
    name: str
    kind: str
    events: frozenset[str]
    compiled: Compiled
    actions: list[dict[str, Any]]
    owner_id: int | None
    conditions: dict[str, Any]
    quick: bool = False  # every action can be carried out in plain SQL (rules/quick.py)


@dataclass(frozen=True)
class Config:
    """Active rules and webhook subscriptions as of one version of their tables."""

    triggers: tuple[LoadedRule, ...] = ()
    automations: tuple[LoadedRule, ...] = ()
    endpoints_by_event: dict[str, tuple[int, ...]] = field(default_factory=dict)

    by_event: dict[str, tuple[LoadedRule, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_event.update({e: tuple(r for r in self.triggers if e in r.events) for e in TRIGGER_EVENTS})

    def triggers_for(self, event: str) -> bool:
        return bool(self.by_event.get(event))


def load_rule(row: Rule) -> LoadedRule:
    all_of, any_of = parse_block(row.conditions)
    return LoadedRule(row.id, row.name, row.kind, frozenset(row.events or ()), compile_conditions(all_of, any_of),
                      list(row.actions or []), row.owner_id, row.conditions or {}, quick(list(row.actions or [])))


_cache: dict[str, tuple[tuple[Any, ...], Config]] = {}
_lock = threading.Lock()
VERSION_SQL = ("SELECT (SELECT count(*) FROM rule), (SELECT max(updated_at) FROM rule),"
               " (SELECT count(*) FROM webhook_endpoint), (SELECT max(updated_at) FROM webhook_endpoint)")


def config(db: Session) -> Config:
    """The active configuration; one small query per call decides whether the cached copy is current."""
    version = Raw(db).one(VERSION_SQL) or ()
    url = str(db.get_bind().engine.url)
    cached = _cache.get(url)
    if cached is not None and cached[0] == version:
        return cached[1]
    rules = [load_rule(r) for r in db.scalars(select(Rule).where(Rule.active.is_(True))
                                               .order_by(Rule.position, Rule.id))]
    by_event: dict[str, list[int]] = {}
    for endpoint in db.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))):
        for event in endpoint.events or []:
            by_event.setdefault(event, []).append(endpoint.id)
    built = Config(tuple(r for r in rules if r.kind == RuleKind.trigger),
                   tuple(r for r in rules if r.kind == RuleKind.automation),
                   {k: tuple(v) for k, v in by_event.items()})
    with _lock:
        _cache[url] = (version, built)
    return built


@dataclass
class Chain:
    """One original event on one ticket and everything it set off."""

    queue: list[str]
    cfg: Config
    fired: set[int] = field(default_factory=set)
    passes: int = 0


def running_config(db: Session, ticket_id: int) -> Config | None:
    """The configuration of the chain running on a ticket, if any: events its rules cause use the same one
    (it cannot change in the middle of the ticket's transaction) instead of asking the database again."""
    chain = db.info.get(CHAINS_KEY, {}).get(ticket_id)
    return chain.cfg if chain is not None else None


def on_event(db: Session, ticket_id: int, event: str, *, prefix: str, text: str | None = None,
             now: datetime | None = None, cfg: Config | None = None, row: TicketRow | None = None) -> list[int]:
    """Run the triggers for `event` on a ticket; returns the ids of the rules that fired, in order."""
    chains: dict[int, Chain] = db.info.setdefault(CHAINS_KEY, {})
    running = chains.get(ticket_id)
    if running is not None:  # a rule's own change: handled by the chain's next pass
        if event not in running.queue:
            running.queue.append(event)
        return []
    cfg = cfg or config(db)
    if not cfg.triggers_for(event):
        return []
    chain = chains[ticket_id] = Chain(queue=[event], cfg=cfg)
    facts = TicketFacts(db, ticket_id, now or utcnow(), text=text, row=row)
    fired: list[int] = []
    try:
        while chain.queue and chain.passes < MAX_PASSES:
            chain.passes += 1
            events, chain.queue = chain.queue, []
            for current in events:
                fired += _one_pass(db, cfg, chain, facts, current, prefix)
            facts.event_text = None  # later passes read the conversation itself
    finally:
        del chains[ticket_id]
    return fired


def _one_pass(db: Session, cfg: Config, chain: Chain, facts: TicketFacts, event: str, prefix: str) -> list[int]:
    fired = []
    for rule in cfg.by_event.get(event, ()):
        if rule.id in chain.fired or not rule.compiled.matches(facts):
            continue
        chain.fired.add(rule.id)
        if rule.quick:
            fire_quick(db, rule, facts, cause=event)
        else:
            fire(db, rule, facts.ticket_id, prefix, cause=event)
            facts.forget()
        fired.append(rule.id)
    return fired


def fire(db: Session, rule: LoadedRule, ticket_id: int, prefix: str, *, cause: str) -> None:
    """Carry out a rule's actions through the services and mark the history they wrote as the rule's."""
    ticket = db.get(Ticket, ticket_id)
    if ticket is None:
        return
    db.flush()
    last_id = _fired(Raw(db), ticket_id, rule, cause)
    endpoints = run_actions(db, ticket, rule.actions, RuleContext(rule.id, rule.name, rule.owner_id, prefix))
    db.flush()
    stamp = {"by": "rule", "rule_id": rule.id, "rule": rule.name}
    _stamp(db, ticket_id, last_id, stamp)
    for endpoint_id in endpoints:
        webhooks.enqueue_delivery(db, endpoint_id, "rule", ticket, extra={"rule": stamp})


def _fired(raw: Raw, ticket_id: int, rule: LoadedRule, cause: str) -> int:
    """The firing itself, in plain SQL; everything after it in the ticket's history is what the actions wrote."""
    [fired] = history.write(raw, [history.entry(ticket_id, "rule_fired",
                                                data={"rule_id": rule.id, "rule": rule.name, "on": cause})])
    return fired


def fire_quick(db: Session, rule: LoadedRule, facts: TicketFacts, *, cause: str) -> None:
    """`fire` for a rule whose actions all set fields or tags or notify: plain SQL on the values the facts hold,
    the same history (already stamped) and the same `updated` events (rules/quick.py)."""
    if db.dirty or db.new or db.deleted:
        db.flush()
    raw = facts.raw
    _fired(raw, facts.ticket_id, rule, cause)
    QuickActions(db, raw, facts, {"by": "rule", "rule_id": rule.id, "rule": rule.name}).run(rule.actions)


def _stamp(db: Session, ticket_id: int, last_id: int, stamp: dict[str, Any]) -> None:
    """Mark the history the rule's actions wrote (entries after `last_id`) as the rule's: data = {**data, **stamp}.

    One UPDATE in plain SQL; the session's copies of those entries are expired so they reread the stamped data.
    """
    raw = Raw(db)
    merged = ("CASE WHEN jsonb_typeof(data) = 'object' THEN data || CAST(:stamp AS jsonb)"
              " ELSE CAST(:stamp AS jsonb) END" if raw.postgres
              else "json_patch(CASE WHEN json_type(data) = 'object' THEN data ELSE '{}' END, :stamp)")
    raw.run(f"UPDATE ticket_event SET data = {merged} WHERE ticket_id = :t AND id > :last AND kind <> 'rule_fired'",
            {"t": ticket_id, "last": last_id, "stamp": raw.json(stamp)})
    for entry in list(db.identity_map.values()):
        if isinstance(entry, TicketEvent) and entry.ticket_id == ticket_id and (entry.id or 0) > last_id:
            db.expire(entry, ["data"])


def dry_run(db: Session, rule: LoadedRule, ticket_ids: list[int], now: datetime) -> list[int]:
    """The tickets (of those given) whose current state the rule's conditions match; nothing is changed."""
    return [t for t in ticket_ids if rule.compiled.matches(TicketFacts(db, t, now))]
