"""Cases: a purchase that went wrong, owned by one shopper.

Every function takes the acting user's id: a case of another user is ``NotFound``, exactly
like a case that does not exist, so a forged id learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_deadlines import DEADLINE_FACTS
from shopguard.case_fields import FIELDS
from shopguard.db.models import Case, User
from shopguard.errors import InputError, NotFound
from shopguard.evidence.checklist import Tally
from shopguard.evidence.cleanup import release_case_files
from shopguard.reminders.schedule import sync_case_reminders
from shopguard.taxonomy import DEFAULT_PLATFORM, CaseStatus, ProblemType

PAGE_SIZE = 5


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    page: int
    pages: int
    total: int


async def open_case(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    *,
    problem_type: ProblemType | str,
    platform: str = DEFAULT_PLATFORM,
    **facts: Any,
) -> Case:
    """Open a case; only platform and problem are needed, other facts may come later."""
    unknown = set(facts) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown case fields: {sorted(unknown)}")
    # Read again under the lock, over the copy the update may already hold (without
    # ``populate_existing`` the session would keep that copy's count).
    user = await session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None:
        raise NotFound("user")
    user.cases_opened += 1
    case = Case(
        user_id=user_id,
        number=user.cases_opened,
        platform=str(platform),
        problem_type=str(problem_type),
        created_at=now,
        updated_at=now,
        evidence_tally=Tally({}, 0, ()).to_json(),  # built: its first file is counted in
        **{k: v for k, v in facts.items() if v is not None},
    )
    session.add_all([user, case])
    await session.flush()
    user.active_case_id = case.id  # the conversation is now about this case: files sent go here
    await session.flush()
    await sync_case_reminders(session, case, now)
    return case


async def get_case(session: AsyncSession, user_id: int, case_id: int) -> Case:
    case = await session.get(Case, case_id)
    if case is None or case.user_id != user_id:
        raise NotFound("case")
    return case


async def list_cases(session: AsyncSession, user_id: int, page: int = 0) -> CasePage:
    """Open cases first, newest first within each group; ``page`` is clamped to the range."""
    total = (
        await session.exec(select(func.count()).select_from(Case).where(Case.user_id == user_id))
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    open_first = sql_case((col(Case.status) == CaseStatus.OPEN, 0), else_=1)
    rows = await session.exec(
        select(Case)
        .where(Case.user_id == user_id)
        .order_by(open_first, col(Case.created_at).desc(), col(Case.id).desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return CasePage(cases=list(rows.all()), page=page, pages=pages, total=total)


async def latest_open_case(session: AsyncSession, user_id: int) -> Case | None:
    rows = await session.exec(
        select(Case)
        .where(Case.user_id == user_id, Case.status == CaseStatus.OPEN)
        .order_by(col(Case.created_at).desc(), col(Case.id).desc())
        .limit(1)
    )
    return rows.first()


async def set_field(
    session: AsyncSession, user_id: int, case_id: int, name: str, value: Any, now: datetime
) -> Case:
    """Store an already validated value (see ``case_fields.parse_field``)."""
    field = FIELDS.get(name)
    if field is None:
        raise InputError("unknown_field", field=name)
    case = await get_case(session, user_id, case_id)
    if value is None and field.required:
        raise InputError("required")
    if name == "signed_at" and value is not None and case.ordered_at and value < case.ordered_at:
        raise InputError("signed_before_order")
    if name == "ordered_at" and value is not None and case.signed_at and value > case.signed_at:
        raise InputError("order_after_signed")
    setattr(case, name, value if value is not None else _cleared(name))
    case.updated_at = now
    session.add(case)
    await session.flush()
    if name in DEADLINE_FACTS:  # the deadlines moved: re-plan their reminders
        await sync_case_reminders(session, case, now)
    return case


def _cleared(name: str) -> Any:
    return {"notes": "", "quantity": 1}.get(name)


async def set_status(
    session: AsyncSession, user_id: int, case_id: int, status: CaseStatus, now: datetime
) -> Case:
    case = await get_case(session, user_id, case_id)
    case.status = status
    case.closed_at = now if status == CaseStatus.CLOSED else None
    case.updated_at = now
    session.add(case)
    await session.flush()
    await sync_case_reminders(session, case, now)  # closed: cancelled; reopened: re-planned
    return case


async def delete_case(session: AsyncSession, user_id: int, case_id: int) -> None:
    """Delete the case with its evidence; stored files go after commit unless another case of
    the same shopper still holds the same content."""
    case = await get_case(session, user_id, case_id)
    await release_case_files(session, user_id, case_id)
    await session.delete(case)
    await session.flush()
