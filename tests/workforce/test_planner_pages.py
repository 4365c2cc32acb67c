"""Planner pages render with their server-side SVG charts, in English and Russian; the CLI checker."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from frontline.cli.main import app as cli
from frontline.web.pages.planner import forecast_svg, staffing_svg
from frontline.workforce import service
from tests.web.conftest import browser_for  # noqa: F401  (fixture)
from tests.workforce.planner_helpers import add_history, roster_doc


def test_charts_are_svg_with_every_series() -> None:
    chart = forecast_svg([1.0, 2.0, 3.0], [2.0, 2.5], [1.0, 1.5], [3.0, 4.0], "forecast")
    assert chart.startswith("<svg") and 'class="band"' in chart and 'class="forecast"' in chart
    bars = staffing_svg([0, 2, 3, 1], [1, 2, 2, 2], "staffing")
    assert bars.count("<rect") == 3 and 'class="scheduled"' in bars


def test_planner_page_draft_and_published(database, desk, browser_for) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    add_history(database, desk.l1.id, days=8, per_day=6)
    browser = browser_for(desk.supervisor)
    draft = browser.get(f"/ui/planner?team_id={desk.l1.id}")
    assert draft.status_code == 200 and draft.text.count("<svg") == 2 and "draft plan" in draft.text
    doc = roster_doc(desk.l1.id, desk.agent1.user.id, shift_day=date.today() + timedelta(days=1), shift_start="09:00")
    with database.session() as db:
        published = service.publish(db, {**doc, "forecast": {"mean": [1.0] * 336, "lo": [], "hi": []},
                                         "history": {"start": None, "values": [0.0] * 48}, "explanation": []},
                                    actor_id=None, force=True)
    page = browser.get(f"/ui/planner?team_id={desk.l1.id}")
    assert page.status_code == 200 and "<svg" in page.text
    assert f"/api/v1/planner/schedules/{published.id}/schedule.csv" in page.text
    agent_page = browser_for(desk.agent1).get("/ui/planner", headers={"Accept-Language": "ru"})
    assert agent_page.status_code == 200 and "/api/v1/me/shifts.ics" in agent_page.text
    assert browser_for(desk.agent1).get(f"/ui/planner?team_id={desk.l1.id}").status_code == 403


def test_cli_check_reports_violations_and_exit_code(tmp_path: Path) -> None:
    day = date(2025, 3, 4)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(roster_doc(1, 7, shift_day=day, shift_start="09:00")))
    good = tmp_path / "good.csv"
    good.write_text(f"agent_id,date,shift\n7,{day.isoformat()},s\n")
    bad = tmp_path / "bad.csv"  # two shifts on one day and a shift 13 hours later: broken rules
    bad.write_text(f"agent_id,date,shift\n7,{day.isoformat()},s\n7,{day.isoformat()},s\n7,{day + timedelta(1)},s\n")
    runner = CliRunner()
    ok = runner.invoke(cli, ["plan", "check", str(good), "--plan", str(plan)])
    assert ok.exit_code == 0, ok.output
    assert "no broken rule" in ok.output
    broken = runner.invoke(cli, ["plan", "check", str(bad), "--plan", str(plan)])
    assert broken.exit_code == 1 and "broken rule" in broken.output


def test_menu_links_planner_and_bad_input_is_a_readable_4xx(database, desk, browser_for) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    supervisor, agent = browser_for(desk.supervisor), browser_for(desk.agent1)
    assert '<a href="/ui/planner" id="planner-link">Workforce planner</a>' in supervisor.get("/ui/queues/mine").text
    assert '<a href="/ui/planner" id="planner-link">My shifts</a>' in agent.get("/ui/queues/mine").text
    missing = supervisor.get("/ui/planner?team_id=987654")
    assert missing.status_code == 404 and "No such team." in missing.text
    doc = roster_doc(desk.l1.id, desk.agent1.user.id, shift_day=date.today() + timedelta(days=1), shift_start="09:00")
    with database.session() as db:
        published = service.publish(db, doc, actor_id=None, force=True)
    bad_day = supervisor.post("/ui/planner/whatif", {"schedule_id": published.id, "scenario": "volume", "day": 7})
    bad_scenario = supervisor.post("/ui/planner/whatif", {"schedule_id": published.id, "scenario": "flood"})
    for response in (bad_day, bad_scenario):
        assert response.status_code == 422 and "Pick one of the scenarios" in response.text
    refused = agent.post("/ui/planner/whatif", {"schedule_id": published.id, "scenario": "volume"})
    assert refused.status_code == 403


def test_supervisor_sets_contracts_on_the_planner_page(database, desk, browser_for) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    from frontline.workforce.contracts import contracts_of

    add_history(database, desk.l1.id, days=8, per_day=6)
    supervisor, user_id = browser_for(desk.supervisor), desk.agent1.user.id
    page = browser_for(desk.supervisor).get(f"/ui/planner?team_id={desk.l1.id}")
    assert f'<tr data-user="{user_id}">' in page.text and "(default)" in page.text
    form = {"team_id": desk.l1.id, "user_id": user_id, "contract_hours": 30, "hours_below": 2, "hours_above": 0}
    saved = supervisor.post("/ui/planner/contract", form)
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"saved={user_id}#contracts")
    with database.session(write=False) as db:
        contract = contracts_of(db, [user_id])[user_id]
    assert (contract.contract_hours, contract.min_hours, contract.max_hours, contract.default) == (30, 28, 30, False)
    shown = supervisor.get(saved.headers["location"]).text
    assert 'value="30"' in shown and "Saved: applies to the next plan." in shown
    too_many = supervisor.post("/ui/planner/contract", {**form, "contract_hours": 90})
    assert too_many.status_code == 422 and "at most 80 hours a week" in too_many.text
    other_team = supervisor.post("/ui/planner/contract", {**form, "user_id": desk.agent2.user.id})
    assert other_team.status_code == 404
    assert browser_for(desk.agent1).post("/ui/planner/contract", form).status_code == 403
