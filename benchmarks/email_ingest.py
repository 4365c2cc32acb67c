"""Email intake throughput: a local Maildir of mixed mail through the full intake, SQLite and PostgreSQL.

Run by hand: `.venv/bin/python benchmarks/email_ingest.py [--count 10000] [--db sqlite,postgresql]`.
Target: >= 300 messages/s on the 2-core dev machine, memory flat while it runs.

Each message: store the raw bytes (zlib, dedup key), parse, thread (Message-ID, [FL-N], reply token),
open a ticket or add a message (contact, CCs, attachments on disk, meta), queue the auto-acknowledgement,
commit; the desk's ticket listeners (routing, SLA, search index) run too, as in the web app.
The mix: new requests from 2,000 customers, replies by In-Reply-To, replies by [FL-N] subject, Russian
mail in windows-1251, HTML-only mail, small PDF attachments, automatic replies, redeliveries, and every
message of ../shared/corpus/email when that folder exists (each several times, with fresh Message-IDs).
"""

from __future__ import annotations

import argparse
import mailbox
import random
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from _common import ROOT, database

from frontline.api.app import create_app
from frontline.channels.email.intake import ingest
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.kit.settings import Settings

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


def build_maildir(path: Path, count: int, seed: int = 7) -> mailbox.Maildir:
    """Generated mail plus the corpus (with fresh Message-IDs so repeats are not deduplicated away)."""
    rng = random.Random(seed)
    corpus = sorted(CORPUS.glob("*/*.eml")) if CORPUS.is_dir() else []
    box = mailbox.Maildir(str(path), create=True)
    sent: list[str] = []
    for i in range(count):
        if corpus and i % 20 == 0:
            raw = corpus[(i // 20) % len(corpus)].read_bytes()
            raw = f"Message-ID: <corpus-{i}@bench.example>\r\n".encode() + raw
        elif i % 97 == 0 and sent:
            raw = _mail(i - 1, random.Random(i - 1), [])  # a redelivery of an earlier message
        else:
            raw = _mail(i, rng, sent)
        box.add(raw)
    return box


def run(kind: str, count: int) -> None:
    with database(kind) as url, tempfile.TemporaryDirectory(prefix="fl-mail-") as tmp:
        settings = Settings(database_url=url, data_dir=Path(tmp) / "data", log_json=False,
                            jobs_in_process=False)
        db = create_app(settings).state.database  # the desk's listeners, as in production
        with db.session() as session:
            mailbox_id = create_mailbox(session, MailboxCreate(name="support", address="support@desk.example")).id
        box = build_maildir(Path(tmp) / "Maildir", count)
        keys = sorted(box.keys())
        print(f"\n{kind}: {len(keys)} messages in the Maildir; RSS {rss_mib():.0f} MiB before intake")
        print(f"{'done':>6} {'msg/s (last 1000)':>18} {'CPU ms/msg':>11} {'RSS MiB':>8}")
        started = chunk_started = time.perf_counter()
        cpu_started = chunk_cpu = time.process_time()
        statuses: dict[str, int] = {}
        for n, key in enumerate(keys, 1):
            with box.get_file(key) as handle:
                result = ingest(db, settings, mailbox_id, handle.read(), source="bench")
            statuses[result.status if not result.duplicate else "duplicate"] = statuses.get(
                result.status if not result.duplicate else "duplicate", 0) + 1
            if n % 1000 == 0:
                now, cpu = time.perf_counter(), time.process_time()
                print(f"{n:>6} {1000 / (now - chunk_started):>18.0f} {cpu - chunk_cpu:>11.1f} {rss_mib():>8.0f}")
                chunk_started, chunk_cpu = now, cpu
        elapsed = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu_started) * 1000 / len(keys)
        print(f"{kind}: {len(keys)} messages in {elapsed:.1f} s = {len(keys) / elapsed:.0f} messages/s, "
              f"{cpu_ms:.1f} ms CPU per message (this process); outcomes {dict(sorted(statuses.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.db.split(","):
        run(kind, args.count)


if __name__ == "__main__":
    main()
