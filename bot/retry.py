"""Replies survive a Bot API that answers 429, 5xx, refuses connections or times out for a while.

A failed request is retried with backoff until ``max_wait`` seconds have passed since its first
try (time lost to timed-out tries counts). A 429, a 5xx or a refused connection is taken as
not carried out. A timeout is ambiguous: Telegram may or may not have processed the request.
It is retried all the same, unchanged. For idempotent methods (edits, answerCallbackQuery,
deleteMessage, getFile, setMyCommands, ...) that is harmless, and a repeat refused as "not
modified" / "not found" means the earlier try took effect: success. For a new message
(sendMessage, sendDocument, ...) a lost reply is worse than a repeat, and a repeat happens only
when Telegram processed a request whose answer never arrived.

No database lock is held while waiting: the update's transaction committed before the first
try (``bot.save_first``). The proactive sender opts out: it schedules its own retries around
the rate limits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger("shopguard.retry")
_own_retries: ContextVar[bool] = ContextVar("shopguard_own_retries", default=False)

# What Telegram answers to a repeat of a request that already took effect; all these methods
# may return True, which is what the caller gets then.
_ALREADY_DONE = {
    "editMessageText": "message is not modified",
    "editMessageCaption": "message is not modified",
    "editMessageReplyMarkup": "message is not modified",
    "deleteMessage": "message to delete not found",
    "answerCallbackQuery": "query id is invalid",
}


@contextmanager
def own_retries() -> Iterator[None]:
    """Calls in this block get no automatic retry (the caller handles failures itself)."""
    token = _own_retries.set(True)
    try:
        yield
    finally:
        _own_retries.reset(token)


def timed_out(err: Exception) -> bool:
    """The request got no answer in time: Telegram may or may not have processed it."""
    return isinstance(err, TelegramNetworkError) and "timeout" in str(err).lower()


def _pause(err: Exception) -> float:
    """The least wait before retrying: 429 says how long, everything else backs off."""
    return float(err.retry_after) if isinstance(err, TelegramRetryAfter) else 0.0


def _already_done(method: TelegramMethod[Any], err: TelegramBadRequest) -> bool:
    answer = _ALREADY_DONE.get(method.__api_method__)
    return answer is not None and answer in str(err).lower()


class RetryRequestMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        max_wait: float = 60.0,
        backoff_base: float = 0.5,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_wait = max_wait
        self.backoff_base = backoff_base
        self.clock = clock

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if _own_retries.get() or method.__api_method__ == "getUpdates":
            return await make_request(bot, method)
        started, attempt = self.clock(), 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as err:
                if attempt and _already_done(method, err):
                    log.info("%s: an earlier try took effect (%s)", method.__api_method__, err)
                    return cast(Response[TelegramType], True)
                raise
            except (TelegramRetryAfter, TelegramServerError, TelegramNetworkError) as err:
                pause = max(_pause(err), self.backoff_base * 2**attempt)
                if self.clock() - started + pause > self.max_wait:
                    raise
                log.warning("%s failed (%s); retrying in %.1f s", method.__api_method__, err, pause)
                await asyncio.sleep(pause)
                attempt += 1
