"""Reading evidence, and the few queries the writers share (all scoped to the owner)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.cases import get_case
from shopguard.db.models import Case, EvidenceItem, EvidenceTick
from shopguard.errors import NotFound
from shopguard.evidence.checklist import ChecklistReport, Tally, evaluate
from shopguard.evidence.numbering import numbered


async def get_item(session: AsyncSession, user_id: int, item_id: int) -> EvidenceItem:
    item = await session.get(EvidenceItem, item_id)
    if item is None or item.user_id != user_id:
        raise NotFound("evidence")
    return item


async def case_items(
    session: AsyncSession, user_id: int, case_id: int
) -> tuple[Case, list[tuple[int, EvidenceItem]]]:
    """The case and its evidence, numbered 证据1…n in citation order."""
    case = await get_case(session, user_id, case_id)
    rows = await session.exec(
        select(EvidenceItem).where(EvidenceItem.user_id == user_id, EvidenceItem.case_id == case_id)
    )
    return case, numbered(rows.all())


async def locate(
    session: AsyncSession, user_id: int, item_id: int
) -> tuple[Case, int, EvidenceItem]:
    """An item with its case and its current number in that case."""
    item = await get_item(session, user_id, item_id)
    case, items = await case_items(session, user_id, item.case_id)
    number = next(n for n, other in items if other.id == item.id)
    return case, number, item


async def batch_items(session: AsyncSession, user_id: int, batch: str) -> list[EvidenceItem]:
    rows = await session.exec(
        select(EvidenceItem)
        .where(EvidenceItem.user_id == user_id, EvidenceItem.batch == batch)
        .order_by(col(EvidenceItem.id))
    )
    return list(rows.all())


async def storage_used(session: AsyncSession, user_id: int) -> int:
    """Bytes the shopper's stored files take (each content counted once)."""
    rows = await session.exec(
        select(EvidenceItem.sha256, func.max(EvidenceItem.size))
        .where(EvidenceItem.user_id == user_id, col(EvidenceItem.sha256).is_not(None))
        .group_by(EvidenceItem.sha256)
    )
    return sum(size or 0 for _, size in rows.all())


async def checklist(session: AsyncSession, user_id: int, case_id: int) -> ChecklistReport:
    case, items = await case_items(session, user_id, case_id)
    return evaluate(case.problem_type, [(n, i.kind) for n, i in items], await ticks(session, case))


async def ticks(session: AsyncSession, case: Case) -> list[str]:
    rows = await session.exec(select(EvidenceTick.item).where(EvidenceTick.case_id == case.id))
    return sorted(rows.all())


async def in_case(
    session: AsyncSession,
    case_id: int,
    *,
    file_unique_id: str | None = None,
    sha256: str | None = None,
) -> EvidenceItem | None:
    query = select(EvidenceItem).where(EvidenceItem.case_id == case_id)
    if file_unique_id is not None:
        query = query.where(EvidenceItem.file_unique_id == file_unique_id)
    if sha256 is not None:
        query = query.where(EvidenceItem.sha256 == sha256)
    return (await session.exec(query.order_by(col(EvidenceItem.id)).limit(1))).first()


async def count_new_item(session: AsyncSession, case: Case, kind: str | None) -> None:
    """A file was added to the case: count it in the tally without reading the rows back."""
    if not case.evidence_tally or case.evidence_tally == "{}":
        await refresh_tally(session, case)  # never built: build it from the rows
        return
    case.evidence_tally = Tally.from_json(case.evidence_tally).with_item(kind).to_json()
    session.add(case)
    await session.flush()


async def refresh_tally(session: AsyncSession, case: Case) -> None:
    """Rebuild the case's evidence tally (what its card shows) from the rows."""
    rows = await session.exec(
        select(EvidenceItem.kind, func.count())
        .where(EvidenceItem.case_id == case.id)
        .group_by(EvidenceItem.kind)
    )
    counts = list(rows.all())
    tally = Tally(
        kinds={kind: n for kind, n in counts if kind},
        unclassified=sum(n for kind, n in counts if not kind),
        ticked=tuple(await ticks(session, case)),
    )
    case.evidence_tally = tally.to_json()
    session.add(case)
    await session.flush()
