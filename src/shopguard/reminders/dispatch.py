"""Sending what is due: claim a batch, deliver each reminder through the Notifier, acknowledge.

Delivery is at-least-once with a single ambiguous moment: a process killed after Telegram
accepted a message but before its acknowledgement was written sends that one message again
when the lease expires. Every other crash point loses nothing and repeats nothing, because a
claim is committed before the send and the acknowledgement right after it, one by one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from shopguard.clock import Clock
from shopguard.reminders.store import (
    Claimed,
    Sessions,
    claim_due,
    mark_failed,
    mark_sent,
    pause_user,
    retry_later,
)

log = logging.getLogger("shopguard.reminders")


@dataclass(frozen=True)
class Sent:
    message_id: int | None


@dataclass(frozen=True)
class RetryLater:
    seconds: float
    error: str


@dataclass(frozen=True)
class Blocked:
    """The shopper blocked the bot (Telegram 403)."""


@dataclass(frozen=True)
class Failed:
    """A permanent error: retrying cannot help (e.g. the chat does not exist)."""

    error: str


Outcome = Sent | RetryLater | Blocked | Failed


class Notifier(Protocol):
    async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome: ...


@dataclass(frozen=True)
class DispatchSettings:
    owner: str
    lease: timedelta = timedelta(seconds=60)
    batch: int = 50
    concurrency: int = 16
    max_attempts: int = 8
    late_after: timedelta = timedelta(minutes=2)


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 15 s doubling to 1 h."""
    return float(min(15 * 2 ** max(attempts - 1, 0), 3600))


class ReminderDispatcher:
    def __init__(
        self, sessions: Sessions, notifier: Notifier, clock: Clock, settings: DispatchSettings
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.clock = clock
        self.settings = settings
        self.counts: Counter[str] = Counter()
        self._lock = asyncio.Lock()
        # Acknowledgements queue here rather than in the database: concurrent writers would
        # only wait on SQLite's lock (with its busy-handler sleeps) or PostgreSQL's row locks.
        self._ledger = asyncio.Lock()

    async def dispatch_due(self) -> int:
        """Deliver everything due now, batch by batch; returns how many were sent."""
        sent_before = self.counts["sent"]
        async with self._lock:
            while True:
                claimed = await claim_due(
                    self.sessions,
                    now=self.clock(),
                    owner=self.settings.owner,
                    lease=self.settings.lease,
                    limit=self.settings.batch,
                )
                if not claimed:
                    break
                await self._deliver_batch(claimed)
        return self.counts["sent"] - sent_before

    async def _deliver_batch(self, claimed: list[Claimed]) -> None:
        """Chats in parallel (bounded), each chat's reminders in order."""
        by_user: dict[int, list[Claimed]] = defaultdict(list)
        for reminder in claimed:
            by_user[reminder.user_id].append(reminder)
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def run(reminders: list[Claimed]) -> None:
            async with gate:
                for reminder in reminders:
                    if not await self._deliver_one(reminder):
                        break  # blocked: the rest of this user's reminders are paused

        await asyncio.gather(*(run(group) for group in by_user.values()))

    async def _deliver_one(self, reminder: Claimed) -> bool:
        now = self.clock()
        late = now - reminder.due_at
        late_by = late if late > self.settings.late_after else None
        try:
            outcome = await self.notifier.deliver(reminder, late_by=late_by)
        except Exception as err:  # a bug or an unexpected error: logged, retried later
            log.exception("reminder %s: delivery raised", reminder.id)
            outcome = RetryLater(backoff(reminder.attempts), f"{type(err).__name__}: {err}")
        return await self._record(reminder, outcome)

    async def _record(self, reminder: Claimed, outcome: Outcome) -> bool:
        async with self._ledger:
            return await self._write_outcome(reminder, outcome)

    async def _write_outcome(self, reminder: Claimed, outcome: Outcome) -> bool:
        owner = self.settings.owner
        if isinstance(outcome, Sent):
            ok = await mark_sent(
                self.sessions, reminder.id, owner, now=self.clock(), message_id=outcome.message_id
            )
            self.counts["sent" if ok else "lease_lost"] += 1
            return True
        if isinstance(outcome, Blocked):
            paused = await pause_user(self.sessions, reminder.user_id)
            log.info("user %s blocked the bot: %d reminders paused", reminder.user_id, paused)
            self.counts["blocked"] += 1
            return False
        if isinstance(outcome, RetryLater) and reminder.attempts < self.settings.max_attempts:
            at = self.clock() + timedelta(seconds=outcome.seconds)
            log.warning("reminder %s: retry at %s (%s)", reminder.id, at, outcome.error)
            await retry_later(self.sessions, reminder.id, owner, at=at, error=outcome.error)
            self.counts["retried"] += 1
            return True
        log.error("reminder %s failed for good: %s", reminder.id, outcome)
        await mark_failed(self.sessions, reminder.id, owner, error=str(outcome))
        self.counts["failed"] += 1
        return True
