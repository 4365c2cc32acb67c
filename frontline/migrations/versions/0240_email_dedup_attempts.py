"""email: duplicate means the same Message-ID and the same content; failed processing attempts are counted

The dedup key of every stored message is computed again (it now covers the content, see
rawstore.dedup_key), so a redelivery of mail stored before this revision is still recognised.

Revision ID: 0240
Revises: 0230
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0240"
down_revision = "0230"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("raw_email") as batch:
        batch.add_column(sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.String(length=500), nullable=True))
    from frontline.channels.email.rawstore import dedup_key

    _rekey(lambda raw: dedup_key(raw)[0])


def downgrade() -> None:
    from frontline.channels.email.rawstore import header_message_id

    def old_key(raw: bytes) -> str:
        message_id = header_message_id(raw)
        basis = f"mid:{message_id}" if message_id else f"sha:{hashlib.sha256(raw).hexdigest()}"
        return hashlib.sha256(basis.encode()).hexdigest()

    _rekey(old_key)
    with op.batch_alter_table("raw_email") as batch:
        batch.drop_column("last_error")
        batch.drop_column("attempts")


def _rekey(key_of: Callable[[bytes], str]) -> None:
    """Every row's dedup key from its content, in batches. A row whose new key another row of its mailbox already
    has (two copies kept apart before) keeps its old key: it stays findable, and the first copy takes redeliveries."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, mailbox_id, content FROM raw_email WHERE id > :last ORDER BY id"
                                    " LIMIT 500"), {"last": last}).all()
        if not rows:
            return
        for raw_id, mailbox_id, content in rows:
            key = key_of(zlib.decompress(bytes(content)))
            taken = bind.execute(sa.text("SELECT 1 FROM raw_email WHERE mailbox_id = :m AND dedup_key = :k"
                                         " AND id <> :id"), {"m": mailbox_id, "k": key, "id": raw_id}).first()
            if taken is None:
                bind.execute(sa.text("UPDATE raw_email SET dedup_key = :k WHERE id = :id"), {"k": key, "id": raw_id})
        last = int(rows[-1][0])
