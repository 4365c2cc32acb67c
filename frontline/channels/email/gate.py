"""`frontline mail-gate --mailbox NAME`: one message from an MTA's pipe, stored and queued in a fraction of a second.

An MTA (Postfix pipe, Exim pipe transport, procmail) starts one process per message, so this command does only
the first step of every intake: in one transaction it keeps the raw bytes (channels/email/rawstore.insert_raw,
the rule every intake uses) and queues the `email.intake` job (jobs/queue.add, the rule every enqueuer uses),
on its own DB-API connection: no SQLAlchemy, no Typer, no parser. The job runs where every job runs (the server's
runner on SQLite, `frontline worker` on PostgreSQL), wired like every process (frontline/wiring.py): routed,
clocked, classified, scored and indexed there. `frontline/cli/entry.py` sends `frontline mail-gate` here before
anything else is imported.

Exit codes follow sysexits.h, so the MTA does the right thing: 0 only once the message is stored, 75
(EX_TEMPFAIL: "try again later") for anything temporary such as an unreachable database, 67 (EX_NOUSER) for an
unknown mailbox, 65 (EX_DATAERR) for empty input, 64 (EX_USAGE) for a wrong command line.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import BinaryIO, TextIO

from frontline.channels.email.rawstore import INTAKE_JOB, RawStatus, insert_raw, mailbox_id
from frontline.jobs import queue
from frontline.kit.dbapi import Connection, database_url

EX_OK, EX_USAGE, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 64, 65, 67, 75
HELP = "Read one message on stdin and store it (for an MTA's pipe transport)."
USAGE = "usage: frontline mail-gate --mailbox NAME < message.eml"


class UnknownMailbox(LookupError):
    pass


def deliver(url: str, name: str, raw: bytes, *, driver: str | None = None) -> tuple[int, str]:
    """Store one message for the mailbox `name` and queue its processing; (exit code, what to tell the MTA).

    `driver` picks the PostgreSQL driver by name (kit/dbapi: psycopg2 unless told "psycopg")."""
    if not raw.strip():
        return EX_DATAERR, "mail-gate: empty message on stdin"
    try:
        with Connection(url, driver=driver) as connection, connection.transaction() as sql:
            found = mailbox_id(sql, name)
            if found is None:
                raise UnknownMailbox(name)
            stored = insert_raw(sql, found, raw, "gate", sql.time(datetime.now(UTC)))
            if stored.status == RawStatus.received:  # new, or stored before and never processed: finish it
                queue.add(sql, INTAKE_JOB, {"raw_id": stored.raw_id}, dedupe_key=str(stored.raw_id))
    except UnknownMailbox:
        return EX_NOUSER, f"mail-gate: no mailbox named '{name}'"
    except Exception as error:  # nothing stored: the MTA must keep the message and retry
        detail = " ".join(str(error).split())[:200]
        return EX_TEMPFAIL, f"mail-gate: temporary failure ({type(error).__name__}: {detail}); message not stored"
    return EX_OK, ""


def main(argv: list[str], stdin: BinaryIO | None = None, stderr: TextIO | None = None) -> int:
    """`frontline mail-gate ARGS`: parse the command line, read stdin, deliver; returns the exit code."""
    out = stderr or sys.stderr
    name: str | None = None
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in {"-h", "--help"}:
            print(f"{USAGE}\n\n{HELP}\n\n--mailbox NAME  Name of the receiving mailbox.", file=sys.stdout)
            return EX_OK
        if arg == "--mailbox" and args:
            name = args.pop(0)
        elif arg.startswith("--mailbox="):
            name = arg.split("=", 1)[1]
        else:
            print(f"{USAGE}\nmail-gate: unexpected argument {arg!r}", file=out)
            return EX_USAGE
    if not name:
        print(f"{USAGE}\nmail-gate: --mailbox is required", file=out)
        return EX_USAGE
    code, said = deliver(database_url(), name, (stdin or sys.stdin.buffer).read())
    if said:
        print(said, file=out)
    return code
