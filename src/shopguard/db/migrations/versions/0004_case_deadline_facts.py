"""case deadline facts, reminder preferences

Revision ID: 0004_case_deadline_facts
Revises: 0003_reminders

The moments and shop promises that start or change a case's deadlines become columns of
``cases``; each shopper's reminder offsets and quiet hours become columns of ``users`` (NULL:
the defaults). Only plain ``ADD COLUMN``: on SQLite a batch "recreate" of ``cases`` or
``users`` would drop the old table, and with foreign keys on that deletes rows through
``ON DELETE CASCADE``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0004_case_deadline_facts"
down_revision = "0003_reminders"
branch_labels = None
depends_on = None

CASE_MOMENTS = (
    "paid_at",
    "return_requested_at",
    "return_received_at",
    "seller_contacted_at",
    "dispute_opened_at",
    "seller_refused_at",
    "ticket_filed_at",
    "complaint_12315_filed_at",
    "complaint_12315_accepted_at",
    "knew_of_harm_at",
    "last_tracking_at",
)


def upgrade() -> None:
    for name in CASE_MOMENTS:
        op.add_column(
            "cases",
            sa.Column(name, shopguard.db.types.UTCDateTime(timezone=True), nullable=True),
        )
    op.add_column("cases", sa.Column("return_days_promise", sa.Integer(), nullable=True))
    op.add_column("cases", sa.Column("price_protect_days", sa.Integer(), nullable=True))
    op.add_column("cases", sa.Column("price_protect_from", sa.String(length=8), nullable=True))
    op.add_column("cases", sa.Column("jd_self_operated", sa.Boolean(), nullable=True))
    op.add_column("users", sa.Column("reminder_offsets", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("quiet_hours", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL), never a table rebuild: see above.
    for name in ("quiet_hours", "reminder_offsets"):
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
    promises = ("jd_self_operated", "price_protect_from", "price_protect_days")
    for name in (*promises, "return_days_promise", *reversed(CASE_MOMENTS)):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
