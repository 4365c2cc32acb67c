"""The search index on both databases: a ticket's number opens it (only for those who may see it), every way a
ticket or message is written is indexed (the demo too), `frontline search reindex` rebuilds it, and the index
keeps no copy of the text (migration 0310 carries an existing index over and back)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from frontline import wiring
from frontline.accounts.auth import authenticate_token
from frontline.accounts.models import User
from frontline.accounts.principal import Principal
from frontline.channels.email.models import Mailbox
from frontline.cli.main import app as cli
from frontline.contacts.models import Contact
from frontline.demo.build import build_demo
from frontline.kit.db import Database, get_database
from frontline.kit.migrate import alembic_config, upgrade
from frontline.kit.settings import Settings, get_settings
from frontline.search import queries
from frontline.search.models import SearchDoc
from frontline.search.service import search, ticket_number
from frontline.tickets.models import Message, Ticket
from frontline.workforce import demo_plan
from tests.channels.email.conftest import email_settings, mail_cert, mailbox, make_mail  # noqa: F401
from tests.channels.email.fidelity import deliver
from tests.web.conftest import browser_for, csrf_of, make_ticket  # noqa: F401


def _found(database: Database, desk: Any, query: str) -> list[tuple[str, int | None]]:
    """What the supervisor's search for `query` finds: (kind, ticket) of each hit."""
    with database.session(write=False) as db:
        return [(h.kind, h.ticket_id) for h in search(db, authenticate_token(db, desk.supervisor.token), query)]


def test_ticket_number_is_read_in_every_usual_spelling() -> None:
    for query in ("FL-13019", "fl-13019", "FL13019", " #13019 ", "13019", "# 13019"):
        assert ticket_number(query, "FL") == 13019, query
    for query in ("FL-13019 printer", "13019 13020", "XY-13019", "", "#", "printer", "-13019"):
        assert ticket_number(query, "FL") is None, query


