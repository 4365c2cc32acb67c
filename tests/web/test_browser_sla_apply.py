"""Issue 11, journey (d), in a real browser (headless Chromium), ru and en, on both databases: an administrator
adds an urgent SLA policy, applies it to the open tickets after seeing the count, and an agent raising a
ticket's priority moves it to that policy. Screenshot: test-artifacts/web-{en,ru}[-postgresql]/sla-apply.png."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from frontline.kit.db import Database
from frontline.sla import manage
from frontline.sla.models import Policy, TicketSla
from frontline.sla.schemas import CalendarIn, PolicyIn
from tests.jobs.support import wait_for
from tests.web.conftest import make_ticket
from tests.web.test_browser_flows import LOCALES, _login, _set_language, shots_dir


def _policy_of(database: Database, ticket_id: int) -> str | None:
    with database.session(write=False) as db:
        return db.scalar(select(Policy.name).join(TicketSla, TicketSla.policy_id == Policy.id)
                         .where(TicketSla.ticket_id == ticket_id))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_admin_applies_an_urgent_policy_and_a_raised_ticket_follows_it(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, artifacts_dir, language, database_url
) -> None:
    shots = shots_dir(artifacts_dir, language, database_url)
    _set_language(database, [desk.admin, desk.agent1], language)
    with database.session() as db:
        calendar = manage.save_calendar(db, None, CalendarIn(name="Around the clock", always_open=True))
        manage.save_policy(db, None, PolicyIn(name="Standard", conditions={"priority": ["low", "normal"]},
                                              first_response_minutes=240, calendar_id=calendar.id))
    waiting = make_ticket(database, desk.l1.id, subject="Site down for all users", priority="high")
    normal = make_ticket(database, desk.l1.id, subject="Invoice address wrong")
    assert (_policy_of(database, waiting), _policy_of(database, normal)) == (None, "Standard")

    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = _login(context, live_url, desk.admin)
    page.goto(f"{live_url}/ui/admin/sla")
    page.click('a[href="/ui/admin/sla/policies/new"]')
    page.fill('input[name="name"]', "Urgent business")
    page.check('input[name="priority"][value="urgent"]')
    page.check('input[name="priority"][value="high"]')
    page.fill('input[name="first_response"]', "30m")
    page.select_option('select[name="calendar_id"]', label="Around the clock")
    page.click('#policy-form button[type="submit"]')
    page.wait_for_url("**/ui/admin/sla?saved=*")
    assert _policy_of(database, waiting) is None  # a new policy alone does not reach the open ticket

    page.click('a[href="/ui/admin/sla/apply"]')
    assert re.search(r"(^|\D)1(\D|$)", page.inner_text("#apply-count")), page.inner_text("#apply-count")
    page.screenshot(path=str(shots / "sla-apply.png"), full_page=True)
    page.click('form[action="/ui/admin/sla/apply"] button[type="submit"]')
    page.wait_for_url("**/ui/admin/sla?applied=1*")
    assert re.search(r"(^|\D)1(\D|$)", page.inner_text(".flash.ok"))
    assert wait_for(lambda: _policy_of(database, waiting) == "Urgent business", timeout=60)  # the server's runner
    assert _policy_of(database, normal) == "Standard"
    context.close()

    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = _login(context, live_url, desk.agent1)
    page.goto(f"{live_url}/ui/tickets/{normal}")
    page.select_option(f'form[action="/ui/tickets/{normal}/fields"] select[name="priority"]', "urgent")
    page.click(f'form[action="/ui/tickets/{normal}/fields"] button[type="submit"]')
    page.wait_for_load_state()
    assert _policy_of(database, normal) == "Urgent business"
    page.goto(f"{live_url}/ui/tickets/{normal}")
    assert "Urgent business" in page.inner_text("#sla-title")
    context.close()
