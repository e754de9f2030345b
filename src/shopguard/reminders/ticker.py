"""Wakes the dispatcher — periodically, and at the next due moment. It holds no reminders.

APScheduler is only the alarm clock: its in-memory jobs say *when* to look, the database says
*what* is due. A crash therefore loses nothing, and several processes can run their own
tickers against one database.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from shopguard.reminders.dispatch import ReminderDispatcher
from shopguard.reminders.store import Sessions, next_available_at

log = logging.getLogger("shopguard.reminders")

PERIODIC_JOB = "reminders-periodic"
NEXT_JOB = "reminders-next"


class ReminderTicker:
    def __init__(
        self, dispatcher: ReminderDispatcher, sessions: Sessions, *, period: timedelta
    ) -> None:
        self.dispatcher = dispatcher
        self.sessions = sessions
        self.period = period
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._busy = False
        self._again = False

    def start(self) -> None:
        """Start ticking; the first tick (the catch-up after downtime) runs at once, in the
        background, so it never delays the bot's start."""
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.period.total_seconds(),
            id=PERIODIC_JOB,
            coalesce=True,
            max_instances=3,  # an overlapping tick returns at once (see ``tick``): no warning
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def wake_at(self, at: datetime) -> None:
        """Make sure a tick happens at ``at`` (a reminder was created or rescheduled)."""
        if not self.scheduler.running:
            return
        job = self.scheduler.get_job(NEXT_JOB)
        if job is not None and job.next_run_time is not None and job.next_run_time <= at:
            return
        self.scheduler.add_job(
            self.tick,
            "date",
            run_date=max(at, datetime.now(UTC)),
            id=NEXT_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def tick(self) -> None:
        if self._busy:
            self._again = True  # a wake-up during a run: run once more right after
            return
        self._busy = True
        try:
            while True:
                self._again = False
                await self.dispatcher.dispatch_due()
                if not self._again:
                    break
            upcoming = await next_available_at(self.sessions)
        except Exception:
            log.exception("reminder tick failed; the next tick retries")
            return
        finally:
            self._busy = False
        if upcoming is not None:
            self.wake_at(upcoming)
