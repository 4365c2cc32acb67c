"""Real browser: the 'SLA at risk' queue with its badges and count, the ticket's SLA panel, and a bulk merge
picked in the queue (headless Chromium, both databases, English and Russian). Screenshots:
test-artifacts/web-{en,ru}[-postgresql]/sla-queue.png, sla-ticket.png and bulk-merge.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from frontline.kit.db import utcnow
from frontline.sla.models import Calendar, Policy, TicketSla
from frontline.tickets.models import Ticket
from tests.web.conftest import make_ticket
from tests.web.test_browser_flows import LOCALES, _login, _set_language, shots_dir

WORDS = {"en": ("Breached", "At risk", "Merge selected…"), "ru": ("Нарушен", "Под угрозой", "Объединить отмеченные…")}


def _clocks(database, due_in: dict[int, timedelta]) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        for ticket_id, delta in due_in.items():
            state = db.get(TicketSla, ticket_id)
            state.first_response_due = state.next_due = utcnow() + delta


@pytest.mark.parametrize("language", ["en", "ru"])
def test_sla_queue_panel_and_bulk_merge_in_a_browser(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, artifacts_dir, language, database_url
) -> None:
    shots = shots_dir(artifacts_dir, language, database_url)
    _set_language(database, [desk.agent1], language)
    with database.session() as db:
        calendar = Calendar(name="Office hours", timezone="Europe/Berlin", always_open=True)
        db.add(calendar)
        db.flush()
        db.add(Policy(name="Standard", position=1, calendar_id=calendar.id, first_response_minutes=240,
                      resolution_minutes=2400, warn_before_minutes=60))
    late = make_ticket(database, desk.l1.id, subject="Invoice shows the wrong VAT",
                       customer={"email": "olga@client.example", "name": "Olga Ivanova"})
    risky = make_ticket(database, desk.l1.id, subject="VAT wrong on invoice again",
                        customer={"email": "olga@client.example", "name": "Olga Ivanova"})
    calm = make_ticket(database, desk.l1.id, subject="How do I export reports?")
    _clocks(database, {late: timedelta(minutes=-40), risky: timedelta(minutes=25), calm: timedelta(hours=20)})
    breached, at_risk, merge_button = WORDS[language]

    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = _login(context, live_url, desk.agent1)
    page.click('a[href="/ui/queues/sla"]')
    page.wait_for_selector('[data-queue="sla"]')  # the live count arrived over HTMX
    assert page.inner_text('[data-queue="sla"]') == "2"
    rows = page.locator("table.tickets tbody tr")
    assert rows.count() == 2
    assert breached in rows.nth(0).inner_text() and at_risk in rows.nth(1).inner_text()
    page.screenshot(path=str(shots / "sla-queue.png"), full_page=True)

    page.click(f'td.subject a[href="/ui/tickets/{late}"]')
    page.wait_for_selector(".slapanel")
    assert breached in page.inner_text(".slapanel")
    page.screenshot(path=str(shots / "sla-ticket.png"), full_page=True)

    page.goto(f"{live_url}/ui/queues/l1?sort=due")
    page.check(f'input[name="ids"][value="{late}"]')
    page.check(f'input[name="ids"][value="{risky}"]')
    page.get_by_role("button", name=merge_button).click()
    page.wait_for_selector("#bulk-merge")
    page.check(f'input[name="into"][value="{late}"]')
    page.screenshot(path=str(shots / "bulk-merge.png"), full_page=True)
    page.click('#bulk-merge button[type="submit"]')
    page.wait_for_url(f"**/ui/tickets/{late}?done=bulk_merged*")
    assert f"FL-{risky}" in page.inner_text(".timeline")
    assert page.dialogs == []
    context.close()
    with database.session() as db:
        assert db.scalar(select(Ticket.merged_into_id).where(Ticket.id == risky)) == late
