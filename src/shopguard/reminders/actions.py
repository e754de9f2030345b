"""What a shopper does with a reminder: done, snooze, or a follow-up of their own."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import Reminder
from shopguard.errors import NotFound
from shopguard.reminders.store import Status

SNOOZE_MORNING = time(9, 0)


async def get_reminder(session: AsyncSession, user_id: int, reminder_id: int) -> Reminder:
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user_id:
        raise NotFound("reminder")
    return reminder


async def mark_done(session: AsyncSession, user_id: int, reminder_id: int) -> int:
    """Done with this deadline: the remaining reminders for it are cancelled. Returns how many."""
    reminder = await get_reminder(session, user_id, reminder_id)
    if reminder.deadline_key is None or reminder.case_id is None:
        return 0
    if reminder.status == Status.SENT:
        # the deadline's record of Done even when nothing was left pending: re-planning
        # (shopguard.reminders.schedule) never reminds of a Done deadline again
        reminder.status = Status.DONE
        session.add(reminder)
    result = await session.exec(
        update(Reminder)
        .where(
            col(Reminder.user_id) == user_id,
            col(Reminder.case_id) == reminder.case_id,
            col(Reminder.deadline_key) == reminder.deadline_key,
            col(Reminder.status).in_((Status.PENDING, Status.PAUSED)),
        )
        .values(status=Status.DONE)
    )
    return int(result.rowcount)


def next_morning(now: datetime, tz: str) -> datetime:
    """09:00 tomorrow in the shopper's zone, as UTC."""
    local = now.astimezone(ZoneInfo(tz))
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, SNOOZE_MORNING, tzinfo=ZoneInfo(tz)).astimezone(now.tzinfo)


async def snooze(
    session: AsyncSession, user_id: int, reminder_id: int, *, until: datetime, now: datetime
) -> Reminder:
    """A new reminder with the same content at ``until``; the original stays as it was."""
    original = await get_reminder(session, user_id, reminder_id)
    copy = Reminder(
        user_id=user_id,
        case_id=original.case_id,
        kind=original.kind,
        deadline_key=original.deadline_key,
        text=original.text,
        deadline_at=original.deadline_at,
        due_at=until,
        available_at=until,
        created_at=now,
    )
    session.add(copy)
    await session.flush()
    return copy


async def add_custom(
    session: AsyncSession,
    user_id: int,
    *,
    text: str,
    due_at: datetime,
    now: datetime,
    case_id: int | None = None,
) -> Reminder:
    reminder = Reminder(
        user_id=user_id,
        case_id=case_id,
        kind="custom",
        text=text,
        due_at=due_at,
        available_at=due_at,
        created_at=now,
    )
    session.add(reminder)
    await session.flush()
    return reminder
