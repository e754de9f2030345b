"""users, cases and dialog states

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dialog_states",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=200), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialog_states_user_id"), ["user_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("cases_opened", sa.Integer(), nullable=False),
        sa.Column("created_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("problem_type", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("shop_name", sa.String(length=200), nullable=True),
        sa.Column("item", sa.String(length=200), nullable=True),
        sa.Column("order_no", sa.String(length=64), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("ordered_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("live_room_id", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "number", name="uq_cases_user_number"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_user_id"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))

    op.drop_table("cases")
    op.drop_table("users")
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialog_states_user_id"))

    op.drop_table("dialog_states")
