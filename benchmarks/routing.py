"""Classification + routing + SLA + 100 active rules on new tickets: cost per ticket beyond the plain insert.

Run by hand: `.venv/bin/python benchmarks/routing.py [--tickets 100000] [--batch 100] [--db sqlite,postgresql]`.
Target (issue 5): p99 at most 2 ms per ticket beyond the plain insert.

Two fresh databases per kind, the same ticket stream into each, through `create_ticket` (the service
layer) in transactions of `--batch` tickets; each call is timed on its own (commits are timed apart):
- plain: no listeners at all (no model, no SLA policy, no rules);
- rules: only the 100 rules (what frontline/rules adds on its own);
- full: the routing listener with a trained classifier (char n-grams) and a least-loaded team, an SLA
  policy on a business-hours calendar, and 100 active triggers on `created` (a few of them match).
Between transactions (untimed) the agents solve the tickets assigned to them, as a desk's agents work off
their queues: without that, least-loaded assignment would count ever more open tickets per agent (all 100,000
at the end), which no real desk has (capacity limits keep agents at tens of open tickets).
Printed: p50/p95/p99/mean of each run and of the difference (full minus plain, percentile by percentile),
in wall time and in this process's CPU time per call (time.process_time: what the work costs, apart from
waiting for a busy shared machine), plus the PostgreSQL backend's CPU per ticket (from /proc).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import database
from sqlalchemy import text

from frontline.accounts.schemas import TeamCreate, UserCreate
from frontline.accounts.service import create_team, create_user
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.routing import listeners as routing_listeners
from frontline.routing.classifier import Example, train
from frontline.routing.models import Strategy
from frontline.routing.service import set_team_routing
from frontline.routing.training import model_path
from frontline.rules import listeners as rules_listeners
from frontline.rules.models import Rule
from frontline.sla import listeners as sla_listeners
from frontline.sla.models import Calendar, Policy
from frontline.tickets import hooks
from frontline.tickets.create import create_ticket
from frontline.tickets.schemas import TicketCreate

TOPICS = [("Cannot log in", "login", "First line"), ("Refund for my invoice", "billing", "Billing"),
          ("App crashes on start", "bug", "Second line"), ("Не приходит письмо", "login", "First line"),
          ("Верните деньги за заказ", "billing", "Billing"), ("Ошибка при загрузке", "bug", "Second line")]
MOODS = ["Please help.", "This is terrible, nothing works again!", "Thanks in advance", "Безобразие, опять!"]


def stream(count: int, seed: int = 11) -> list[TicketCreate]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        subject, _, _ = rng.choice(TOPICS)
        out.append(TicketCreate.model_validate({
            "subject": f"{subject} #{n}", "description": f"{subject}. {rng.choice(MOODS)}",
            "customer": {"email": f"c{rng.randrange(2000)}@bench.example"}, "channel": rng.choice(["email", "web"]),
            "tags": ["vip"] if rng.random() < 0.05 else []}))
    return out


def rules(team_ids: dict[str, int]) -> list[Rule]:
    """100 triggers shaped like a real desk's: field checks, text, tags, sentiment; about 5 % of tickets
    match one of the few that act."""
    made = []
    for n in range(96):
        field = ["subject", "text", "channel", "tags"][n % 4]
        cond = ({"field": field, "op": "contains", "value": f"zz-never-{n}"} if field in ("subject", "text", "tags")
                else {"field": "channel", "op": "eq", "value": "phone"})
        made.append(Rule(name=f"idle {n}", events=["created"], position=n,
                         conditions={"all": [cond, {"field": "priority", "op": "gte", "value": "low"}]},
                         actions=[{"type": "add_tag", "value": f"idle{n}"}]))
    made += [
        Rule(name="vip", events=["created"], position=200, conditions={"all": [
            {"field": "tags", "op": "contains", "value": "vip"}]},
            actions=[{"type": "set_team", "value": team_ids["Second line"]}]),
        Rule(name="angry", events=["created"], position=201, conditions={"all": [
            {"field": "sentiment_score", "op": "lt", "value": -0.8}, {"field": "channel", "op": "eq",
                                                                       "value": "phone"}]},
            actions=[{"type": "set_priority", "value": "urgent"}]),
        Rule(name="refund regex", events=["created"], position=202, conditions={"any": [
            {"field": "subject", "op": "matches", "value": r"refund.*#\d*7$"}]},
            actions=[{"type": "add_tag", "value": "refund"}]),
        Rule(name="status", events=["updated"], position=203, conditions={"all": [
            {"field": "status", "op": "eq", "value": "solved"}]}, actions=[{"type": "notify", "message": "x"}]),
    ]
    return made


def set_up_full(database_: Database, data_dir: Path, *, only_rules: bool = False) -> None:
    with database_.session() as db:
        teams = {name: create_team(db, TeamCreate(name=name, line=line), actor_id=None).id
                 for name, line in (("First line", "L1"), ("Second line", "L2"), ("Billing", "L1"))}
        for n in range(6):
            create_user(db, UserCreate(email=f"a{n}@bench.example", name=f"A{n}", role="agent", line="L1",
                                       team_ids=[teams["First line"]]), actor_id=None)
        db.add_all(rules(teams))
        if only_rules:
            return
        set_team_routing(db, teams["First line"], strategy=Strategy.least_loaded, escalation_team_id=None,
                         default_capacity=1_000_000)
        calendar = Calendar(name="Office", timezone="Europe/Moscow", weekly_hours={"mon-fri": "09:00-18:00"},
                            holidays=[], special_hours={})
        db.add(calendar)
        db.flush()
        db.add(Policy(name="Default", conditions={}, first_response_minutes=60, resolution_minutes=480,
                      calendar_id=calendar.id, breach_actions=[]))
    rng = random.Random(3)
    examples = []
    for _ in range(600):
        subject, category, team = rng.choice(TOPICS)
        examples.append(Example(f"{subject}\n{rng.choice(MOODS)}", {"category": category, "team": team,
                                                                  "priority": "normal"}))
    train(examples).save(model_path(data_dir))


@dataclass
class Run:
    wall: np.ndarray  # ms per create_ticket call
    cpu: np.ndarray  # ms of this process's CPU per call
    server_cpu_ms: float  # PostgreSQL backend CPU per ticket (whole run, commits included); 0 on SQLite


def _backend_cpu(pids: set[int]) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving us (from /proc; same machine)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run(url: str, tickets: list[TicketCreate], batch: int) -> Run:
    db_ = Database(url)
    times, cpu = np.empty(len(tickets)), np.empty(len(tickets))
    backends: set[int] = set()
    before = 0.0
    for start in range(0, len(tickets), batch):
        with db_.session() as db:
            if db_.url.startswith("postgresql"):
                pid = int(db.execute(text("SELECT pg_backend_pid()")).scalar_one())
                if pid not in backends:
                    backends.add(pid)
                    before += _backend_cpu({pid})
            for i in range(start, min(start + batch, len(tickets))):
                c0, t0 = time.process_time(), time.perf_counter()
                create_ticket(db, None, tickets[i])
                times[i], cpu[i] = time.perf_counter() - t0, time.process_time() - c0
        with db_.session() as db:  # untimed: agents work off their queues, so loads stay those of a real desk
            db.execute(text("UPDATE ticket SET status = 'solved' WHERE assignee_id IS NOT NULL AND status <> 'solved'"))
    server = (_backend_cpu(backends) - before) * 1000 / len(tickets)
    db_.dispose()
    return Run(times * 1000, cpu * 1000, server)


def pct(values: np.ndarray) -> tuple[float, float, float]:
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return float(p50), float(p95), float(p99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--full-tickets", type=int, default=None,
                        help="Fewer tickets for the full run (classification+routing+SLA are slow on a loaded box).")
    args = parser.parse_args()
    tickets = stream(args.tickets)
    print(f"{args.tickets} tickets, transactions of {args.batch}; ms per create_ticket call: wall time and this"
          " process's CPU time (p50 p95 p99 mean); PostgreSQL backend CPU per ticket (mean, commits included)")
    print(f"{'database':<11} {'run':<11} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}       {'p50':>7} {'p95':>7}"
          f" {'p99':>7} {'mean':>7}")
    for kind in args.db.split(","):
        hooks.clear()
        with database(kind) as url:
            plain = run(url, tickets, args.batch)
        with database(kind) as url, tempfile.TemporaryDirectory() as data_dir:
            set_up_full(Database(url), Path(data_dir), only_rules=True)
            rules_listeners.install(Settings(database_url=url, data_dir=Path(data_dir)))
            only_rules = run(url, tickets, args.batch)
            hooks.clear()
        with database(kind) as url, tempfile.TemporaryDirectory() as data_dir:
            set_up_full(Database(url), Path(data_dir))
            settings = Settings(database_url=url, data_dir=Path(data_dir))
            routing_listeners.install(settings)
            sla_listeners.install()
            rules_listeners.install(settings)
            routing_listeners.install_after_rules()
            full = run(url, tickets[:args.full_tickets or len(tickets)], args.batch)
            hooks.clear()
        for name, r in (("plain", plain), ("rules", only_rules), ("full", full)):
            print(f"{kind:<11} {name:<6} wall " + " ".join(f"{v:>7.3f}" for v in pct(r.wall))
                  + f" {r.wall.mean():>7.3f}   cpu " + " ".join(f"{v:>7.3f}" for v in pct(r.cpu))
                  + f" {r.cpu.mean():>7.3f}" + (f"   + server {r.server_cpu_ms:.3f}" if r.server_cpu_ms else ""),
                  flush=True)
        if args.full_tickets:
            print(f"(full run: first {args.full_tickets} tickets only)")
        for name, r in (("+rules", only_rules), ("+full", full)):
            extra = [v - p for v, p in zip(pct(r.wall), pct(plain.wall), strict=True)]
            extra_cpu = [v - p for v, p in zip(pct(r.cpu), pct(plain.cpu), strict=True)]
            print(f"{kind:<11} {name:<6} wall " + " ".join(f"{v:>7.3f}" for v in extra)
                  + f" {r.wall.mean() - plain.wall.mean():>7.3f}   cpu " + " ".join(f"{v:>7.3f}" for v in extra_cpu)
                  + f" {r.cpu.mean() - plain.cpu.mean():>7.3f}"
                  + (f"   + server {r.server_cpu_ms - plain.server_cpu_ms:+.3f}" if r.server_cpu_ms else "")
                  + "   (beyond plain; target p99 <= 2 ms)", flush=True)

if __name__ == "__main__":
    main()
