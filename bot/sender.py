"""The one outgoing sender for proactive messages (reminders, alerts).

It spaces messages under the global and per-chat limits, honours 429 ``retry_after``, retries
network errors and 5xx with backoff a few times before handing the message back for later,
and reports a 403 (the user blocked the bot) so the caller can stop writing to them. Every
failure is logged and counted.

A timed-out try may have reached the chat (Telegram may have processed it; only its answer is
missing), so the tries after it send ``repeat_text`` when the caller gives one: the same message
saying it may be a repeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

from bot.retry import own_retries, timed_out
from shopguard.ratelimit import SendScheduler
from shopguard.reminders.dispatch import Blocked, Failed, Outcome, RetryLater, Sent

log = logging.getLogger("shopguard.sender")

INLINE_TRIES = 4
RETRY_LATER_SECONDS = 30.0


class ProactiveSender:
    def __init__(self, bot: Bot, scheduler: SendScheduler, *, backoff_base: float = 0.5) -> None:
        self.bot = bot
        self.scheduler = scheduler
        self.backoff_base = backoff_base
        self.counts: Counter[str] = Counter()

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        repeat_text: str | None = None,
    ) -> Outcome:
        """Send ``text``; after a timed-out try, send ``repeat_text`` (if given) instead."""
        error = ""
        for attempt in range(INLINE_TRIES):
            await self.scheduler.acquire(chat_id)
            try:
                with own_retries():
                    message = await self.bot.send_message(chat_id, text, reply_markup=markup)
            except TelegramRetryAfter as err:
                self.counts["429"] += 1
                log.warning("429 for chat %s: waiting %s s", chat_id, err.retry_after)
                self.scheduler.hold_all(err.retry_after)
                error = f"429 retry_after={err.retry_after}"
                continue
            except TelegramForbiddenError:
                self.counts["blocked"] += 1
                return Blocked()
            except TelegramBadRequest as err:
                self.counts["bad_request"] += 1
                log.error("chat %s refused the message: %s", chat_id, err.message)
                return Failed(f"400 {err.message}")
            except (TelegramServerError, TelegramNetworkError) as err:
                self.counts["transient"] += 1
                error = f"{type(err).__name__}: {err}"
                if timed_out(err) and repeat_text is not None:
                    text = repeat_text
                log.warning("sending to chat %s failed (%s), try %d", chat_id, error, attempt + 1)
                await asyncio.sleep(self.backoff_base * 2**attempt)
                continue
            self.counts["sent"] += 1
            return Sent(message.message_id)
        return RetryLater(RETRY_LATER_SECONDS, error)
