"""The planner pages in a real browser (headless Chromium through Playwright), in English and Russian.

A desk team with four weeks of realistic ticket history gets next week's plan exactly as `make run`'s
demo desk does (`publish_demo_plans`: forecast, staffing, a solved, checked and published schedule).
A supervisor reaches the planner from the workspace menu and sees the forecast chart, required vs
scheduled staff, the schedule grid, a what-if result and the exports; an agent sees their own shifts
and cannot open a team's plan. Screenshots go to <artifacts>/planner-<language>/.

SQLite only, like the other browser tests: the same pages run on PostgreSQL in
tests/workforce/test_planner_pages.py. It lives here, next to the other browser tests, so that the whole
run shares tests/web/conftest.py's one Playwright session (a second sync Playwright in the same
process fails).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import update

from frontline.accounts.models import User
from frontline.kit.db import Database
from frontline.workforce import service
from frontline.workforce.contracts import contracts_of
from frontline.workforce.demo_plan import publish_demo_plans
from tests.factories import PASSWORD, Agent, make_agent
from tests.workforce.planner_helpers import add_arrivals

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LOCALES = {"en": "en-GB", "ru": "ru-RU"}
NAMES = ["Anna Petrova", "Boris Ivanov", "Clara Novak", "Dmitry Orlov", "Elena Sokolova", "Fedor Kuznetsov",
         "Galina Morozova", "Hanna Berg", "Igor Volkov"]
TEXT = {
    "en": {"planner": "Workforce planner", "forecast": "Forecast", "schedule": "Schedule", "whatif": "What if?",
           "mine": "My shifts", "scenario": "20% more contacts", "service": "Service level",
           "refused": "Only supervisors and administrators may plan the workforce."},
    "ru": {"planner": "Планирование персонала", "forecast": "Прогноз", "schedule": "График", "whatif": "Что если?",
           "mine": "Мои смены", "scenario": "На 20% больше обращений", "service": "Уровень обслуживания",
           "refused": "Планировать персонал могут только супервизоры и администраторы."},
}


@pytest.fixture
def planned_desk(database, desk, settings):  # type: ignore[no-untyped-def]
    """The first-line team: desk.agent1 plus nine named agents (one part-time), history and a published plan."""
    team = [desk.agent1] + [make_agent(database, teams=[desk.l1], line="L2" if i >= 7 else "L1")
                            for i in range(len(NAMES))]
    with database.session() as db:
        for agent, name in zip(team[1:], NAMES, strict=True):
            db.execute(update(User).where(User.id == agent.user.id).values(name=name))
        service.set_contract(db, team[3].user.id, 20, hours_below=0, hours_above=0)
    add_arrivals(database, desk.l1.id, days=28, mean_daily=40, tz=settings.planner_timezone)
    assert publish_demo_plans(database, settings=settings) == 1  # the second-line team has no history
    with database.session(write=False) as db:
        schedule = service.team_schedules(db, desk.l1.id)[0]
        plan = dict(schedule.plan)
    assert plan["violations"] == [] and plan["assignments"]  # published with force, but nothing to force
    return desk, schedule.id, plan


def _set_language(database: Database, users: list[Agent], language: str) -> None:
    with database.session() as db:
        db.execute(update(User).where(User.id.in_([a.user.id for a in users])).values(language=language))


def _login(context, live_url: str, agent: Agent):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{live_url}/login")
    page.fill('input[name="email"]', agent.user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/ui/queues/mine")
    return page


def _open_from_menu(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.click("details.usermenu summary")
    link = page.locator("#planner-link")
    assert link.inner_text() == label
    link.click()
    page.wait_for_url("**/ui/planner")


def _numbers(points: str) -> list[float]:
    return [float(v) for v in re.split(r"[ ,]", points.strip()) if v]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_supervisor_plans_in_the_browser(  # type: ignore[no-untyped-def]
    chromium, live_url, database, planned_desk, artifacts_dir, language
) -> None:
    desk, schedule_id, plan = planned_desk
    text = TEXT[language]
    shots = artifacts_dir / f"planner-{language}"
    shots.mkdir(parents=True, exist_ok=True)
    _set_language(database, [desk.supervisor], language)
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1400, "height": 900},
                                   accept_downloads=True)
    page = _login(context, live_url, desk.supervisor)
    _open_from_menu(page, text["planner"])
    page.select_option('select[name="team_id"]', str(desk.l1.id))
    page.click("#team-form button[type=submit]")
    page.wait_for_selector("svg.chart")
    assert page.inner_text("h1") == text["planner"]

    forecast = page.locator("#forecast")
    assert text["forecast"] in forecast.inner_text()
    assert plan["fallback"] is False and "fallback" not in forecast.inner_text().lower()
    history = _numbers(forecast.locator("polyline.history").get_attribute("points") or "")
    mean = _numbers(forecast.locator("polyline.forecast").get_attribute("points") or "")
    band = _numbers(forecast.locator("polygon.band").get_attribute("points") or "")
    assert len(history) == 2 * 14 * 48 and len(mean) == 2 * 7 * 48 and len(band) == 2 * len(mean)
    assert len(set(mean[1::2])) > 10  # the forecast follows the day, it is not a flat line
    forecast.screenshot(path=str(shots / "forecast.png"))

    staffing = page.locator("#staffing")
    assert staffing.locator("rect.required").count() > 100
    assert len(_numbers(staffing.locator("polyline.scheduled").get_attribute("points") or "")) == 2 * 7 * 48
    # Styled by the planner stylesheet (the CSP blocks inline styles): orange bars, not black ones.
    assert page.eval_on_selector("#staffing rect.required", "e => getComputedStyle(e).fill") == "rgb(232, 163, 61)"
    staffing.screenshot(path=str(shots / "staffing.png"))

    grid = page.locator("#schedule")
    rows = grid.locator("tbody tr")
    assert rows.count() == 1 + len(NAMES)
    grid_text = grid.inner_text()
    assert all(name in grid_text for name in NAMES), grid_text
    codes = {a["shift"] for a in plan["assignments"]}
    assert codes and grid.locator("td.shift").count() == len(plan["assignments"])
    assert {c.strip() for c in grid.locator("td.shift").all_inner_texts()} == codes
    part_timer = rows.filter(has_text=NAMES[2])
    assert "20" in part_timer.locator("td.contract").inner_text()  # the part-timer's own contract
    grid.screenshot(path=str(shots / "schedule.png"))

    with page.expect_download() as download:
        page.click(f'a[href="/api/v1/planner/schedules/{schedule_id}/schedule.csv"]')
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    exported_rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(exported_rows) == len(plan["assignments"]) and {r["shift"] for r in exported_rows} == codes
    page.screenshot(path=str(shots / "planner.png"), full_page=True)

    anna = page.locator("#contracts tbody tr", has_text=NAMES[0])
    anna.locator('input[name="contract_hours"]').fill("32")
    anna.locator('input[name="hours_below"]').fill("0")
    anna.locator("button[type=submit]").click()
    page.wait_for_url("**#contracts")
    anna = page.locator("#contracts tbody tr", has_text=NAMES[0])
    assert anna.locator('input[name="contract_hours"]').input_value() == "32"
    assert NAMES[0] in page.inner_text("#contracts .saved")
    page.locator("#contracts").screenshot(path=str(shots / "contracts.png"))
    with database.session(write=False) as db:
        stored = contracts_of(db, [int(a["id"]) for a in plan["agents"] if a["name"] == NAMES[0]])
    assert [(c.contract_hours, c.min_hours) for c in stored.values()] == [(32.0, 32.0)]

    page.select_option('select[name="scenario"]', "volume")
    assert page.locator('select[name="scenario"] option:checked').inner_text() == text["scenario"]
    page.select_option('select[name="day"]', "2")
    page.locator("#whatif").screenshot(path=str(shots / "whatif-form.png"))
    page.click("#whatif button[type=submit]")
    page.wait_for_url("**/ui/planner/whatif")
    assert text["whatif"] in page.inner_text("h1")
    result = page.locator("#whatif-result")
    assert text["service"] in result.inner_text()
    offered = result.locator('tr[data-measure="offered"] td')
    base, scenario = (float(offered.nth(i).inner_text().split("±")[0]) for i in (1, 2))
    assert scenario > base > 0  # 20 % more contacts offered than planned
    page.screenshot(path=str(shots / "whatif.png"), full_page=True)
    page.click(f'a[href="/ui/planner?team_id={desk.l1.id}"]')
    page.wait_for_selector("svg.chart")
    context.close()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_agent_sees_own_shifts_and_not_the_planner(  # type: ignore[no-untyped-def]
    chromium, live_url, database, planned_desk, artifacts_dir, language
) -> None:
    desk, _schedule_id, plan = planned_desk
    text = TEXT[language]
    shots = artifacts_dir / f"planner-{language}"
    shots.mkdir(parents=True, exist_ok=True)
    _set_language(database, [desk.agent1], language)
    mine = [a for a in plan["assignments"] if a["agent_id"] == str(desk.agent1.user.id)]
    assert mine  # the solver had to give the agent shifts: the contract needs 36 h a week
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 800},
                                   accept_downloads=True)
    page = _login(context, live_url, desk.agent1)
    _open_from_menu(page, text["mine"])
    shifts = page.locator("#my-shifts li")
    assert shifts.count() == len(mine)
    assert {s.split("(")[-1].rstrip(")") for s in shifts.all_inner_texts()} == {a["shift"] for a in mine}
    assert page.locator("#team-form").count() == 0 and page.locator("svg.chart").count() == 0
    page.screenshot(path=str(shots / "agent-shifts.png"), full_page=True)
    with page.expect_download() as download:
        page.click('a[href="/api/v1/me/shifts.ics"]')
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert ics.count("BEGIN:VEVENT") == len(mine)
    refused = page.goto(f"{live_url}/ui/planner?team_id={desk.l1.id}")
    assert refused is not None and refused.status == 403
    assert page.locator("svg.chart").count() == 0 and text["refused"] in page.inner_text("body")
    page.screenshot(path=str(shots / "agent-refused.png"), full_page=True)
    context.close()
