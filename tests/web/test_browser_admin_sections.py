"""Admin pages for lines, skills and mailboxes in a real browser (headless Chromium), English and Russian, on
SQLite and PostgreSQL: a team's escalation target, a skill given to an agent, a mailbox created and its
connection tested against a real SMTP server. Screenshots in test-artifacts/web-admin/ (users, lines,
skills, mailbox; `-ru` for the Russian run, `-postgresql` for that database)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from frontline.accounts.models import User
from frontline.channels.email.models import Mailbox
from frontline.routing.models import TeamRouting
from tests.channels.email.conftest import SMTP_PASSWORD, SMTP_USER
from tests.factories import PASSWORD, make_team
from tests.web.mailserver import mail_cert_fixture, mail_settings, smtp_fixture  # noqa: F401
from tests.web.test_browser_flows import LOCALES

TEXT = {"en": {"connected": "Connected.", "not_configured": "Not configured"},
        "ru": {"connected": "Соединение установлено.", "not_configured": "Не настроено"}}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_admin_sets_lines_skills_and_a_mailbox_in_the_browser(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, database_url, artifacts_dir, smtp, language
) -> None:
    _capture, smtp_port = smtp
    shots = artifacts_dir / "web-admin"
    shots.mkdir(parents=True, exist_ok=True)
    suffix = ("" if language == "en" else "-ru") + ("" if database_url.startswith("sqlite") else "-postgresql")
    specialists = make_team(database, "Network specialists", "L2")
    with database.session() as db:
        db.execute(update(User).where(User.id == desk.admin.user.id).values(language=language))
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures: list[str] = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.on("dialog", lambda dialog: (failures.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_url}/login")
    page.fill('input[name="email"]', desk.admin.user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/ui/queues/mine")

    page.goto(f"{live_url}/ui/admin")
    page.screenshot(path=str(shots / f"users{suffix}.png"), full_page=True)
    page.click('a[href="/ui/admin/lines"]')
    form = f"#team-{desk.l1.id}"
    page.select_option(f'{form} select[name="escalation_team_id"]', str(specialists.id))
    page.select_option(f'{form} select[name="strategy"]', "least_loaded")
    page.click(f'{form} button[type="submit"]')
    page.wait_for_url("**/ui/admin/lines?done=team_saved")
    assert page.inner_text("#notice")  # "Team saved.", in the page's language
    page.screenshot(path=str(shots / f"lines{suffix}.png"), full_page=True)
    with database.session() as db:
        routing = db.get(TeamRouting, desk.l1.id)
        assert (routing.escalation_team_id, routing.strategy) == (specialists.id, "least_loaded")

    page.goto(f"{live_url}/ui/admin/skills")
    page.fill('#add-skill input[name="name"]', "billing")
    page.click('#add-skill button[type="submit"]')
    page.wait_for_selector("#skill-list .tag >> text=billing")
    row = f"#agent-{desk.agent1.user.id}"
    page.check(f'{row} input[name="skill"][value="billing"]')
    page.fill(f'{row} input[name="languages"]', "ru, en")
    page.click(f'{row} button[type="submit"]')
    page.wait_for_selector(f'{row} input[name="skill"][value="billing"]:checked')
    page.screenshot(path=str(shots / f"skills{suffix}.png"), full_page=True)
    with database.session() as db:
        agent = db.get(User, desk.agent1.user.id)
        assert (agent.skills, agent.languages) == (["billing"], ["en", "ru"])

    page.goto(f"{live_url}/ui/admin/mailboxes")
    new = "#new-mailbox"
    page.fill(f'{new} input[name="name"]', "support")
    page.fill(f'{new} input[name="address"]', "support@desk.example")
    page.select_option(f'{new} select[name="team_id"]', str(desk.l1.id))
    page.fill(f'{new} input[name="smtp_host"]', "127.0.0.1")
    page.fill(f'{new} input[name="smtp_port"]', str(smtp_port))
    page.fill(f'{new} input[name="smtp_user"]', SMTP_USER)
    page.fill(f'{new} input[name="smtp_password"]', SMTP_PASSWORD)
    page.click(f'{new} button[type="submit"]')
    page.wait_for_url("**/ui/admin/mailboxes/support")
    page.click('#connection-test button[type="submit"]')
    page.wait_for_selector("#check-smtp")
    assert TEXT[language]["connected"] in page.inner_text("#check-smtp")
    assert TEXT[language]["not_configured"] in page.inner_text("#check-imap")
    assert page.input_value('input[name="smtp_password"]') == ""  # the stored password never comes back
    assert SMTP_PASSWORD not in page.content()
    page.screenshot(path=str(shots / f"mailbox{suffix}.png"), full_page=True)
    with database.session() as db:
        assert db.scalar(select(Mailbox.smtp_password).where(Mailbox.name == "support")) == SMTP_PASSWORD
    assert failures == []
    context.close()
