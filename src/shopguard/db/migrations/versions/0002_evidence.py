"""evidence locker: evidence items and ticks, the active case, the case's evidence tally

Revision ID: 0002_evidence
Revises: 0001

Only plain ``ADD COLUMN`` on the existing ``users`` and ``cases`` tables: on SQLite a batch
"recreate" of ``users`` would drop the old table, and with foreign keys on that deletes every
case through ``ON DELETE CASCADE``. ``active_case_id`` has no foreign key for the same reason; it
is checked whenever it is used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0002_evidence"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("active_case_id", sa.Integer(), nullable=True))
    op.add_column(
        "cases", sa.Column("evidence_tally", sa.Text(), nullable=False, server_default="{}")
    )
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("media", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("mime_type", sa.String(length=128), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("not_stored_reason", sa.String(length=32), nullable=True),
        sa.Column("original_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("original_source", sa.String(length=16), nullable=True),
        sa.Column("camera", sa.String(length=128), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("batch", sa.String(length=16), nullable=True),
        sa.Column("unboxing_answers", sa.Text(), nullable=False),
        sa.Column("received_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_items_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evidence_items_file_unique_id"), ["file_unique_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_items_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_items_user_id"), ["user_id"], unique=False)

    op.create_table(
        "evidence_ticks",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("ticked_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "item"),
    )
    with op.batch_alter_table("evidence_ticks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_ticks_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_ticks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_ticks_user_id"))
    op.drop_table("evidence_ticks")
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_items_user_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_items_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_items_file_unique_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_items_case_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_items_batch"))
    op.drop_table("evidence_items")
    # Plain DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL), never a table rebuild: see above.
    op.execute("ALTER TABLE cases DROP COLUMN evidence_tally")
    op.execute("ALTER TABLE users DROP COLUMN active_case_id")
