"""Reminder delivery on a real SQLite file: claims, leases, acknowledgements, retries, blocks."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.clock import FixedClock
from shopguard.db.models import Reminder, User
from shopguard.reminders.dispatch import (
    Blocked,
    DispatchSettings,
    Failed,
    Outcome,
    ReminderDispatcher,
    RetryLater,
    Sent,
)
from shopguard.reminders.store import (
    Claimed,
    Status,
    claim_due,
    next_available_at,
    resume_user,
)

Sessions = async_sessionmaker[AsyncSession]
# the claim query differs per database (SKIP LOCKED on PostgreSQL): every test runs on both
pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


async def add_reminders(
    sessions: Sessions,
    now: datetime,
    count: int,
    *,
    user_id: int = 1,
    due_in: timedelta = -timedelta(hours=1),
) -> list[int]:
    async with sessions() as session, session.begin():
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id, created_at=now))
            await session.flush()
        rows = [
            Reminder(
                user_id=user_id,
                kind="custom",
                text=f"r{i}",
                due_at=now + due_in + timedelta(seconds=i),
                available_at=now + due_in + timedelta(seconds=i),
                created_at=now,
            )
            for i in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows if r.id is not None]


async def statuses(sessions: Sessions) -> dict[int, tuple[str, int]]:
    async with sessions() as session:
        rows = (await session.exec(select(Reminder))).all()
    return {r.id: (r.status, r.attempts) for r in rows if r.id is not None}


class RecordingNotifier:
    def __init__(self, outcome: Outcome | None = None) -> None:
        self.delivered: list[int] = []
        self.late: dict[int, timedelta | None] = {}
        self.outcome = outcome

    async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
        self.delivered.append(reminder.id)
        self.late[reminder.id] = late_by
        await asyncio.sleep(0)
        return self.outcome or Sent(message_id=reminder.id + 1000)


def dispatcher(
    sessions: Sessions, notifier: object, clock: FixedClock, owner: str = "a", **kw: object
) -> ReminderDispatcher:
    return ReminderDispatcher(sessions, notifier, clock, DispatchSettings(owner=owner, **kw))  # type: ignore[arg-type]


async def test_claims_only_due_oldest_first_and_leases_them(
    sessions: Sessions, clock: FixedClock
) -> None:
    now = clock()
    past = await add_reminders(sessions, now, 3)
    await add_reminders(sessions, now, 2, due_in=timedelta(hours=1))
    lease = timedelta(seconds=30)
    claimed = await claim_due(sessions, now=now, owner="a", lease=lease, limit=2)
    assert [c.id for c in claimed] == past[:2]
    assert [
        c.id for c in await claim_due(sessions, now=now, owner="b", lease=lease, limit=10)
    ] == past[2:]
    assert await claim_due(sessions, now=now, owner="b", lease=lease, limit=10) == []
    # the lease ran out without an acknowledgement: claimable again, attempt 2
    again = await claim_due(sessions, now=now + lease, owner="b", lease=lease, limit=10)
    assert [(c.id, c.attempts) for c in again] == [(past[0], 2), (past[1], 2), (past[2], 2)]
    assert await next_available_at(sessions) == now + lease + lease


async def test_dispatch_sends_each_due_reminder_once_in_batches(
    sessions: Sessions, clock: FixedClock
) -> None:
    ids = await add_reminders(sessions, clock(), 120)
    future = await add_reminders(sessions, clock(), 1, due_in=timedelta(hours=2))
    notifier = RecordingNotifier()
    sent = await dispatcher(sessions, notifier, clock, batch=50).dispatch_due()
    assert sent == 120 and sorted(notifier.delivered) == ids
    stored = await statuses(sessions)
    assert all(stored[i] == ("sent", 1) for i in ids)
    assert stored[future[0]] == ("pending", 0)
    async with sessions() as session:
        row = await session.get(Reminder, ids[0])
    assert row is not None and row.message_id == ids[0] + 1000 and row.sent_at == clock()


async def test_two_dispatchers_never_send_the_same_reminder(
    sessions: Sessions, clock: FixedClock
) -> None:
    ids = await add_reminders(sessions, clock(), 300)
    first, second = RecordingNotifier(), RecordingNotifier()
    await asyncio.gather(
        dispatcher(sessions, first, clock, owner="a", batch=7).dispatch_due(),
        dispatcher(sessions, second, clock, owner="b", batch=7).dispatch_due(),
    )
    assert sorted(first.delivered + second.delivered) == ids
    assert first.delivered and second.delivered


async def test_late_reminders_say_how_late(sessions: Sessions, clock: FixedClock) -> None:
    [old] = await add_reminders(sessions, clock(), 1, due_in=-timedelta(hours=5))
    [fresh] = await add_reminders(sessions, clock(), 1, due_in=-timedelta(seconds=30))
    notifier = RecordingNotifier()
    await dispatcher(sessions, notifier, clock).dispatch_due()
    assert notifier.late[old] == timedelta(hours=5)
    assert notifier.late[fresh] is None


async def test_retry_later_then_give_up_after_max_attempts(
    sessions: Sessions, clock: FixedClock
) -> None:
    [rid] = await add_reminders(sessions, clock(), 1)
    notifier = RecordingNotifier(RetryLater(seconds=60, error="502 Bad Gateway"))
    d = dispatcher(sessions, notifier, clock, max_attempts=3)
    await d.dispatch_due()
    assert (await statuses(sessions))[rid] == ("pending", 1)
    await d.dispatch_due()  # not yet available again
    assert notifier.delivered == [rid]
    for _ in range(2):
        clock.advance(timedelta(seconds=61))
        await d.dispatch_due()
    assert (await statuses(sessions))[rid] == ("failed", 3)
    async with sessions() as session:
        row = await session.get(Reminder, rid)
    assert row is not None and "502 Bad Gateway" in (row.last_error or "")
    assert d.counts == {"retried": 2, "failed": 1}


async def test_an_exception_in_delivery_is_logged_and_retried(
    sessions: Sessions, clock: FixedClock
) -> None:
    [rid] = await add_reminders(sessions, clock(), 1)

    class Broken:
        async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
            raise RuntimeError("boom")

    await dispatcher(sessions, Broken(), clock).dispatch_due()
    assert (await statuses(sessions))[rid] == ("pending", 1)


async def test_blocked_user_is_paused_and_resumed_others_unaffected(
    sessions: Sessions, clock: FixedClock
) -> None:
    blocked_ids = await add_reminders(sessions, clock(), 3, user_id=1)
    other_ids = await add_reminders(sessions, clock(), 2, user_id=2)

    class BlocksUserOne(RecordingNotifier):
        async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
            self.delivered.append(reminder.id)
            return Blocked() if reminder.user_id == 1 else Sent(message_id=1)

    notifier = BlocksUserOne()
    await dispatcher(sessions, notifier, clock).dispatch_due()
    assert notifier.delivered.count(blocked_ids[0]) == 1
    assert not set(blocked_ids[1:]) & set(notifier.delivered)  # no retry storm
    stored = await statuses(sessions)
    assert {stored[i][0] for i in blocked_ids} == {Status.PAUSED}
    assert {stored[i][0] for i in other_ids} == {Status.SENT}
    async with sessions() as session, session.begin():
        user = await session.get(User, 1)
        assert user is not None and user.is_active is False
        assert await resume_user(session, 1) == 3
    assert {s for i, (s, _) in (await statuses(sessions)).items() if i in blocked_ids} == {
        "pending"
    }


async def test_permanent_failure_is_recorded(sessions: Sessions, clock: FixedClock) -> None:
    [rid] = await add_reminders(sessions, clock(), 1)
    await dispatcher(sessions, RecordingNotifier(Failed("chat not found")), clock).dispatch_due()
    async with sessions() as session:
        row = (await session.exec(select(Reminder).where(col(Reminder.id) == rid))).one()
    assert (row.status, row.last_error) == ("failed", "Failed(error='chat not found')")


@pytest.mark.parametrize("count", [0, 5])
async def test_next_available_at_is_the_earliest_claimable(
    sessions: Sessions, clock: FixedClock, count: int
) -> None:
    assert await next_available_at(sessions) is None
    await add_reminders(sessions, clock(), 1, due_in=timedelta(hours=3))
    ids = await add_reminders(sessions, clock(), count, due_in=timedelta(hours=1))
    expected = clock() + timedelta(hours=1 if ids else 3)
    assert await next_available_at(sessions) == expected
