"""Issue 12, class 1 (the parser's side): nothing is cut away. The message keeps the full text, quoted history and
signatures are only marked (meta.email.folds) and folded on the ticket page behind a "show quoted text" toggle,
for plain-text and HTML mail; only a reply's new text counts as new for the listeners. Batched intake, both
databases, the real ticket page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import select

from frontline.accounts.auth import authenticate_token
from frontline.channels.email.models import Mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.search.service import search
from frontline.tickets import hooks
from frontline.tickets.models import Status, Ticket, TicketEvent
from frontline.tickets.service import set_status
from tests.channels.email.conftest import make_mail
from tests.channels.email.fidelity import deliver, fixture, stored
from tests.web.conftest import browser_for  # noqa: F401  (the fixture)

DETAILS = re.compile(r'<details class="folded"><summary>([^<]+)</summary>(.*?)</details>', re.DOTALL)


def _page(browser_for: Any, desk: Any, ticket_id: int) -> str:  # noqa: F811
    page = browser_for(desk.agent1).get(f"/ui/tickets/{ticket_id}")
    assert page.status_code == 200
    return str(page.text)


def _folded(page: str) -> list[tuple[str, str]]:
    return [(summary, html.unescape(inner)) for summary, inner in DETAILS.findall(page)]


def test_forwarded_original_message_is_kept_and_folded(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, browser_for: Any) -> None:  # noqa: F811
    [result] = deliver(database, email_settings, mailbox, fixture("forward_original_message.eml"))
    mail = stored(database, result)
    assert mail.message is not None
    text = mail.message.body_text
    assert text.startswith("Please check this invoice, the amount looks wrong.\n\n-----Original Message-----")
    assert text.endswith("Amount due: 1,250.00 EUR, account 40817810099910004312.")
    assert mail.meta["folds"] == {"text": {"quote": text.index("-----Original Message-----")}}
    page = _page(browser_for, desk, result.ticket_id or 0)
    [(summary, inner)] = _folded(page)
    assert summary == "Show quoted text"
    assert inner.startswith("-----Original Message-----") and "40817810099910004312" in inner
    assert "Please check this invoice" in page.split('<details class="folded">')[0]


def test_phone_number_after_the_signature_line_is_kept(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, browser_for: Any) -> None:  # noqa: F811
    [result] = deliver(database, email_settings, mailbox, fixture("signature_phone.eml"))
    mail = stored(database, result)
    assert mail.message is not None and mail.message.body_text.endswith("Client Ltd., purchasing\n+49 30 1234 5678")
    [(summary, inner)] = _folded(_page(browser_for, desk, result.ticket_id or 0))
    assert summary == "Show signature" and inner.startswith("-- \nOlga Smirnova") and "+49 30 1234 5678" in inner


def test_html_reply_keeps_its_quote_behind_the_toggle_and_only_new_text_is_new(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, browser_for: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_listeners", {kind: dict(named) for kind, named in hooks._listeners.items()})
    said: list[str] = []
    hooks.listen("customer_message", "test.what_is_new", lambda db, event: said.append(event.text))
    [first] = deliver(database, email_settings, mailbox, make_mail(subject="VPN", body="The VPN drops."))
    ticket = first.ticket_id
    gmail, outlook = deliver(database, email_settings, mailbox, fixture("html_reply_gmail.eml", ticket=ticket),
                             fixture("html_reply_outlook.eml", ticket=ticket))
    assert (gmail.status, gmail.ticket_id, outlook.status, outlook.ticket_id) == ("joined", ticket, "joined", ticket)
    assert said == ["It works now, thank you!", "Still broken after the restart."]
    for result, new, old in ((gmail, "It works now", "Old history: ticket opened on 1 March."),
                             (outlook, "Still broken after the restart.", "Please restart the VPN client.")):
        mail = stored(database, result)
        assert mail.message is not None and mail.message.body_html is not None
        assert old in mail.message.body_text and old in mail.message.body_html  # stored whole
        fold = mail.meta["folds"]["html"]["quote"]
        assert new in mail.message.body_html[:fold] and old in mail.message.body_html[fold:]
        with database.session(write=False) as db:
            boss = authenticate_token(db, desk.supervisor.token)
            hits = [h for h in search(db, boss, new) if h.kind == "message" and h.ref_id == result.message_id]
        assert len(hits) == 1 and hits[0].snippet.startswith(new)  # indexed, and the new text comes first
    page = _page(browser_for, desk, ticket or 0)
    folded = _folded(page)
    assert [summary for summary, _ in folded] == ["Show quoted text", "Show quoted text"]
    assert "Old history: ticket opened on 1 March." in folded[0][1] and "divRplyFwdMsg" not in page
    assert "<b>From:</b> Desk Support" in folded[1][1]  # Outlook's reply header folds with the history
    shown = DETAILS.sub("", page)
    assert "It works now, <b>thank you</b>!" in shown and "Still broken after the restart." in shown
    assert "Old history" not in shown and "Please restart the VPN client." not in shown


def test_a_reply_that_is_all_quote_is_shown_whole(database: Database, email_settings: Settings,
                                                  mailbox: Mailbox) -> None:
    [result] = deliver(database, email_settings, mailbox, make_mail(body="> only what you wrote\n> before"))
    mail = stored(database, result)
    assert mail.message is not None and mail.message.body_text == "> only what you wrote\n> before"
    assert "folds" not in mail.meta


def test_a_reply_on_a_waiting_ticket_reopens_it_and_only_its_new_text_is_new(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The e-mail path adds the message the way every channel does (tickets.messages.add_customer_message): a
    pending ticket reopens, and the listeners get what the reply adds, not the quote, whatever the status."""
    monkeypatch.setattr(hooks, "_listeners", {kind: dict(named) for kind, named in hooks._listeners.items()})
    said: list[str] = []
    hooks.listen("customer_message", "test.what_is_new", lambda db, event: said.append(event.text))
    [first] = deliver(database, email_settings, mailbox, make_mail(subject="VPN", body="The VPN drops.",
                                                                   message_id="<vpn-wait@client.example>"))
    with database.session() as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None
        set_status(db, ticket, Status.pending, None)
    quoted = "Still dropping every hour.\n\nOn Mon, 2 Mar 2026, Desk Support wrote:\n> Is it better now?\n"
    [reply] = deliver(database, email_settings, mailbox, make_mail(
        subject="Re: VPN", in_reply_to="<vpn-wait@client.example>", body=quoted))
    assert (reply.status, reply.ticket_id) == ("joined", first.ticket_id)
    assert said == ["Still dropping every hour."]
    mail = stored(database, reply)
    assert mail.message is not None and "> Is it better now?" in mail.message.body_text  # stored whole
    with database.session(write=False) as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None and ticket.status == Status.open
        assert mail.message.author_contact_id == ticket.contact_id is not None
        kinds = db.execute(select(TicketEvent.kind, TicketEvent.field, TicketEvent.new_value).where(
            TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
    assert kinds[-2:] == [("changed", "status", "open"), ("message", None, None)]
