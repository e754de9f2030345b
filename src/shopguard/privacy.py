"""A shopper's own data: everything exported as JSON, or everything deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import Case, DialogState, EvidenceItem, EvidenceTick, User
from shopguard.evidence.cleanup import release_user_files

EXPORT_FORMAT = "shopguard-export/1"


def _row(obj: SQLModel) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in obj.model_dump().items()
    }


async def export_user_data(session: AsyncSession, user_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about the user, JSON-ready; dialog scratch state is not included."""
    user = await session.get(User, user_id)
    cases = await session.exec(
        select(Case).where(Case.user_id == user_id).order_by(col(Case.number))
    )
    evidence = await session.exec(
        select(EvidenceItem)
        .where(EvidenceItem.user_id == user_id)
        .order_by(col(EvidenceItem.case_id), col(EvidenceItem.id))
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "user": _row(user) if user else None,
        "cases": [_row(case) for case in cases.all()],
        "evidence": [_row(item) for item in evidence.all()],
    }


async def delete_user_data(session: AsyncSession, user_id: int) -> None:
    """Remove every row of the user; their stored files go once this commits."""
    release_user_files(session, user_id)
    await session.exec(delete(DialogState).where(col(DialogState.user_id) == user_id))
    await session.exec(delete(EvidenceTick).where(col(EvidenceTick.user_id) == user_id))
    await session.exec(delete(EvidenceItem).where(col(EvidenceItem.user_id) == user_id))
    await session.exec(delete(Case).where(col(Case.user_id) == user_id))
    await session.exec(delete(User).where(col(User.id) == user_id))
    await session.flush()
