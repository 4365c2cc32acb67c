"""Issue 12, class 7: format=flowed (RFC 3676) is unflowed by quote depth; a new line is never glued onto a quoted
one, DelSp is honoured; through the batched intake on both databases."""

from __future__ import annotations

from frontline.channels.email.mime_walk import unflow
from frontline.channels.email.models import Mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from tests.channels.email.fidelity import deliver, fixture, stored

EXPECTED = (
    "Thanks, the VPN works again after the re-start.\n"
    "On Monday, Desk Support wrote:\n"
    "> Please restart the client and tell us whether the connection stays up for an hour.\n"
    ">> Earlier: the VPN drops every ten minutes.\n"
    "It stayed up all morning, so the ticket can be closed.\n"
    "-- \n"
    "Olga"
)


def test_flowed_reply_is_unflowed_per_quote_depth(database: Database, email_settings: Settings,
                                                  mailbox: Mailbox) -> None:
    [result] = deliver(database, email_settings, mailbox, fixture("flowed_reply.eml"))
    mail = stored(database, result)
    assert mail.message is not None and mail.message.body_text == EXPECTED
    # bottom-posted: the answer below the quote stays visible, only the signature folds
    assert mail.meta["folds"] == {"text": {"signature": EXPECTED.index("-- ")}}


def test_paragraphs_never_cross_a_change_of_quote_depth() -> None:
    text = "my answer \n> quoted and flowed \n>> deeper \nnew text again \n> back in the quote"
    assert unflow(text, delsp=False).split("\n") == [
        "my answer", "> quoted and flowed", ">> deeper", "new text again", "> back in the quote"]


def test_delsp_removes_only_the_soft_break_space() -> None:
    assert unflow("Hyphen- \nated and wrap  \nped", delsp=True) == "Hyphen-ated and wrap ped"
    assert unflow("Hyphen- \nated", delsp=False) == "Hyphen- ated"


def test_space_stuffing_and_the_signature_separator() -> None:
    assert unflow(" From the start \nof the line\n-- \nsig", delsp=False) == "From the start of the line\n-- \nsig"
    assert unflow("> ends with a flowed line \n-- \nsig", delsp=False) == "> ends with a flowed line\n-- \nsig"
