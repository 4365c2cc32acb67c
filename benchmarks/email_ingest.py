"""Email intake throughput: a local Maildir of mixed mail through the full intake, SQLite and PostgreSQL.

Run by hand: `.venv/bin/python benchmarks/email_ingest.py [--count 10000] [--db sqlite,postgresql]
[--per-message] [--no-listeners]`. Target: >= 300 messages/s on the 2-core dev machine, memory flat.

Each message: store the raw bytes (zlib, dedup key), parse, thread (Message-ID, [FL-N], reply token),
open a ticket or add a message (contact, CCs, attachments on disk, meta), queue the auto-acknowledgement,
commit; the desk's ticket listeners (routing, SLA, search index) run too, as in the web app
(`--no-listeners` leaves them out, to show their share). The Maildir is read the way the IMAP poller
works: batches of `intake.BATCH_SIZE` messages, each stored in one transaction and processed in one
(`intake.ingest_batch`); `--per-message` uses `intake.ingest`, two transactions per message, as the
mail-gate and the HTTP endpoint do.
The mix: new requests from 2,000 customers, replies by In-Reply-To, replies by [FL-N] subject, Russian
mail in windows-1251, HTML-only mail, small PDF attachments, automatic replies, redeliveries, and every
message of ../shared/corpus/email when that folder exists (each several times, with fresh Message-IDs).

Figures: messages/s (wall clock, depends on what else the machine runs), CPU ms per message of this
process (user + system; the load-independent figure), for PostgreSQL also the server's CPU per message,
and RSS. The load average is printed so a run on a busy machine can be recognised.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import psycopg
from _common import ROOT, database, process_tree_cpu

from frontline.api.app import create_app
from frontline.channels.email.intake import BATCH_SIZE, IntakeResult, ingest, ingest_batch
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.kit.settings import Settings
from frontline.tickets import hooks

CORPUS = ROOT.parent / "shared" / "corpus" / "email"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _mail(i: int, rng: random.Random, sent: list[str]) -> bytes:
    """One generated message; `sent` remembers Message-IDs so later mail can reply to them."""
    mail = EmailMessage()
    customer = rng.randrange(2000)
    mail["From"] = f"Customer {customer} <c{customer}@client{customer % 50}.example>"
    mail["To"] = "support@desk.example"
    mail["Message-ID"] = f"<gen-{i}@client.example>"
    kind = rng.random()
    if kind < 0.25 and sent:
        mail["Subject"] = "Re: my order"
        mail["In-Reply-To"] = rng.choice(sent[-500:])
        mail.set_content("Thanks, but it still does not work.\n\nOn Monday you wrote:\n> Please try again.\n")
    elif kind < 0.35:
        mail["Subject"] = f"Re: [FL-{10001 + rng.randrange(max(i // 2, 1))}] status?"
        mail.set_content("Any news on this?")
    elif kind < 0.50:
        mail["Subject"] = "Не работает оплата"
        mail.set_content("Здравствуйте! Оплата картой не проходит, ошибка 502.\n-- \nИван", charset="windows-1251")
    elif kind < 0.60:
        mail["Subject"] = "Invoice question"
        mail.set_content("Please see the invoice.")
        mail.add_alternative("<html><body><p>Please see the <b>invoice</b>.</p></body></html>", subtype="html")
        mail.add_attachment(rng.randbytes(20_000), maintype="application", subtype="pdf", filename=f"inv{i}.pdf")
    elif kind < 0.65:
        mail["Subject"] = "Automatic reply: out of office"
        mail["Auto-Submitted"] = "auto-replied"
        mail.set_content("I am out of the office until Monday.")
    else:
        mail["Subject"] = f"Order {rng.randrange(100000)} not delivered"
        mail.set_content("Hello,\n\nmy order has not arrived yet. Could you check?\n\nRegards\n")
    sent.append(mail["Message-ID"])
    return bytes(mail)


def build_maildir(path: Path, count: int, seed: int = 7) -> tuple[mailbox.Maildir, list[str]]:
    """Generated mail plus the corpus (with fresh Message-IDs so repeats are not deduplicated away), and the
    keys in the order the mail arrived (sorting Maildir names would not give it: their microseconds are not
    zero-padded, so replies would often come before the mail they answer, and differently in every run)."""
    rng = random.Random(seed)
    corpus = sorted(CORPUS.glob("*/*.eml")) if CORPUS.is_dir() else []
    box = mailbox.Maildir(str(path), create=True)
    keys: list[str] = []
    sent: list[str] = []
    last = b""
    for i in range(count):
        if corpus and i % 20 == 0:
            raw = corpus[(i // 20) % len(corpus)].read_bytes()
            raw = f"Message-ID: <corpus-{i}@bench.example>\r\n".encode() + raw
        elif i % 97 == 0 and last:  # a redelivery of the previous message by another relay: a duplicate
            raw = b"Received: from mx2.client.example by mx.desk.example; Mon, 1 Jan 2024 10:00:00 +0000\r\n" + last
        else:
            raw = last = _mail(i, rng, sent)
        keys.append(box.add(raw))
    return box, keys


def server_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL server behind `url` (postmaster and its backends); 0 for SQLite."""
    if not url.startswith("postgresql"):
        return 0.0
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    pid = int((Path(row[0]) / "postmaster.pid").read_text().split()[0])
    return process_tree_cpu(pid)


