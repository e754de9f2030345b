"""The delivery ledger: claim due reminders with a lease, then acknowledge each one.

Claiming is one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING``: on PostgreSQL the inner
select takes ``FOR UPDATE SKIP LOCKED`` so several processes never claim the same row; on
SQLite the write lock, taken before a transaction's first write, serialises claimers. A claim
moves ``available_at`` to the lease's expiry, so a reminder whose sender died is claimed again
once the lease runs out — the same index serves both cases and start-up never has to scan the
table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import Reminder, User


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed, lease in ``available_at``
    SENT = "sent"
    DONE = "done"  # the shopper pressed Done on this deadline
    CANCELLED = "cancelled"  # replaced (facts changed) or removed
    PAUSED = "paused"  # the shopper blocked the bot; resumed when they write again
    FAILED = "failed"  # permanent error or too many attempts; logged with the error


CLAIMABLE = (Status.PENDING, Status.SENDING)


@dataclass(frozen=True)
class Claimed:
    id: int
    user_id: int
    case_id: int | None
    kind: str
    deadline_key: str | None
    offset_minutes: int | None
    text: str
    deadline_at: datetime | None
    due_at: datetime
    attempts: int


Sessions = async_sessionmaker[AsyncSession]
_CLAIMED_COLUMNS = tuple(col(getattr(Reminder, name)) for name in Claimed.__dataclass_fields__)


async def claim_due(
    sessions: Sessions, *, now: datetime, owner: str, lease: timedelta, limit: int
) -> list[Claimed]:
    """Claim up to ``limit`` reminders due at ``now`` (oldest first) for ``lease``."""
    due = (
        select(col(Reminder.id))
        .where(col(Reminder.status).in_(CLAIMABLE), col(Reminder.available_at) <= now)
        .order_by(col(Reminder.available_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        update(Reminder)
        .where(col(Reminder.id).in_(due))
        .values(
            status=Status.SENDING,
            lease_owner=owner,
            available_at=now + lease,
            attempts=col(Reminder.attempts) + 1,
        )
        .returning(*_CLAIMED_COLUMNS)
    )
    async with sessions() as session, session.begin():
        rows = (await session.exec(statement)).all()
    claimed = [Claimed(*row) for row in rows]
    claimed.sort(key=lambda c: (c.due_at, c.id))
    return claimed


async def _finish(sessions: Sessions, reminder_id: int, owner: str, **values: object) -> bool:
    """Update a reminder only while this owner still holds its lease."""
    statement = (
        update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            col(Reminder.status) == Status.SENDING,
            col(Reminder.lease_owner) == owner,
        )
        .values(**values)
    )
    async with sessions() as session, session.begin():
        result = await session.exec(statement)
    return bool(result.rowcount)


async def mark_sent(
    sessions: Sessions, reminder_id: int, owner: str, *, now: datetime, message_id: int | None
) -> bool:
    return await _finish(
        sessions,
        reminder_id,
        owner,
        status=Status.SENT,
        sent_at=now,
        message_id=message_id,
        last_error=None,  # lease_owner stays: which process sent it
    )


async def retry_later(
    sessions: Sessions, reminder_id: int, owner: str, *, at: datetime, error: str
) -> bool:
    return await _finish(
        sessions,
        reminder_id,
        owner,
        status=Status.PENDING,
        available_at=at,
        lease_owner=None,
        last_error=error[:500],
    )


async def mark_failed(sessions: Sessions, reminder_id: int, owner: str, *, error: str) -> bool:
    return await _finish(
        sessions, reminder_id, owner, status=Status.FAILED, lease_owner=None, last_error=error[:500]
    )


async def pause_user(sessions: Sessions, user_id: int) -> int:
    """The shopper blocked the bot: mark them inactive and hold their reminders."""
    async with sessions() as session, session.begin():
        await session.exec(update(User).where(col(User.id) == user_id).values(is_active=False))
        result = await session.exec(
            update(Reminder)
            .where(col(Reminder.user_id) == user_id, col(Reminder.status).in_(CLAIMABLE))
            .values(status=Status.PAUSED, lease_owner=None, last_error="blocked by the user")
        )
    return int(result.rowcount)


async def resume_user(session: AsyncSession, user_id: int) -> int:
    """The shopper wrote again: their held reminders go back in line (overdue ones at once)."""
    result = await session.exec(
        update(Reminder)
        .where(col(Reminder.user_id) == user_id, col(Reminder.status) == Status.PAUSED)
        .values(status=Status.PENDING, available_at=Reminder.due_at)
    )
    return int(result.rowcount)


async def next_available_at(sessions: Sessions) -> datetime | None:
    """When the next reminder may be claimed — one index lookup, whatever the backlog."""
    async with sessions() as session:
        # min() keeps the column's type, so the value comes back an aware UTC datetime
        value: datetime | None = await session.scalar(
            select(func.min(Reminder.available_at)).where(col(Reminder.status).in_(CLAIMABLE))
        )
    return value