def test_number_opens_the_ticket_only_for_who_may_see_it(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ticket_id = make_ticket(database, desk.l1.id, subject="Label printer offline")
    mine, other = browser_for(desk.agent1), browser_for(desk.agent2)
    for query in (f"FL-{ticket_id}", str(ticket_id), f"#{ticket_id}", f"fl{ticket_id}"):
        page = mine.get("/ui/search", params={"q": query}, follow_redirects=False)
        assert (page.status_code, page.headers.get("location")) == (303, f"/ui/tickets/{ticket_id}"), query
    missing = ticket_id + 1000
    for number in (ticket_id, missing):  # hidden and not existing look the same: nothing tells the ticket exists
        page = other.get("/ui/search", params={"q": f"FL-{number}"}, follow_redirects=False)
        assert page.status_code == 200 and "Nothing found." in page.text and "Label printer" not in page.text
        assert f'href="/ui/tickets/{ticket_id}"' not in page.text
    page = mine.get("/ui/search", params={"q": f"FL-{ticket_id} printer"}, follow_redirects=False)
    assert page.status_code == 200  # a number among other words is a text search


def test_every_write_path_indexes(client, browser_for, desk, database, email_settings,  # type: ignore[no-untyped-def]  # noqa: F811
                                  mailbox: Mailbox) -> None:  # noqa: F811
    created = client.post("/api/v1/tickets", headers=desk.admin.headers, json={
        "subject": "Xylophone order", "description": "Ordered a kazoo", "team_id": desk.l1.id,
        "customer": {"email": "zed@client.example", "name": "Zebedee Quartermain"}})
    assert created.status_code == 201, created.text
    api_ticket = created.json()["id"]
    reply = client.post(f"/api/v1/tickets/{api_ticket}/messages", headers=desk.admin.headers,
                        json={"kind": "reply", "body_text": "The quokka shipment left today."})
    assert reply.status_code == 201, reply.text
    ui = browser_for(desk.agent1).post(f"/ui/tickets/{api_ticket}/reply", {"body": "Wombat note", "kind": "note"})
    assert ui.status_code in (200, 303), ui.text
    [mail] = deliver(database, email_settings, mailbox, make_mail(subject="Narwhal", body="Tusks are late."))
    token = csrf_of(client.get("/portal").text)
    portal = client.post("/portal", data={"name": "Olga", "email": "olga@client.example", "subject": "Platypus",
                                          "description": "Beaver duck hybrid", "csrf": token})
    assert portal.status_code == 200, portal.text
    portal_ticket = int(re.search(r'id="ticket-number">FL-(\d+)<', portal.text).group(1))  # type: ignore[union-attr]
    assert ("ticket", api_ticket) in _found(database, desk, "xylophones")
    assert ("message", api_ticket) in _found(database, desk, "kazoo")
    assert ("message", api_ticket) in _found(database, desk, "quokka")
    assert ("message", api_ticket) in _found(database, desk, "wombats")
    assert ("contact", None) in _found(database, desk, "quartermain")
    assert ("ticket", mail.ticket_id) in _found(database, desk, "narwhal")
    assert ("message", mail.ticket_id) in _found(database, desk, "tusk")
    assert ("ticket", portal_ticket) in _found(database, desk, "platypus")
    assert ("message", portal_ticket) in _found(database, desk, "hybrid")


def test_a_merged_message_is_found_on_the_ticket_it_moved_to(client, desk, database) -> None:  # type: ignore[no-untyped-def]
    kept = make_ticket(database, desk.l1.id, subject="Monitor flickers")
    moved = make_ticket(database, desk.l2.id, subject="Screen", description="The gazebo monitor flickers")
    r = client.post(f"/api/v1/tickets/{moved}/merge", json={"into": str(kept)}, headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    assert _found(database, desk, "gazebo") == [("message", kept)]
    with database.session(write=False) as db:  # agent1 sees the surviving ticket only: the message is there
        hits = search(db, authenticate_token(db, desk.agent1.token), "gazebo")
    assert [(h.kind, h.ticket_id, h.title) for h in hits] == [("message", kept, "Monitor flickers")]


def test_the_best_match_comes_first(database: Database, desk: Any) -> None:
    """Defect: on PostgreSQL hits came in the table's physical order (no ranking), so the order changed after a
    reindex and a ticket that is all about the words could come last."""
    wordy = make_ticket(database, desk.l1.id, subject="Weekly report", description=" ".join(
        ["The weekly report lists the open orders, the shipping delays and the returns of the month."] * 4
        + ["Firmware was mentioned once."]))
    about = make_ticket(database, desk.l1.id, subject="Router", description="Firmware update: the firmware fails, "
                        "firmware 2.1 again")
    found = _found(database, desk, "firmware")
    assert found[0] == ("message", about) and ("message", wordy) in found[1:], found


@pytest.fixture
def demo_desk(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", database.url)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))  # the demo token file goes there
    get_settings.cache_clear()
    monkeypatch.setattr(demo_plan, "publish_demo_plans", lambda database, console=None: 0)  # slow, not looked at
    build_demo(database, tickets=200, months=1, seed=5)
    yield database
    get_settings.cache_clear()


def _indexed(db: Any, kind: str) -> set[int]:
    return set(db.scalars(select(SearchDoc.ref_id).where(SearchDoc.kind == kind)))


def _boss_of(db: Any) -> Principal:
    return Principal(user_id=db.scalar(select(User.id).where(User.role == "admin")), role="admin")


def test_demo_history_is_indexed_and_reindex_restores_a_truncated_index(demo_desk: Database) -> None:
    with demo_desk.session(write=False) as db:
        tickets = set(db.scalars(select(Ticket.id)))
        messages = set(db.scalars(select(Message.id).where(func.length(func.trim(Message.body_text)) > 0)))
        contacts = set(db.scalars(select(Contact.id)))
        subject = db.scalar(select(Ticket.subject).order_by(Ticket.id))
        assert len(tickets) >= 100
        assert (_indexed(db, "ticket"), _indexed(db, "message"), _indexed(db, "contact")) == \
            (tickets, messages, contacts)
        boss = _boss_of(db)
        before = search(db, boss, subject)
    assert before and subject in {h.title for h in before}
    with demo_desk.session() as db:
        queries.clear(db)
    with demo_desk.session(write=False) as db:
        assert search(db, _boss_of(db), subject) == []
    result = CliRunner().invoke(cli, ["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"Search index rebuilt: {len(tickets) + len(messages) + len(contacts)} documents", result.output)
    with demo_desk.session(write=False) as db:
        assert search(db, _boss_of(db), subject) == before
        assert (_indexed(db, "ticket"), _indexed(db, "message"), _indexed(db, "contact")) == \
            (tickets, messages, contacts)


@pytest.fixture
def own_database(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of its own at the newest schema (it is migrated down and up, which the shared one must not be)."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database("frontline_search_migration")
    upgrade(url)
    yield url
    get_database(url).dispose()


def test_migration_keeps_the_index_without_the_text_and_back(own_database: str, settings: Settings) -> None:
    wiring.install(settings.model_copy(update={"database_url": own_database}))
    database = get_database(own_database)
    ticket_id = make_ticket(database, None, subject="Scanners keep jamming", description="Paper stuck daily")
    sqlite = database.is_sqlite
    with database.session(write=False) as db:
        if sqlite:  # contentless: the index answers, but holds no terms to read back
            assert db.execute(text("SELECT terms FROM search_fts")).scalars().all() == [None, None, None]
        columns = {c["name"] for c in db.connection().dialect.get_columns(db.connection(), "search_doc")}
        assert columns == {"id", "kind", "ref_id", "ticket_id", "tsv"}
    command.downgrade(alembic_config(own_database), "0300")
    with database.session(write=False) as db:
        bodies = dict(db.execute(text("SELECT kind, body FROM search_doc WHERE kind <> 'contact'")).all())
        assert bodies == {"ticket": "Scanners keep jamming", "message": "Paper stuck daily"}
        if sqlite:
            found = db.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'scanner'")).scalar()
            assert found == 1
    upgrade(own_database)
    with database.session(write=False) as db:
        assert queries.matching_ids(db, "scanner jammed", 10) and queries.matching_ids(db, "stuck papers", 10)
        kinds = db.execute(select(SearchDoc.kind, SearchDoc.ticket_id).where(
            SearchDoc.id.in_(queries.matching_ids(db, "jams", 10)))).all()
        assert [tuple(k) for k in kinds] == [("ticket", ticket_id)]


def test_a_contact_edit_and_merge_refresh_the_index(database, desk) -> None:  # type: ignore[no-untyped-def]
    from frontline.contacts import service as contacts
    from frontline.contacts.schemas import ContactCreate, ContactUpdate
    from frontline.tickets.customers import merge_contacts
    with database.session() as db:
        boss = authenticate_token(db, desk.supervisor.token)
        kept = contacts.create_contact(db, ContactCreate(name="Olga Petrova", emails=["olga@kept.example"]))
        gone = contacts.create_contact(db, ContactCreate(name="Zebulon Quist", emails=["zeb@gone.example"]))
        for c in (kept, gone):
            wiring.search.index_contact(db, c.id)
        contacts.update_contact(db, kept, ContactUpdate(name="Olga Marwick"))
        kept_id, gone_id = kept.id, gone.id
    with database.session(write=False) as db:
        boss = authenticate_token(db, desk.supervisor.token)
        assert [(h.kind, h.ref_id) for h in search(db, boss, "Marwick")] == [("contact", kept_id)]
    with database.session() as db:
        boss = authenticate_token(db, desk.supervisor.token)
        merge_contacts(db, db.get(Contact, gone_id), db.get(Contact, kept_id), boss)
    with database.session(write=False) as db:
        boss = authenticate_token(db, desk.supervisor.token)
        assert [(h.kind, h.ref_id) for h in search(db, boss, "zeb@gone.example")] == [("contact", kept_id)]
