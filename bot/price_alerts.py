"""The watch job's voice: alerts and notices about watched pages, through the one outgoing
sender (:class:`bot.sender.ProactiveSender`), in the shopper's language and zone."""

from __future__ import annotations

from datetime import timedelta

import httpx
from aiogram.types import InlineKeyboardMarkup
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Texts, texts
from bot.price_view import alert_text, claim_keyboard, ended_text, unreadable_text
from bot.sender import ProactiveSender
from shopguard.clock import Clock
from shopguard.db.models import Case, User
from shopguard.price_watch_job import PriceWatchJob, WatchJobSettings
from shopguard.prices import Alert, FetchSettings, HostRateLimiter, PriceWatch, SafeFetcher
from shopguard.reminders.dispatch import Outcome
from shopguard.settings import Settings
from shopguard.users import resolve_language

JOB_ID = "price-watches"
TICK_SECONDS = 60.0


class TelegramPriceNotifier:
    def __init__(self, sender: ProactiveSender, settings: Settings) -> None:
        self.sender = sender
        self.settings = settings

    def _texts(self, user: User) -> Texts:
        return texts(resolve_language(user.language, None, self.settings.default_language))

    async def price_alert(self, user: User, case: Case, alert: Alert, watch: PriceWatch) -> Outcome:
        t = self._texts(user)
        assert case.id is not None
        text = alert_text(case, alert, watch, t, user.timezone)
        return await self._send(user, text, t, claim_keyboard(case.id, t))

    async def page_unreadable(self, user: User, case: Case, reason: str) -> Outcome:
        t = self._texts(user)
        return await self._send(user, unreadable_text(case, reason, t), t)

    async def watch_ended(self, user: User, case: Case) -> Outcome:
        t = self._texts(user)
        return await self._send(user, ended_text(case, t), t)

    async def _send(
        self, user: User, text: str, t: Texts, markup: InlineKeyboardMarkup | None = None
    ) -> Outcome:
        """A copy sent again after a timed-out try says it may be a repeat."""
        repeat = text + "\n" + t("price.maybe_repeat")
        return await self.sender.send(user.id, text, markup, repeat_text=repeat)


def price_watch_job(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    sender: ProactiveSender,
    clock: Clock,
    owner: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: HostRateLimiter | None = None,
) -> PriceWatchJob:
    """The job; its fetchers share one per-host spacing (``limiter``) for the whole process.
    ``transport`` and ``limiter`` are for tests."""
    fetch = FetchSettings(allow_loopback=settings.price_fetch_allow_loopback)
    shared = limiter or HostRateLimiter(fetch.min_host_interval, fetch.jitter)

    def fetcher() -> SafeFetcher:
        return SafeFetcher(fetch, transport=transport, limiter=shared)

    return PriceWatchJob(
        sessions,
        TelegramPriceNotifier(sender, settings),
        fetcher,
        clock,
        WatchJobSettings(
            owner=owner,
            interval=timedelta(minutes=settings.price_check_minutes),
            threshold_fen=settings.price_alert_threshold_fen,
        ),
    )


def schedule_price_watches(scheduler: AsyncIOScheduler, job: PriceWatchJob) -> None:
    """APScheduler only ticks: which watch is due is in the database."""
    scheduler.add_job(
        job.tick, "interval", seconds=TICK_SECONDS, id=JOB_ID, coalesce=True, max_instances=1
    )
