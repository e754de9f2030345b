"""One head again: evidence, the case timeline, complaints and price protection were added on
separate branches of the schema; this joins them so later changes have one parent.

Revision ID: 0008_one_head
Revises: 0002_evidence, 0005_case_timeline, 0006_complaints, 0007_price_protection
"""

from __future__ import annotations

revision = "0008_one_head"
down_revision = ("0002_evidence", "0005_case_timeline", "0006_complaints", "0007_price_protection")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the schema is the union of its parents."""


def downgrade() -> None:
    """Nothing to undo."""
