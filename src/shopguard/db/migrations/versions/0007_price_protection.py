"""price protection: unit price paid, price history, watched product pages

Revision ID: 0007_price_protection
Revises: 0004_case_deadline_facts

``cases.unit_price_fen`` is a plain ``ADD COLUMN`` (never a SQLite table rebuild: see 0004);
the price history and the watches are new tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0007_price_protection"
down_revision = "0004_case_deadline_facts"
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, shopguard.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("cases", sa.Column("unit_price_fen", sa.BigInteger(), nullable=True))
    op.create_table(
        "price_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        _utc("at", False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=12), nullable=True),
        sa.Column("unreadable", sa.String(length=32), nullable=True),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_price_observations_case_id", "price_observations", ["case_id"], unique=False
    )
    op.create_index(
        "ix_price_observations_user_id", "price_observations", ["user_id"], unique=False
    )
    op.create_table(
        "price_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        _utc("next_check_at", False),
        _utc("lease_until", True),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        _utc("last_checked_at", True),
        _utc("created_at", False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_price_watches_due", "price_watches", ["status", "next_check_at"])
    op.create_index("ix_price_watches_user_id", "price_watches", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_price_watches_user_id", table_name="price_watches")
    op.drop_index("ix_price_watches_due", table_name="price_watches")
    op.drop_table("price_watches")
    op.drop_index("ix_price_observations_user_id", table_name="price_observations")
    op.drop_index("ix_price_observations_case_id", table_name="price_observations")
    op.drop_table("price_observations")
    op.execute("ALTER TABLE cases DROP COLUMN unit_price_fen")
