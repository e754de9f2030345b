"""complaint drafts, their versions, the complainant profile, the seller's licence facts

Revision ID: 0006_complaints
Revises: 0004_case_deadline_facts

Complaint drafts (issue #4): one row per case and channel holding the shopper's choices
(demand, reply deadline, own wording), its rendered texts in ``complaint_versions`` (the
newest is current), the shopper's identity for 12315 in ``complainant_profiles``, and the
seller's business name and address from the shop's 资质 page as ``cases`` columns. Only plain
``ADD COLUMN`` on ``cases``: a batch "recreate" would cascade-delete rows (see 0004).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopguard.db.types

revision = "0006_complaints"
down_revision = "0004_case_deadline_facts"
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopguard.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("cases", sa.Column("seller_business_name", sa.String(length=200), nullable=True))
    op.add_column("cases", sa.Column("seller_address", sa.String(length=300), nullable=True))
    op.create_table(
        "complainant_profiles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "complaint_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("demand_rule", sa.String(length=64), nullable=True),
        sa.Column("demand_amount_fen", sa.BigInteger(), nullable=True),
        _utc("reply_by", nullable=True),
        sa.Column("reply_by_asked", sa.Boolean(), nullable=False),
        sa.Column("problem_text", sa.Text(), nullable=True),
        sa.Column("demand_text", sa.Text(), nullable=True),
        sa.Column("masked", sa.Boolean(), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "channel", name="uq_complaint_drafts_case"),
    )
    op.create_index("ix_complaint_drafts_case_id", "complaint_drafts", ["case_id"], unique=False)
    op.create_index("ix_complaint_drafts_user_id", "complaint_drafts", ["user_id"], unique=False)
    op.create_table(
        "complaint_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _utc("created_at"),
        sa.ForeignKeyConstraint(["draft_id"], ["complaint_drafts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_complaint_versions_draft_id", "complaint_versions", ["draft_id"], unique=False
    )
    op.create_index(
        "ix_complaint_versions_user_id", "complaint_versions", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_complaint_versions_user_id", table_name="complaint_versions")
    op.drop_index("ix_complaint_versions_draft_id", table_name="complaint_versions")
    op.drop_table("complaint_versions")
    op.drop_index("ix_complaint_drafts_user_id", table_name="complaint_drafts")
    op.drop_index("ix_complaint_drafts_case_id", table_name="complaint_drafts")
    op.drop_table("complaint_drafts")
    op.drop_table("complainant_profiles")
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL), never a table rebuild: see 0004.
    for name in ("seller_address", "seller_business_name"):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
