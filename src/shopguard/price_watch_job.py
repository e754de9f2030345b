"""The scheduled check of watched product pages (价保).

The database holds the watches: ``next_check_at`` says when, ``state`` what the watch
remembers. A tick claims the due ones with a lease (one process per watch: an ``UPDATE … WHERE
id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`` like the reminders' ledger), checks each
through :func:`shopguard.prices.run_check` and tells the shopper through a
:class:`PriceNotifier` — the bot's one outgoing sender. An alert that could not be delivered is
not remembered, so the next check alerts again; a window that closed stops the watch without a
fetch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.clock import Clock
from shopguard.db.models import Case, PriceWatchRow, User
from shopguard.price_protection import add_observation, case_watch, state_from_json, state_to_json
from shopguard.prices import Alert, CheckOutcome, PriceWatch, SafeFetcher, WatchState, run_check
from shopguard.reminders.dispatch import Blocked, Outcome, Sent
from shopguard.taxonomy import CaseStatus

log = logging.getLogger("shopguard.prices")
Sessions = async_sessionmaker[AsyncSession]


class PriceNotifier(Protocol):
    async def price_alert(self, user: User, case: Case, alert: Alert, watch: PriceWatch) -> Outcome:
        """A new low inside the window: the exact refund and what the claim needs."""
        ...

    async def page_unreadable(self, user: User, case: Case, reason: str) -> Outcome:
        """Once per watch: the page cannot be read, report the price by hand."""
        ...

    async def watch_ended(self, user: User, case: Case) -> Outcome:
        """The window closed: watching stopped."""
        ...


@dataclass(frozen=True)
class WatchJobSettings:
    owner: str
    interval: timedelta  # between two checks of one page
    threshold_fen: int = 100
    lease: timedelta = timedelta(minutes=5)
    batch: int = 20


async def claim_due_watches(
    sessions: Sessions, *, now: datetime, owner: str, lease: timedelta, limit: int
) -> list[int]:
    """Claim up to ``limit`` due watches for ``lease``; another process skips them."""
    due = (
        select(col(PriceWatchRow.id))
        .where(
            col(PriceWatchRow.status) == "active",
            col(PriceWatchRow.next_check_at) <= now,
            or_(col(PriceWatchRow.lease_until).is_(None), col(PriceWatchRow.lease_until) <= now),
        )
        .order_by(col(PriceWatchRow.next_check_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        update(PriceWatchRow)
        .where(col(PriceWatchRow.id).in_(due))
        .values(lease_until=now + lease, lease_owner=owner)
        .returning(col(PriceWatchRow.id))
    )
    async with sessions() as session, session.begin():
        rows = (await session.exec(statement)).all()
    return sorted(int(row[0]) for row in rows)


class PriceWatchJob:
    def __init__(
        self,
        sessions: Sessions,
        notifier: PriceNotifier,
        fetcher: Callable[[], SafeFetcher],
        clock: Clock,
        settings: WatchJobSettings,
    ) -> None:
        """``fetcher`` makes a fetcher for one tick; pass the process's one ``HostRateLimiter``
        into each so the per-host spacing is shared."""
        self.sessions = sessions
        self.notifier = notifier
        self.fetcher = fetcher
        self.clock = clock
        self.settings = settings
        self._busy = False

    async def tick(self) -> None:
        """The scheduler's entry: never raises, never overlaps itself."""
        if self._busy:
            return
        self._busy = True
        try:
            await self.run_due()
        except Exception:
            log.exception("price watch tick failed; the next tick retries")
        finally:
            self._busy = False

    async def run_due(self) -> int:
        s = self.settings
        ids = await claim_due_watches(
            self.sessions, now=self.clock(), owner=s.owner, lease=s.lease, limit=s.batch
        )
        if ids:
            async with self.fetcher() as fetcher:
                for watch_id in ids:
                    await self.check(watch_id, fetcher)
        return len(ids)

    async def check(self, watch_id: int, fetcher: SafeFetcher) -> None:
        async with self.sessions() as session:
            row = await session.get(PriceWatchRow, watch_id)
            case = await session.get(Case, row.case_id) if row else None
            user = await session.get(User, row.user_id) if row else None
        if row is None or case is None or user is None:
            return
        if case.status != CaseStatus.OPEN:
            await self._stop(row, "case_closed")
            return
        watch = case_watch(
            case, user.timezone, threshold_fen=self.settings.threshold_fen, url=row.url
        )
        if isinstance(watch, str):
            await self._stop(row, watch)
            return
        before = state_from_json(row.state)
        outcome = await run_check(fetcher, watch, before, clock=self.clock)
        if outcome.kind == "skipped" and outcome.reason == "window_closed":
            await self.notifier.watch_ended(user, case)
            await self._stop(row, "window_closed")
            return
        kept, blocked = await self._tell(user, case, watch, before, outcome)
        if blocked:
            await self._stop(row, "blocked")
            return
        permanent = outcome.error is not None and outcome.error.permanent
        await self._save(row, case, watch, kept, outcome, stop="unreadable" if permanent else None)

    async def _tell(
        self, user: User, case: Case, watch: PriceWatch, before: WatchState, outcome: CheckOutcome
    ) -> tuple[WatchState, bool]:
        """Send what the check found; what could not be delivered is not remembered."""
        kept = outcome.state
        if outcome.alert is not None:
            sent = await self.notifier.price_alert(user, case, outcome.alert, watch)
            if isinstance(sent, Blocked):
                return kept, True
            if not isinstance(sent, Sent):
                kept = replace(kept, alerts=before.alerts)
        if outcome.tell_unreadable:
            sent = await self.notifier.page_unreadable(user, case, outcome.reason)
            if isinstance(sent, Blocked):
                return kept, True
            if not isinstance(sent, Sent):
                kept = replace(kept, told_unreadable=before.told_unreadable)
        return kept, False

    async def _save(
        self,
        row: PriceWatchRow,
        case: Case,
        watch: PriceWatch,
        state: WatchState,
        outcome: CheckOutcome,
        *,
        stop: str | None,
    ) -> None:
        now = self.clock()
        next_at = min(now + self.settings.interval, max(watch.ends_at, now))
        if now < watch.starts_at:
            next_at = watch.starts_at
        values: dict[str, object] = {
            "state": state_to_json(state),
            "next_check_at": next_at,
            "last_checked_at": now,
            "lease_until": None,
            "lease_owner": None,
        }
        if stop is not None:
            values.update(status="stopped", stop_reason=stop)
        async with self.sessions() as session, session.begin():
            result = await session.exec(
                update(PriceWatchRow)
                .where(
                    col(PriceWatchRow.id) == row.id,
                    col(PriceWatchRow.lease_owner) == self.settings.owner,
                    col(PriceWatchRow.status) == "active",
                )
                .values(**values)
            )
            if result.rowcount and outcome.observation is not None:
                observation = outcome.observation
                add_observation(session, case, observation.at, observation.reading, "page")

    async def _stop(self, row: PriceWatchRow, reason: str) -> None:
        async with self.sessions() as session, session.begin():
            await session.exec(
                update(PriceWatchRow)
                .where(
                    col(PriceWatchRow.id) == row.id,
                    col(PriceWatchRow.lease_owner) == self.settings.owner,
                )
                .values(status="stopped", stop_reason=reason, lease_until=None, lease_owner=None)
            )
