"""Admin pages for support lines, skills and mailboxes, over the real app on SQLite and PostgreSQL; the mailbox
connection test against real servers (dovecot for IMAP, aiosmtpd for SMTP)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from frontline.accounts.models import Team, User
from frontline.channels.email.models import Mailbox
from frontline.routing.models import TeamRouting
from frontline.routing.skills import Skill
from frontline.tickets.models import Ticket
from tests.channels.email.conftest import (
    DOVECOT,
    MAIL_PASSWORD,
    MAIL_USER,
    SMTP_PASSWORD,
    SMTP_USER,
    Dovecot,
    free_port,
    start_dovecot,
)
from tests.factories import make_team
from tests.web.conftest import make_ticket
from tests.web.mailserver import mail_cert_fixture, mail_settings, smtp_fixture  # noqa: F401


@pytest.fixture(scope="module")
def dovecot(mail_cert) -> Iterator[Dovecot]:  # type: ignore[no-untyped-def]
    if not DOVECOT.exists():
        pytest.skip("dovecot is not installed: run `make test` (scripts/system-deps.sh installs dovecot-imapd)")
    server = start_dovecot(Path(tempfile.mkdtemp(prefix="frontline-dovecot-")), *mail_cert)
    yield server
    server.stop()


# --- lines ---


def test_lines_page_sets_line_escalation_target_and_strategy(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    specialists = make_team(database, "Network specialists", "L2")
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/lines")
    assert page.status_code == 200
    assert 'id="line-L1"' in page.text and "First line" in page.text and "Second line" in page.text
    assert "by default to Second line" in page.text  # the first L2 team, as routing picks it
    saved = admin.post(f"/ui/admin/lines/teams/{desk.l1.id}", {
        "line": "L1", "escalation_team_id": str(specialists.id), "strategy": "least_loaded",
        "default_capacity": "7"})
    assert saved.status_code == 303
    with database.session() as db:
        routing = db.get(TeamRouting, desk.l1.id)
        assert (routing.escalation_team_id, routing.strategy, routing.default_capacity) == (
            specialists.id, "least_loaded", 7)
    ticket_id = make_ticket(database, desk.l1.id)
    admin.post(f"/ui/tickets/{ticket_id}/escalate", {"reason": "needs the network people"})
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
        assert (ticket.team_id, ticket.line) == (specialists.id, "L2")
    moved = admin.post(f"/ui/admin/lines/teams/{specialists.id}", {"line": "L3", "strategy": "manual",
                                                                     "default_capacity": "20"})
    assert moved.status_code == 303
    with database.session() as db:
        assert db.get(Team, specialists.id).line == "L3"
    assert 'selected>Network specialists (L3)' in admin.get("/ui/admin/lines").text


def test_lines_page_refuses_bad_input_with_a_message(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    itself = admin.post(f"/ui/admin/lines/teams/{desk.l1.id}", {"line": "L1", "escalation_team_id": str(desk.l1.id),
                                                                 "strategy": "manual", "default_capacity": "20"})
    assert itself.status_code == 422 and "cannot escalate to itself" in itself.text
    for bad in ({"line": "L9"}, {"strategy": "random"}, {"default_capacity": "0"}, {"default_capacity": "x"}):
        response = admin.post(f"/ui/admin/lines/teams/{desk.l1.id}", {"line": "L1", "strategy": "manual",
                                                                       "default_capacity": "20", **bad})
        assert response.status_code == 422, bad
    assert admin.post("/ui/admin/lines/teams/999999", {"line": "L1"}).status_code == 404
    with database.session() as db:
        assert db.get(TeamRouting, desk.l1.id) is None


def test_admin_sections_are_for_administrators_only(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    agent = browser_for(desk.agent1)
    for url in ("/ui/admin/lines", "/ui/admin/skills", "/ui/admin/mailboxes"):
        assert agent.get(url).status_code == 403, url
    assert agent.post(f"/ui/admin/lines/teams/{desk.l1.id}", {"line": "L3"}).status_code == 403
    assert agent.post("/ui/admin/skills", {"name": "sql"}).status_code == 403
    assert agent.post("/ui/admin/mailboxes", {"name": "x", "address": "x@desk.example"}).status_code == 403


# --- skills ---


def test_skills_catalogue_and_agents_skills_and_languages(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/skills", {"name": "  Billing ", "description": "invoices, refunds"}).status_code == 303
    assert admin.post("/ui/admin/skills", {"name": "VPN"}).status_code == 303
    duplicate = admin.post("/ui/admin/skills", {"name": "billing"})
    assert duplicate.status_code == 409 and "already exists" in duplicate.text
    assert admin.post("/ui/admin/skills", {"name": "<script>"}).status_code == 422
    user_id = desk.agent1.user.id
    saved = admin.post(f"/ui/admin/skills/agents/{user_id}", {"skill": ["billing", "vpn"], "languages": "ru, EN"})
    assert saved.status_code == 303
    with database.session() as db:
        user = db.get(User, user_id)
        assert (user.skills, user.languages) == (["billing", "vpn"], ["en", "ru"])
    page = admin.get("/ui/admin/skills").text
    assert f'value="billing" form="agent-form-{user_id}" checked' in page
    assert admin.post(f"/ui/admin/skills/agents/{user_id}", {"skill": ["cooking"]}).status_code == 422
    assert admin.post(f"/ui/admin/skills/agents/{user_id}", {"languages": "russian!"}).status_code == 422
    with database.session() as db:
        vpn = db.scalar(select(Skill).where(Skill.name == "vpn"))
    assert admin.post(f"/ui/admin/skills/{vpn.id}/delete").status_code == 303
    with database.session() as db:
        assert db.get(User, user_id).skills == ["billing"]
        assert db.scalar(select(Skill.name).where(Skill.name == "vpn")) is None


def test_skills_held_outside_the_catalogue_can_be_adopted(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        db.get(User, desk.agent2.user.id).skills = ["linux"]
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/skills").text
    assert "Held by agents but not in the catalogue" in page and "+ linux" in page
    admin.post("/ui/admin/skills", {"name": "linux"})
    assert "+ linux" not in admin.get("/ui/admin/skills").text


# --- mailboxes ---


def _mailbox_form(**fields: str) -> dict[str, str]:
    form = {"name": "sales", "address": "sales@desk.example", "display_name": "Sales desk", "is_active": "on",
            "default_priority": "normal", "closed_reply": "follow_up", "imap_host": "imap.desk.example",
            "imap_port": "", "imap_security": "ssl", "imap_user": "sales", "imap_password": "imap-pass-XYZ",
            "imap_folder": "INBOX", "smtp_host": "smtp.desk.example", "smtp_port": "587", "smtp_security": "starttls",
            "smtp_user": "sales", "smtp_password": "smtp-pass-XYZ", "auto_ack": "on"}
    form.update(fields)
    return form


def _edit_form(page_fields: dict[str, str], **changes: str) -> dict[str, str]:
    form = _mailbox_form(**page_fields)
    form.pop("name")
    form.update({"auto_ack_subject_en": "Got it [{number}]", "auto_ack_body_en": "Hello {name}",
                 "auto_ack_subject_ru": "Получено [{number}]", "auto_ack_body_ru": "Здравствуйте, {name}"})
    form.update(changes)
    return form


def _stored(database, name: str = "sales") -> Mailbox:  # type: ignore[no-untyped-def]
    with database.session() as db:
        mailbox = db.scalar(select(Mailbox).where(Mailbox.name == name))
        db.expunge(mailbox)
        return mailbox


def test_mailbox_create_edit_passwords_never_echoed(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    created = admin.post("/ui/admin/mailboxes", _mailbox_form(team_id=str(desk.l2.id), default_line="L2",
                                                               default_priority="high"))
    assert created.status_code == 303 and created.headers["location"] == "/ui/admin/mailboxes/sales"
    stored = _stored(database)
    assert (stored.imap_password, stored.smtp_password) == ("imap-pass-XYZ", "smtp-pass-XYZ")  # as the service keeps
    assert (stored.imap_port, stored.team_id, stored.default_line, stored.default_priority) == (993, desk.l2.id, "L2",
                                                                                                 "high")
    assert stored.auto_ack_subject_ru.startswith("Ваше обращение")  # the built-in texts
    page = admin.get("/ui/admin/mailboxes/sales").text
    assert "imap-pass-XYZ" not in page and "smtp-pass-XYZ" not in page
    assert 'name="imap_password" type="password" value=""' in page and "stored; leave empty to keep" in page
    assert "sales@desk.example" in admin.get("/ui/admin/mailboxes").text
    # an empty password field keeps the stored password; other fields change
    saved = admin.post("/ui/admin/mailboxes/sales", _edit_form({}, imap_password="", smtp_password="",
                                                               display_name="Sales", imap_port="1993"))
    assert saved.status_code == 303
    stored = _stored(database)
    assert (stored.imap_password, stored.smtp_password, stored.display_name, stored.imap_port) == (
        "imap-pass-XYZ", "smtp-pass-XYZ", "Sales", 1993)
    assert (stored.auto_ack_subject_en, stored.auto_ack_body_ru) == ("Got it [{number}]", "Здравствуйте, {name}")
    # a new password replaces it; the clear box removes it
    admin.post("/ui/admin/mailboxes/sales", _edit_form({}, imap_password="new-imap", smtp_password="",
                                                       clear_smtp_password="on"))
    stored = _stored(database)
    assert (stored.imap_password, stored.smtp_password) == ("new-imap", None)
    # switching off and on from the list
    assert admin.post("/ui/admin/mailboxes/sales/active").status_code == 303
    assert _stored(database).is_active is False
    admin.post("/ui/admin/mailboxes/sales", _edit_form({}, is_active="", auto_ack=""))
    assert (_stored(database).is_active, _stored(database).auto_ack) == (False, False)


def test_mailbox_bad_input_is_explained_not_500(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    for fields, text in (({"address": "not-an-address"}, "Address: the value is not valid."),
                         ({"imap_port": "70000"}, "IMAP port: the value is not valid."),
                         ({"smtp_port": "abc"}, "SMTP port: the value is not valid."),
                         ({"name": "bad name!"}, "Name: the value is not valid.")):
        response = admin.post("/ui/admin/mailboxes", _mailbox_form(**fields))
        assert response.status_code == 422 and text in response.text, fields
        assert "imap-pass-XYZ" not in response.text  # not even after an error
    assert admin.post("/ui/admin/mailboxes", _mailbox_form(team_id="999999")).status_code == 422
    admin.post("/ui/admin/mailboxes", _mailbox_form())
    assert admin.post("/ui/admin/mailboxes", _mailbox_form()).status_code == 409
    edit = admin.post("/ui/admin/mailboxes/sales", _edit_form({}, smtp_port="0"))
    assert edit.status_code == 422 and "SMTP port: the value is not valid." in edit.text
    assert admin.get("/ui/admin/mailboxes/nope").status_code == 404


def test_test_connection_against_real_servers(browser_for, desk, database, dovecot, smtp) -> None:  # type: ignore[no-untyped-def]
    _capture, smtp_port = smtp
    admin = browser_for(desk.admin)
    admin.post("/ui/admin/mailboxes", _mailbox_form(
        imap_host="127.0.0.1", imap_port=str(dovecot.port), imap_security="starttls", imap_user=MAIL_USER,
        imap_password=MAIL_PASSWORD, smtp_host="127.0.0.1", smtp_port=str(smtp_port), smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD))
    good = admin.post("/ui/admin/mailboxes/sales/test")
    assert good.status_code == 200
    assert 'id="check-imap" role="status"><strong>IMAP:</strong> Connected.' in good.text
    assert 'id="check-smtp" role="status"><strong>SMTP:</strong> Connected.' in good.text
    assert MAIL_PASSWORD not in good.text and SMTP_PASSWORD not in good.text
    admin.post("/ui/admin/mailboxes/sales", _edit_form({}, imap_host="127.0.0.1", imap_port=str(dovecot.port),
                                                       imap_security="starttls", imap_user=MAIL_USER,
                                                       imap_password="wrong", imap_folder="NoSuchFolder",
                                                       smtp_host="127.0.0.1", smtp_port=str(smtp_port),
                                                       smtp_security="none", smtp_user=SMTP_USER))
    wrong = admin.post("/ui/admin/mailboxes/sales/test")
    # IMAP: dovecot refuses the password; SMTP: without TLS the test server offers no login at all
    assert wrong.status_code == 200 and wrong.text.count("The server refused the login.") == 2
    assert "AUTHENTICATIONFAILED" in wrong.text and "offers no login" in wrong.text
    admin.post("/ui/admin/mailboxes/sales", _edit_form({}, imap_host="127.0.0.1", imap_port=str(dovecot.port),
                                                       imap_security="starttls", imap_user=MAIL_USER,
                                                       imap_password=MAIL_PASSWORD, imap_folder="NoSuchFolder",
                                                       smtp_host="127.0.0.1", smtp_port=str(free_port()),
                                                       smtp_security="none", smtp_user=""))
    other = admin.post("/ui/admin/mailboxes/sales/test")
    assert "The folder does not exist on the server." in other.text
    assert "The server refused the connection." in other.text


def test_test_connection_reports_tls_and_missing_settings(browser_for, desk, database, dovecot, smtp) -> None:  # type: ignore[no-untyped-def]
    _capture, smtp_port = smtp
    admin = browser_for(desk.admin)
    admin.post("/ui/admin/mailboxes", _mailbox_form(imap_host="", imap_user="", imap_password="",
                                                    smtp_host="127.0.0.1", smtp_port=str(smtp_port),
                                                    smtp_security="ssl"))
    page = admin.post("/ui/admin/mailboxes/sales/test")
    assert page.status_code == 200
    assert "IMAP:</strong> Not configured" in page.text
    assert "SMTP:</strong> The secure connection failed." in page.text  # implicit TLS against a STARTTLS port
    admin.post("/ui/admin/mailboxes", _mailbox_form(name="bad-host", imap_host="no-such-host.invalid",
                                                    imap_port="993", smtp_host=""))
    resolved = admin.post("/ui/admin/mailboxes/bad-host/test")
    assert "The server name cannot be resolved." in resolved.text and "SMTP:</strong> Not configured" in resolved.text


def test_mailbox_pages_in_russian(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        db.get(User, desk.admin.user.id).language = "ru"
    admin = browser_for(desk.admin)
    assert "Добавить почтовый ящик" in admin.get("/ui/admin/mailboxes").text
    assert "Линии поддержки" in admin.get("/ui/admin/lines").text
    assert "Справочник" in admin.get("/ui/admin/skills").text


def test_users_and_teams_bad_input_is_explained_not_500(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    for form in ({"email": "nope", "name": "X", "password": "long enough 1"},
                 {"email": "x@desk.example", "name": "X", "password": "short"},
                 {"email": "x@desk.example", "name": "X", "password": "long enough 1", "role": "king"}):
        response = admin.post("/ui/admin/users", form)
        assert response.status_code == 422, form
    duplicate = admin.post("/ui/admin/users", {"email": desk.agent1.user.email, "name": "X",
                                               "password": "long enough 1"})
    assert duplicate.status_code == 409
    assert admin.post("/ui/admin/teams", {"name": "First line"}).status_code == 409
    assert admin.post("/ui/admin/tokens", {"name": ""}).status_code == 422


def test_admin_edits_role_line_and_teams_of_a_user(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    from frontline.accounts.service import team_ids_of

    admin = browser_for(desk.admin)
    user_id = desk.agent1.user.id
    page = admin.get("/ui/admin").text
    assert f'id="user-form-{user_id}"' in page
    moved = admin.post(f"/ui/admin/users/{user_id}", {"role": "supervisor", "line": "L2",
                                                      "team_ids": [str(desk.l2.id)]})
    assert moved.status_code == 303
    with database.session() as db:
        user = db.get(User, user_id)
        assert (user.role, user.line, team_ids_of(db, [user_id])[user_id]) == ("supervisor", "L2", [desk.l2.id])
    l2_section = admin.get("/ui/admin/lines").text.split('id="line-L2"')[1].split("</section>")[0]
    assert f'<span class="tag">{desk.agent1.user.name}</span>' in l2_section
    assert admin.post(f"/ui/admin/users/{user_id}", {"role": "king"}).status_code == 422
    assert admin.post(f"/ui/admin/users/{user_id}", {"role": "agent", "team_ids": ["999999"]}).status_code == 422
    itself = admin.post(f"/ui/admin/users/{desk.admin.user.id}", {"role": "agent"})
    assert itself.status_code == 422 and "your own administrator role" in itself.text
    assert admin.post("/ui/admin/users/999999", {"role": "agent"}).status_code == 404


def test_new_users_are_agents_unless_chosen_otherwise(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    page = browser_for(desk.admin).get("/ui/admin").text
    add_form = page.split('action="/ui/admin/users" class="grid-form"')[1]
    assert '<option value="agent" selected>' in add_form and '<option value="admin" selected>' not in add_form
