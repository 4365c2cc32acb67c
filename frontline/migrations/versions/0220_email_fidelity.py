"""email channel: a mailbox's charsets for undeclared 8-bit mail, and its VERP return path

Revision ID: 0220
Revises: 0210
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0220"
down_revision = "0210"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox") as batch:
        batch.add_column(sa.Column("fallback_charsets", sa.String(length=300), nullable=False,
                                   server_default="windows-1252, windows-1251, koi8-r"))
        batch.add_column(sa.Column("verp_address", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailbox") as batch:
        batch.drop_column("verp_address")
        batch.drop_column("fallback_charsets")
