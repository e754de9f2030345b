"""Evidence use-cases: classifying, describing, deleting, moving, ticking, the active case.

Every function takes the acting user's id: an item or case of another user is ``NotFound``,
exactly like one that does not exist. Files are removed only after the transaction commits
(``cleanup``), and never while another row of the same shopper names them.

Adding lives in ``adding`` and reading in ``queries``; both are re-exported here so callers
have one place to look.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.cases import get_case
from shopguard.db.models import Case, EvidenceItem, EvidenceTick, User
from shopguard.errors import InputError, NotFound
from shopguard.evidence import unboxing
from shopguard.evidence.adding import (
    MAX_DESCRIPTION,
    AddResult,
    add_evidence,
    clean_description,
    describe_batch,
    refetch,
)
from shopguard.evidence.cleanup import remove_on_commit, unreferenced
from shopguard.evidence.kinds import EvidenceKind, parse_kind
from shopguard.evidence.queries import (
    batch_items,
    case_items,
    checklist,
    get_item,
    in_case,
    locate,
    refresh_tally,
    storage_used,
)
from shopguard.evidence.rules import checklist_for
from shopguard.taxonomy import CaseStatus

__all__ = [
    "MAX_DESCRIPTION",
    "AddResult",
    "active_case",
    "add_evidence",
    "answer_unboxing",
    "batch_items",
    "case_items",
    "checklist",
    "classify_batch",
    "clean_description",
    "delete_item",
    "describe_batch",
    "get_item",
    "locate",
    "move_batch",
    "refetch",
    "refresh_tally",
    "set_active_case",
    "set_description",
    "set_kind",
    "set_tick",
    "storage_used",
]


async def set_description(
    session: AsyncSession, user_id: int, item_id: int, text: str, now: datetime
) -> EvidenceItem:
    text = text.strip()
    if not text:
        raise InputError("empty")
    if len(text) > MAX_DESCRIPTION:
        raise InputError("too_long", length=len(text), max=MAX_DESCRIPTION)
    item = await get_item(session, user_id, item_id)
    item.description = text
    item.updated_at = now
    session.add(item)
    await session.flush()
    return item


async def set_kind(
    session: AsyncSession, user_id: int, item_id: int, kind: str, now: datetime
) -> EvidenceItem:
    item = await get_item(session, user_id, item_id)
    await _classify(session, [item], kind, now)
    return item


async def classify_batch(
    session: AsyncSession, user_id: int, batch: str, kind: str, now: datetime
) -> list[EvidenceItem]:
    """Give every file of a batch (an album, or files sent before a case was picked) a kind."""
    items = await batch_items(session, user_id, batch)
    if not items:
        raise NotFound("batch")
    await _classify(session, items, kind, now)
    return items


async def _classify(
    session: AsyncSession, items: list[EvidenceItem], kind: str, now: datetime
) -> None:
    parsed = parse_kind(kind)
    if parsed is None:
        raise InputError("bad_choice")
    for item in items:
        item.kind = parsed.value
        item.updated_at = now
        session.add(item)
    await session.flush()
    for case_id in {item.case_id for item in items}:
        case = await session.get(Case, case_id)
        if case is not None:
            await refresh_tally(session, case)


async def delete_item(session: AsyncSession, user_id: int, item_id: int) -> Case:
    """Delete one piece of evidence; its file goes after commit unless still used."""
    item = await get_item(session, user_id, item_id)
    case = await get_case(session, user_id, item.case_id)
    sha = item.sha256
    await session.delete(item)
    await session.flush()
    if sha:
        remove_on_commit(session, user_id, await unreferenced(session, user_id, [sha]))
    await refresh_tally(session, case)
    return case


async def move_batch(
    session: AsyncSession, user_id: int, batch: str, case_id: int, now: datetime
) -> tuple[Case, list[EvidenceItem], list[EvidenceItem]]:
    """Move a batch to another case: (target, moved, already there — removed from the batch)."""
    target = await get_case(session, user_id, case_id)
    items = await batch_items(session, user_id, batch)
    if not items:
        raise NotFound("batch")
    sources = {item.case_id for item in items}
    moved: list[EvidenceItem] = []
    doubles: list[EvidenceItem] = []
    for item in items:
        if item.case_id == case_id:
            moved.append(item)
            continue
        twin = await in_case(session, case_id, file_unique_id=item.file_unique_id)
        if twin is None and item.sha256:
            twin = await in_case(session, case_id, sha256=item.sha256)
        if twin is not None:
            doubles.append(twin)
            await session.delete(item)  # the target already holds it: the file stays in use
            continue
        item.case_id, item.updated_at = case_id, now
        session.add(item)
        moved.append(item)
    await session.flush()
    for changed in sources | {case_id}:
        case = await session.get(Case, changed)
        if case is not None:
            await refresh_tally(session, case)
    return target, moved, doubles


async def set_tick(
    session: AsyncSession, user_id: int, case_id: int, item_id: str, ticked: bool, now: datetime
) -> Case:
    """Tick (or untick) a checklist item the shopper holds offline."""
    case = await get_case(session, user_id, case_id)
    if checklist_for(case.problem_type).item(item_id) is None:
        raise InputError("bad_choice")
    existing = await session.get(EvidenceTick, (case_id, item_id))
    if ticked and existing is None:
        session.add(EvidenceTick(case_id=case_id, item=item_id, user_id=user_id, ticked_at=now))
    elif not ticked and existing is not None:
        await session.delete(existing)
    await session.flush()
    await refresh_tally(session, case)
    return case


async def answer_unboxing(
    session: AsyncSession, user_id: int, item_id: int, question: str, answer: str, now: datetime
) -> dict[str, str]:
    """Store one answer of the unboxing-video check with the video; returns all answers."""
    item = await get_item(session, user_id, item_id)
    if item.kind != EvidenceKind.UNBOXING_VIDEO:
        raise InputError("bad_choice")
    if question not in unboxing.questions() or answer not in unboxing.ANSWERS:
        raise InputError("bad_choice")
    answers = unboxing.parse_answers(item.unboxing_answers)
    answers[question] = answer
    item.unboxing_answers = unboxing.dump_answers(answers)
    item.updated_at = now
    session.add(item)
    await session.flush()
    return answers


async def active_case(session: AsyncSession, user_id: int) -> Case | None:
    """The case open in the conversation, if it still exists, is the user's and is open."""
    user = await session.get(User, user_id)
    if user is None or user.active_case_id is None:
        return None
    try:
        case = await get_case(session, user_id, user.active_case_id)
    except NotFound:
        return None
    return case if case.status == CaseStatus.OPEN else None


async def set_active_case(session: AsyncSession, user_id: int, case_id: int | None) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    if user.active_case_id == case_id:
        return  # already so (and its ownership was checked when it was set)
    if case_id is not None:
        await get_case(session, user_id, case_id)
    user.active_case_id = case_id
    session.add(user)
    await session.flush()
