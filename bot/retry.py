"""Replies survive a Bot API that answers 429, 5xx or refuses connections for a while.

A request that Telegram refused (429, 5xx) or that never reached it (connection refused) is
retried with backoff, up to ``max_wait`` seconds in all; a timeout is not retried, because the
request may have been processed and a retry would send the message twice. Before waiting, the
update's transaction is committed so no database lock is held during the wait. The proactive
sender opts out: it schedules its own retries around the rate limits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.storage import current_session

log = logging.getLogger("shopguard.retry")
_own_retries: ContextVar[bool] = ContextVar("shopguard_own_retries", default=False)


@contextmanager
def own_retries() -> Iterator[None]:
    """Calls in this block get no automatic retry (the caller handles failures itself)."""
    token = _own_retries.set(True)
    try:
        yield
    finally:
        _own_retries.reset(token)


def _retryable(err: Exception) -> float | None:
    """Seconds to wait before retrying, or None when a retry could duplicate or cannot help."""
    if isinstance(err, TelegramRetryAfter):
        return float(err.retry_after)
    if isinstance(err, TelegramServerError):
        return 0.0
    if isinstance(err, TelegramNetworkError) and "timeout" not in str(err).lower():
        return 0.0
    return None


class RetryRequestMiddleware(BaseRequestMiddleware):
    def __init__(self, max_wait: float = 60.0, backoff_base: float = 0.5) -> None:
        self.max_wait = max_wait
        self.backoff_base = backoff_base

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if _own_retries.get() or method.__api_method__ == "getUpdates":
            return await make_request(bot, method)
        waited, attempt = 0.0, 0
        while True:
            try:
                return await make_request(bot, method)
            except (TelegramRetryAfter, TelegramServerError, TelegramNetworkError) as err:
                pause = _retryable(err)
                if pause is None:
                    raise
                pause = max(pause, self.backoff_base * 2**attempt)
                if waited + pause > self.max_wait:
                    raise
                log.warning("%s failed (%s); retrying in %.1f s", method.__api_method__, err, pause)
                await _release_database()
                await asyncio.sleep(pause)
                waited += pause
                attempt += 1


async def _release_database() -> None:
    session: Any = current_session.get()
    if session is not None and session.in_transaction():
        await session.commit()
