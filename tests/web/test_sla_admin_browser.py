"""SLA and rules admin pages in a real browser (headless Chromium): a calendar, a policy and a rule made
through the forms, with screenshots of the three pages in test-artifacts/web-admin/.

SQLite only, like test_browser_flows.py: the same forms run on PostgreSQL in the server-side page tests.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from frontline.accounts.models import User
from frontline.rules.models import Rule
from frontline.sla.models import Calendar, Policy
from tests.factories import PASSWORD
from tests.web.conftest import make_ticket

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_admin_builds_calendar_policy_and_rule_in_the_browser(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, artifacts_dir
) -> None:
    shots = artifacts_dir / "web-admin"
    shots.mkdir(parents=True, exist_ok=True)
    make_ticket(database, desk.l1.id, subject="Refund for invoice 12")
    make_ticket(database, desk.l1.id, subject="Printer on fire")
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    page.goto(f"{live_url}/login")
    page.fill('input[name="email"]', desk.admin.user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/ui/queues/mine")

    page.goto(f"{live_url}/ui/admin")
    page.click('main a[href="/ui/admin/sla"]')
    page.click('a[href="/ui/admin/sla/calendars/new"]')
    page.fill('input[name="name"]', "Berlin office")
    page.fill('input[name="timezone"]', "Europe/Berlin")
    page.fill('input[name="hours_fri"]', "09:00-16:00")
    page.fill('input[name="country"]', "DE")
    page.fill('input[name="years"]', "2026")
    page.click('button[value="import"]')
    page.wait_for_selector("text=public holidays of DE added")
    assert "2026-12-25" in page.input_value('textarea[name="holidays"]')
    page.select_option('select[name="team_ids"]', label="First line")
    page.screenshot(path=str(shots / "calendar.png"), full_page=True)
    page.click('button[value="save"]')
    page.wait_for_url("**/ui/admin/sla?saved=*")

    page.click('a[href="/ui/admin/sla/policies/new"]')
    page.fill('input[name="name"]', "Urgent business")
    page.check('input[name="priority"][value="urgent"]')
    page.check('input[name="priority"][value="high"]')
    page.fill('input[name="first_response"]', "30m")
    page.fill('input[name="resolution"]', "1d")
    page.select_option('select[name="calendar_id"]', label="Berlin office")
    page.check('input[name="breach_actions"][value="escalate"]')
    page.click('#policy-form button[type="submit"]')
    page.wait_for_url("**/ui/admin/sla?saved=*")
    page.screenshot(path=str(shots / "sla.png"), full_page=True)
    assert "Urgent business" in page.inner_text("#policies")

    page.click('.admintabs a[href="/ui/admin/rules"]')
    page.click('a[href="/ui/admin/rules/new?kind=trigger"]')
    page.fill('input[name="name"]', "Refunds to L2")
    rows = page.locator("#all-rows tbody tr")
    rows.nth(0).locator('select[name="all_field"]').select_option("subject")
    assert rows.nth(0).locator('select[name="all_op"] option[value="gt"]').is_disabled()  # only text operators
    rows.nth(0).locator('select[name="all_op"]').select_option("contains")
    rows.nth(0).locator('input[name="all_value"]').fill("refund")
    actions = page.locator("#action-rows tbody tr")
    actions.nth(0).locator('select[name="action_type"]').select_option("add_tag")
    actions.nth(0).locator('input[name="action_value"]').fill("refund")
    actions.nth(1).locator('select[name="action_type"]').select_option("escalate")
    actions.nth(1).locator('input[name="action_value"]').fill("L2")
    actions.nth(1).locator('textarea[name="action_text"]').fill("Refunds are handled by L2")
    page.click('button[value="dry_run"]')
    page.wait_for_selector("#hits")
    assert "1 of the latest 2 tickets match" in page.inner_text("#hits")
    page.screenshot(path=str(shots / "rule.png"), full_page=True)
    page.click('button[value="save"]')
    page.wait_for_url("**/ui/admin/rules?saved=*")
    page.screenshot(path=str(shots / "rules.png"), full_page=True)
    assert "Refunds to L2" in page.inner_text("#triggers")
    assert errors == [], errors  # no CSP violations or script errors

    with database.session(write=False) as db:
        calendar = db.scalars(select(Calendar)).one()
        policy = db.scalars(select(Policy)).one()
        rule = db.scalars(select(Rule)).one()
    with database.session() as db:  # the same pages in Russian, for the eye (longer words, same layout)
        db.execute(update(User).where(User.id == desk.admin.user.id).values(language="ru"))
    for name, url in (("ru-sla", "/ui/admin/sla"), ("ru-calendar", f"/ui/admin/sla/calendars/{calendar.id}"),
                      ("ru-policy", f"/ui/admin/sla/policies/{policy.id}"), ("ru-rule", f"/ui/admin/rules/{rule.id}")):
        page.goto(f"{live_url}{url}")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert "Бизнес-календари" not in page.inner_text("main") and "Условия" in page.inner_text("main")
    assert errors == [], errors
    context.close()
    assert calendar.weekly_hours == {"mon-thu": "09:00-18:00", "fri": "09:00-16:00"}
    assert "2026-10-03" in calendar.holidays
    assert policy.calendar_id == calendar.id and policy.conditions == {"priority": ["high", "urgent"]}
    assert (policy.first_response_minutes, policy.resolution_minutes, policy.breach_actions) == (30, 1440, ["escalate"])
    assert rule.conditions == {"all": [{"field": "subject", "op": "contains", "value": "refund"}]}
    assert rule.actions == [{"type": "add_tag", "value": "refund"},
                            {"type": "escalate", "reason": "Refunds are handled by L2", "line": "L2"}]