def run(kind: str, count: int, *, per_message: bool, listeners: bool) -> None:
    with database(kind) as url, tempfile.TemporaryDirectory(prefix="fl-mail-") as tmp:
        settings = Settings(database_url=url, data_dir=Path(tmp) / "data", log_json=False,
                            jobs_in_process=False)
        db = create_app(settings).state.database  # the desk's listeners, as in production
        if not listeners:
            hooks.clear()
        with db.session() as session:
            mailbox_id = create_mailbox(session, MailboxCreate(name="support", address="support@desk.example")).id
        box, keys = build_maildir(Path(tmp) / "Maildir", count)
        mode = "per message" if per_message else f"batches of {BATCH_SIZE}"
        print(f"\n{kind}, {mode}, listeners {'on' if listeners else 'off'}: {len(keys)} messages in the Maildir; "
              f"RSS {rss_mib():.0f} MiB before intake; load average {os.getloadavg()[0]:.1f}")
        print(f"{'done':>6} {'msg/s (last 1000)':>18} {'CPU ms/msg':>11} {'server CPU':>11} {'RSS MiB':>8}")
        started = chunk_started = time.perf_counter()
        cpu_started = chunk_cpu = time.process_time()
        server_started = chunk_server = server_cpu(url)
        statuses: dict[str, int] = {}
        step = 1 if per_message else BATCH_SIZE
        for start in range(0, len(keys), step):
            raws = []
            for key in keys[start:start + step]:
                with box.get_file(key) as handle:
                    raws.append(handle.read())
            results: list[IntakeResult] = (
                [ingest(db, settings, mailbox_id, raws[0], source="bench")] if per_message
                else ingest_batch(db, settings, mailbox_id, raws, source="bench")
            )
            for result in results:
                outcome = "duplicate" if result.duplicate else result.status
                statuses[outcome] = statuses.get(outcome, 0) + 1
            done = start + len(raws)
            if done % 1000 == 0:
                now, cpu, server = time.perf_counter(), time.process_time(), server_cpu(url)
                print(f"{done:>6} {1000 / (now - chunk_started):>18.0f} {cpu - chunk_cpu:>11.2f}"
                      f" {server - chunk_server:>11.2f} {rss_mib():>8.0f}")
                chunk_started, chunk_cpu, chunk_server = now, cpu, server
        elapsed = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu_started) * 1000 / len(keys)
        server_ms = (server_cpu(url) - server_started) * 1000 / len(keys)
        print(f"{kind}: {len(keys)} messages in {elapsed:.1f} s = {len(keys) / elapsed:.0f} messages/s, "
              f"{cpu_ms:.2f} ms CPU per message (this process)"
              + (f" + {server_ms:.2f} ms (PostgreSQL server)" if kind != "sqlite" else "")
              + f"; load average {os.getloadavg()[0]:.1f}; outcomes {dict(sorted(statuses.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--per-message", action="store_true", help="ingest() per message instead of batches")
    parser.add_argument("--no-listeners", action="store_true", help="without the routing/SLA/search listeners")
    args = parser.parse_args()
    for kind in args.db.split(","):
        run(kind, args.count, per_message=args.per_message, listeners=not args.no_listeners)


if __name__ == "__main__":
    main()
