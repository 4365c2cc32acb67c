"""A supervisor in a real browser (headless Chromium): search a customer, open the contact page, merge a
second contact into it after the confirmation step, and open the organisation page. Screenshots of the
contact and organisation pages go to test-artifacts/web-{en,ru}[-postgresql]/contact.png, organisation.png."""

from __future__ import annotations

import pytest

from frontline.contacts.schemas import OrganisationCreate
from frontline.contacts.service import create_organisation
from frontline.tickets.models import Ticket
from tests.web.conftest import make_ticket
from tests.web.test_browser_flows import LOCALES, _login, _set_language, shots_dir

TITLES = {"en": ("Contact", "Organisation", "Contacts merged"), "ru": ("Контакт", "Организация", "Контакты объединены")}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_supervisor_searches_opens_contact_and_merges(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, artifacts_dir, language, database_url
) -> None:
    shots = shots_dir(artifacts_dir, language, database_url)
    _set_language(database, [desk.supervisor], language)
    with database.session() as db:
        org_id = create_organisation(db, OrganisationCreate(name="Quartz Logistics", domains=["quartz.example"])).id
    first = make_ticket(database, desk.l1.id, subject="Tracking page is blank",
                        customer={"email": "olga@quartz.example", "name": "Olga Quartzova"})
    second = make_ticket(database, desk.l2.id, subject="Refund for order 5521", channel="portal",
                         customer={"email": "olga.q@mail.example", "name": "Olga (private)"})
    with database.session() as db:
        ann, other = (db.get(Ticket, t).contact_id for t in (first, second))  # type: ignore[union-attr]

    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = _login(context, live_url, desk.supervisor)
    page.fill("#q", "Quartzova")
    page.press("#q", "Enter")
    page.click(f'a.contact-card[href="/ui/contacts/{ann}"]')
    page.wait_for_url(f"**/ui/contacts/{ann}")
    assert TITLES[language][0] in page.inner_text("h1") and "Olga Quartzova" in page.inner_text("h1")

    page.fill('#merge input[name="other"]', "olga.q@mail.example")
    page.click('#merge button[type="submit"]')
    page.wait_for_selector("#confirm-merge")
    assert "Olga (private)" in page.inner_text("#merge-confirm") and f"FL-{second}" in page.inner_text("#merge-confirm")
    page.click("#confirm-merge")
    page.wait_for_url(f"**/ui/contacts/{ann}?done=contacts_merged")
    assert TITLES[language][2] in page.inner_text(".flash.ok")
    tickets = page.inner_text("#tickets")
    assert f"FL-{first}" in tickets and f"FL-{second}" in tickets
    assert "olga.q@mail.example" in page.inner_text("#identities")
    page.screenshot(path=str(shots / "contact.png"), full_page=True)

    page.click("#organisation-link")
    page.wait_for_url(f"**/ui/organisations/{org_id}")
    assert TITLES[language][1] in page.inner_text("h1") and "Olga Quartzova" in page.inner_text("#members")
    assert f"FL-{first}" in page.inner_text("#tickets")
    page.screenshot(path=str(shots / "organisation.png"), full_page=True)
    assert page.dialogs == []
    context.close()
    assert other != ann
