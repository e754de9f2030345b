"""case timeline, advisor flags

Revision ID: 0005_case_timeline
Revises: 0004_case_deadline_facts

The steps of a dispute (escalation advisor, issue #6) go into ``case_timeline``, owner-scoped
like every shopper row; ``cases`` gains the two facts the advisor reads (injury or hazard,
special price) and the card's cache of the timeline. Only plain ``ADD COLUMN`` on ``cases``:
a batch "recreate" would drop the table and, with foreign keys on, cascade-delete its rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0005_case_timeline"
down_revision = "0004_case_deadline_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("injury_or_hazard", sa.Boolean(), nullable=True))
    op.add_column("cases", sa.Column("special_price", sa.Boolean(), nullable=True))
    op.add_column(
        "cases", sa.Column("timeline_digest", sa.Text(), nullable=False, server_default="{}")
    )
    op.create_table(
        "case_timeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", shopguard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_timeline_case_id", "case_timeline", ["case_id"], unique=False)
    op.create_index("ix_case_timeline_user_id", "case_timeline", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_timeline_user_id", table_name="case_timeline")
    op.drop_index("ix_case_timeline_case_id", table_name="case_timeline")
    op.drop_table("case_timeline")
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL), never a table rebuild: see above.
    for name in ("timeline_digest", "special_price", "injury_or_hazard"):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
