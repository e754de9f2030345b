"""A case's timeline (issue #6): what happened in the dispute, one row per step, owner-scoped.

Logging or deleting a step re-derives the deadline start facts the timeline settles
(:func:`~shopguard.escalation.facts_from_timeline`) into the ``Case`` columns and re-plans the
case's reminders. A column is only cleared when the timeline had put its value there, so a
moment the shopper typed by hand survives the deletion of an unrelated step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.cases import get_case
from shopguard.db.models import Case, TimelineEvent
from shopguard.errors import InputError, NotFound
from shopguard.escalation import EntryKind, TimelineEntry, facts_from_timeline
from shopguard.reminders.schedule import sync_case_reminders

DIGEST_RECENT = 3


@dataclass(frozen=True)
class Logged:
    """A stored step: its row id (for deleting it) and the entry."""

    id: int
    entry: TimelineEntry


@dataclass(frozen=True)
class Digest:
    """The card's cache of the timeline: how many steps, and the latest few (oldest first)."""

    count: int
    recent: tuple[TimelineEntry, ...]

    def to_json(self) -> str:
        return json.dumps({"count": self.count, "recent": [e.to_dict() for e in self.recent]})

    @classmethod
    def from_json(cls, text: str | None) -> Digest:
        try:
            data = json.loads(text or "{}")
            recent = tuple(TimelineEntry.from_dict(d) for d in data.get("recent", []))
            return cls(int(data.get("count", 0)), recent)
        except (ValueError, TypeError, AttributeError):
            return cls(0, ())


def _entry(row: TimelineEvent) -> TimelineEntry:
    return TimelineEntry.from_dict(json.loads(row.data))


async def list_entries(session: AsyncSession, user_id: int, case_id: int) -> list[Logged]:
    """The case's steps in time order (logging order for equal times)."""
    await get_case(session, user_id, case_id)
    rows = await session.exec(
        select(TimelineEvent)
        .where(col(TimelineEvent.user_id) == user_id, col(TimelineEvent.case_id) == case_id)
        .order_by(col(TimelineEvent.at), col(TimelineEvent.id))
    )
    return [Logged(row.id, _entry(row)) for row in rows.all() if row.id is not None]


async def get_entry(session: AsyncSession, user_id: int, entry_id: int) -> TimelineEvent:
    row = await session.get(TimelineEvent, entry_id)
    if row is None or row.user_id != user_id:
        raise NotFound("timeline_entry")
    return row


async def add_entry(
    session: AsyncSession, user_id: int, case_id: int, entry: TimelineEntry, now: datetime
) -> Logged:
    """Log a step; a moment after ``now`` is refused (``date.future``)."""
    if entry.at > now:
        raise InputError("date.future")
    case = await get_case(session, user_id, case_id)
    before = await _timeline(session, user_id, case_id)
    row = TimelineEvent(
        user_id=user_id,
        case_id=case_id,
        kind=entry.kind.value,
        at=entry.at,
        data=json.dumps(entry.to_dict()),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    await _settle(session, case, before, [*before, entry], now)
    return Logged(row.id, entry)


async def delete_entry(session: AsyncSession, user_id: int, entry_id: int, now: datetime) -> Case:
    """Delete a step; returns its case with the facts re-derived."""
    row = await get_entry(session, user_id, entry_id)
    case = await get_case(session, user_id, row.case_id)
    before = await _timeline(session, user_id, row.case_id)
    await session.delete(row)
    await session.flush()
    after = await _timeline(session, user_id, row.case_id)
    await _settle(session, case, before, after, now)
    return case


async def _timeline(session: AsyncSession, user_id: int, case_id: int) -> list[TimelineEntry]:
    return [logged.entry for logged in await list_entries(session, user_id, case_id)]


async def _settle(
    session: AsyncSession,
    case: Case,
    before: Sequence[TimelineEntry],
    after: Sequence[TimelineEntry],
    now: datetime,
) -> None:
    """Write the facts the timeline settles into the case, refresh the digest, re-plan."""
    old, new = facts_from_timeline(before), facts_from_timeline(after)
    changed = False
    for fact in {*old, *new}:
        current: Any = getattr(case, fact)
        if fact in new and current != new[fact]:
            setattr(case, fact, new[fact])
            changed = True
        elif fact not in new and current is not None and current == old.get(fact):
            setattr(case, fact, None)
            changed = True
    ordered = sorted(after, key=lambda e: e.at)
    case.timeline_digest = Digest(len(ordered), tuple(ordered[-DIGEST_RECENT:])).to_json()
    case.updated_at = now
    session.add(case)
    await session.flush()
    if changed:
        await sync_case_reminders(session, case, now)


# ---------------------------------------------------------------------- the shopper's record


@dataclass(frozen=True)
class ShopperStats:
    opened: int  # cases the shopper has (deleted cases are gone with their records)
    resolved: int  # cases whose latest step is "resolved"
    recovered_fen: int  # money recovered in those cases


async def shopper_stats(session: AsyncSession, user_id: int) -> ShopperStats:
    cases = (await session.exec(select(Case.id).where(col(Case.user_id) == user_id))).all()
    rows = await session.exec(
        select(TimelineEvent)
        .where(col(TimelineEvent.user_id) == user_id)
        .order_by(col(TimelineEvent.at), col(TimelineEvent.id))
    )
    latest: dict[int, TimelineEntry] = {}
    for row in rows.all():
        entry = _entry(row)
        if entry.kind is not EntryKind.OFF_PLATFORM_REQUEST:
            latest[row.case_id] = entry
    resolved = [e for e in latest.values() if e.kind is EntryKind.RESOLVED]
    recovered = sum(e.amount_recovered_fen or 0 for e in resolved)
    return ShopperStats(len(cases), len(resolved), recovered)
