"""Reading evidence, and the few queries the writers share (all scoped to the owner)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

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


# The statements run on every file a shopper sends are built once: building a statement and its
# cache key costs more than running it on SQLite.
_BATCH_ITEMS = (
    select(EvidenceItem)
    .where(EvidenceItem.user_id == bindparam("user_id"), EvidenceItem.batch == bindparam("batch"))
    .order_by(col(EvidenceItem.id))
)
_STORAGE_USED = (
    select(EvidenceItem.sha256, func.max(EvidenceItem.size))
    .where(EvidenceItem.user_id == bindparam("user_id"), col(EvidenceItem.sha256).is_not(None))
    .group_by(EvidenceItem.sha256)
)


def _first_in_case(column: Any) -> SelectOfScalar[EvidenceItem]:
    return (
        select(EvidenceItem)
        .where(EvidenceItem.case_id == bindparam("case_id"), column == bindparam("value"))
        .order_by(col(EvidenceItem.id))
        .limit(1)
    )


_SAME_FILE = _first_in_case(EvidenceItem.file_unique_id)
_SAME_CONTENT = _first_in_case(EvidenceItem.sha256)
# the two checks made before a download, in one statement: the same file, and the bytes used
_SAME_FILE_ID = _SAME_FILE.with_only_columns(col(EvidenceItem.id)).scalar_subquery()
_PER_CONTENT = _STORAGE_USED.with_only_columns(func.max(EvidenceItem.size).label("size")).subquery()
_BEFORE_DOWNLOAD = select(
    _SAME_FILE_ID, select(func.coalesce(func.sum(_PER_CONTENT.c.size), 0)).scalar_subquery()
)


async def before_download(
    session: AsyncSession, user_id: int, case_id: int, file_unique_id: str
) -> tuple[EvidenceItem | None, int]:
    """The case's item that is this Telegram file already, and the bytes the shopper's stored
    files take (``storage_used``): what decides whether to download, read in one statement."""
    same_id, used = (
        await session.exec(
            _BEFORE_DOWNLOAD,
            params={"case_id": case_id, "value": file_unique_id, "user_id": user_id},
        )
    ).one()
    same = await session.get(EvidenceItem, same_id) if same_id is not None else None
    return same, int(used)


async def batch_items(session: AsyncSession, user_id: int, batch: str) -> list[EvidenceItem]:
    rows = await session.exec(_BATCH_ITEMS, params={"user_id": user_id, "batch": batch})
    return list(rows.all())


async def storage_used(session: AsyncSession, user_id: int) -> int:
    """Bytes the shopper's stored files take (each content counted once)."""
    rows = await session.exec(_STORAGE_USED, params={"user_id": user_id})
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
    """The case's first item that is the same Telegram file, or (given ``sha256``) the same
    content; exactly one of the two is given."""
    if (file_unique_id is None) == (sha256 is None):
        raise TypeError("in_case takes exactly one of file_unique_id and sha256")
    query, value = (_SAME_FILE, file_unique_id) if sha256 is None else (_SAME_CONTENT, sha256)
    return (await session.exec(query, params={"case_id": case_id, "value": value})).first()


async def count_new_item(session: AsyncSession, case: Case, kind: str | None) -> None:
    """A file was added to the case: count it in the tally without reading the rows back.

    Flushes: the new item, if still pending, is written with the case's new tally (or before
    the tally is first built from the rows)."""
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
