"""`frontline plan ...`: forecast, staffing, schedules, checks and simulations from the desk or a CSV."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Workforce planner: forecast, staffing, shift schedules, checks, simulation.",
                  no_args_is_help=True)
console = Console()

TEAM = typer.Option(None, "--team", help="Team name or id (desk mode).")
HISTORY = typer.Option(None, "--history-csv", help="Plan from a CSV of timestamp,channel instead of the desk.")
START = typer.Option(None, "--start", help="First day (ISO date; default next Monday).")
WEEKS = typer.Option(1, "--weeks", min=1, max=6, help="Weeks to plan (1-6).")
OUT = typer.Option(None, "--out", help="Write the result as CSV here.")


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                    transient=True)


def _plan(team: str | None, history_csv: Path | None, start: date | None, weeks: int,
          agents_csv: Path | None = None) -> dict[str, Any]:
    """A plan document from the desk (`--team`) or from a history spreadsheet."""
    from frontline.kit.settings import get_settings
    from frontline.workforce import service
    from frontline.workforce.history import contacts_from_csv, handle_times, interval_history
    from frontline.workforce.planning import PlanOptions, next_monday
    from frontline.workforce.schedule import Agent, Horizon, Line

    settings = get_settings()
    tz = settings.planner_timezone
    horizon = Horizon(start or next_monday(service.local_today(tz)), weeks)
    options = PlanOptions()
    with _progress() as progress:
        progress.add_task("Reading history and forecasting", total=None)
        if history_csv is not None:
            history = interval_history(contacts_from_csv(history_csv.read_text(encoding="utf-8")), tz=tz)
            times = handle_times(None, settings.planner_handle_times, history.columns)
            plan = service.plan_from_history(history, {c: h.aht_seconds for c, h in times.items()}, tz=tz,
                                             country=settings.planner_country, horizon=horizon, options=options)
            agents: tuple[Agent, ...] = ()
            if agents_csv is not None:
                import csv

                rows = csv.DictReader(agents_csv.read_text(encoding="utf-8").splitlines())
                agents = tuple(Agent(r["id"], r.get("name") or r["id"], Line(r.get("line") or "L1"),
                                     float(r.get("contract_hours") or 40), frozenset((r.get("skills") or "").split()),
                                     hours_below=float(r.get("hours_below") or 4),
                                     hours_above=float(r.get("hours_above") or 4))
                               for r in rows)
            return service.plan_document(plan, agents, options)
        from frontline.cli.desk import open_desk

        with open_desk(settings).session(write=False) as db:
            team_id = _team_id(db, team)
            plan = service.plan_team(db, settings, team_id, horizon, options)
            return {**service.plan_document(plan, service.team_agents(db, team_id), options), "team_id": team_id}


def _team_id(db: Any, team: str | None) -> int:
    from sqlalchemy import select

    from frontline.accounts.models import Team

    if team is None:
        raise typer.BadParameter("give --team (desk mode) or --history-csv")
    row = db.get(Team, int(team)) if team.isdigit() else db.scalar(select(Team).where(Team.name == team))
    if row is None:
        console.print(f"[red]No team {team!r}.[/red]")
        raise typer.Exit(1)
    return int(row.id)


def _day_table(doc: dict[str, Any], title: str, columns: dict[str, list[Any]]) -> Table:
    table = Table(title=title)
    table.add_column("day")
    for name in columns:
        table.add_column(name, justify="right")
    for day in range(len(doc["required"]) // 48):
        part = slice(day * 48, (day + 1) * 48)
        table.add_row(date.fromordinal(date.fromisoformat(doc["start"]).toordinal() + day).isoformat(),
                      *[f"{sum(values[part]):.1f}" if name.startswith("contacts") else f"{max(values[part])}"
                        for name, values in columns.items()])
    return table


def _write(out: Path | None, text: str) -> None:
    if out is not None:
        out.write_text(text, encoding="utf-8")
        console.print(f"Written to {out}.")


@app.command()
def forecast(team: str = TEAM, history_csv: Path = HISTORY, start: date = START, weeks: int = WEEKS,
             out: Path = OUT) -> None:
    """Forecast contacts per 30-minute interval (mean and 80% interval)."""
    doc = _plan(team, history_csv, start, weeks)
    if doc["fallback"]:
        console.print(f"[yellow]Fallback forecast ({doc['model']}): {doc['reason']}[/yellow]")
    fc = doc["forecast"]
    console.print(_day_table(doc, f"Forecast ({doc['model']})", {"contacts": fc["mean"]}))
    lines = ["interval_start,mean,lo80,hi80"] + [
        f"{_stamp(doc, i)},{m},{fc['lo'][i] if fc['lo'] else ''},{fc['hi'][i] if fc['hi'] else ''}"
        for i, m in enumerate(fc["mean"])]
    _write(out, "\n".join(lines) + "\n")


def _stamp(doc: dict[str, Any], index: int) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(doc["start"]) + timedelta(minutes=30 * index)).strftime("%Y-%m-%dT%H:%M")


@app.command()
def staff(team: str = TEAM, history_csv: Path = HISTORY, start: date = START, weeks: int = WEEKS,
          out: Path = OUT) -> None:
    """Scheduled staff required per interval (requirement CSV the scheduler reads)."""
    from frontline.workforce.document import horizon_of
    from frontline.workforce.schedule import StaffingRequirement
    from frontline.workforce.schedule.io import requirement_to_csv

    doc = _plan(team, history_csv, start, weeks)
    console.print(_day_table(doc, "Staffing (peak per day)", {
        "contacts live": doc["live_volume"], "contacts deferred": doc["deferred_volume"],
        "peak required": doc["required"]}))
    _write(out, requirement_to_csv(StaffingRequirement(tuple(doc["required"])), horizon_of(doc)))


@app.command()
def schedule(team: str = TEAM, history_csv: Path = HISTORY, agents_csv: Path = typer.Option(
        None, "--agents-csv", help="With --history-csv: id,name,line,contract_hours,skills[,hours_below,hours_above]."),
        start: date = START, weeks: int = WEEKS, out: Path = OUT,
        plan_out: Path = typer.Option(None, "--plan-out", help="Also save the plan document (JSON) for `check`."),
        time_limit: float = typer.Option(20.0, "--time-limit", help="Solver seconds.")) -> None:
    """Build a lawful shift schedule for the team from the staffing requirement."""
    from frontline.workforce import service
    from frontline.workforce.exports import schedule_csv

    doc = _plan(team, history_csv, start, weeks, agents_csv)
    with _progress() as progress:
        progress.add_task(f"Solving ({time_limit:g} s limit)", total=None)
        doc = service.solve_document(doc, time_limit_s=time_limit)
    console.print(f"Status {doc['status']}, shortfall {doc['shortfall'] / 2:g} agent-hours, cost {doc['cost']:g}.")
    for sentence in doc["explanation"]:
        console.print(f"  {sentence}")
    _print_violations(doc["violations"])
    _write(out, schedule_csv(doc))
    if plan_out is not None:
        plan_out.write_text(json.dumps(doc), encoding="utf-8")


def _print_violations(violations: list[dict[str, Any]]) -> None:
    if not violations:
        console.print("[green]The checker finds no broken rule.[/green]")
        return
    table = Table(title=f"{len(violations)} broken rule(s)")
    for name in ("rule", "agent", "dates", "message"):
        table.add_column(name)
    for v in violations:
        table.add_row(v["rule"], str(v["agent_id"] or "team"), " ".join(v["dates"]), v["message"])
    console.print(table)


@app.command()
def check(schedule_csv: Path = typer.Argument(..., help="agent_id,date,shift (e.g. edited by hand)."),
          plan: Path = typer.Option(None, "--plan", help="Plan document saved by `schedule --plan-out`."),
          schedule_id: int = typer.Option(None, "--schedule-id", help="Check against a published schedule.")) -> None:
    """Run the independent checker; exit 1 when any rule is broken."""
    from frontline.kit.errors import FrontlineError
    from frontline.workforce import service
    from frontline.workforce.document import assignments_json
    from frontline.workforce.schedule.io import CsvFormatError, schedule_from_csv

    doc = _stored_plan(plan, schedule_id)
    try:
        assignments = assignments_json(schedule_from_csv(schedule_csv.read_text(encoding="utf-8")))
        checked = service.check_document({**doc, "assignments": assignments})
    except (CsvFormatError, FrontlineError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"Shortfall {checked['shortfall'] / 2:g} agent-hours, cost {checked['cost']:g}.")
    _print_violations(checked["violations"])
    if checked["violations"]:
        raise typer.Exit(1)


def _stored_plan(plan: Path | None, schedule_id: int | None) -> dict[str, Any]:
    if plan is not None:
        return dict(json.loads(plan.read_text(encoding="utf-8")))
    if schedule_id is None:
        raise typer.BadParameter("give --plan or --schedule-id")
    from frontline.cli.desk import open_desk
    from frontline.workforce.roster import published

    with open_desk().session(write=False) as db:
        return dict(published(db, schedule_id).plan)


@app.command()
def simulate(plan: Path = typer.Option(None, "--plan"), schedule_id: int = typer.Option(None, "--schedule-id"),
             day: int = typer.Option(0, help="Day of the horizon (0-based)."),
             scenario: str = typer.Option(None, help="volume, handle_time or sick."),
             replications: int = typer.Option(20)) -> None:
    """Simulate one day's live queue against the schedule, optionally under a what-if."""
    from frontline.workforce.simulation import result_json, simulate_day

    doc = _stored_plan(plan, schedule_id)
    with _progress() as progress:
        progress.add_task("Simulating", total=None)
        result = result_json(simulate_day(doc, day, scenario=scenario, replications=replications))
    table = Table(title=f"Day {day}: {result['name']}")
    table.add_column("measure")
    table.add_column("base", justify="right")
    if result["scenario"]:
        table.add_column(result["name"], justify="right")
    for measure, base in result["base"].items():
        row = [measure, _fmt(base)]
        if result["scenario"]:
            row.append(_fmt(result["scenario"][measure]))
        table.add_row(*row)
    console.print(table)


def _fmt(value: dict[str, float | None]) -> str:
    if value["mean"] is None:
        return "-"
    return f"{value['mean']:.3f} ± {value['half_width'] or 0:.3f}"
