"""Spacing of proactive messages: at most ``rate`` per second overall and one per
``chat_interval`` seconds per chat (Telegram's documented limits are ~30/s and 1/s per chat).

Each send books the earliest slot that satisfies both limits, so waiting for a busy chat never
wastes the global budget other chats could use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

PRUNE_EVERY = 4096


class SendScheduler:
    def __init__(
        self,
        rate: float,
        chat_interval: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or chat_interval < 0:
            raise ValueError("rate must be positive and chat_interval not negative")
        self.spacing = 1.0 / rate
        self.chat_interval = chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._booked = 0

    def reserve(self, chat_id: int) -> float:
        """Book the next slot for ``chat_id``; returns how long to wait for it."""
        now = self._monotonic()
        earliest = max(now, self._next_chat.get(chat_id, 0.0))
        slot = max(earliest, self._next_global)
        self._next_global = slot + self.spacing
        self._next_chat[chat_id] = slot + self.chat_interval
        self._booked += 1
        if self._booked % PRUNE_EVERY == 0:
            self._prune(now)
        return slot - now

    async def acquire(self, chat_id: int) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await self._sleep(delay)

    def hold_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait (429 retry_after) before writing to this chat again."""
        until = self._monotonic() + seconds
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)

    def hold_all(self, seconds: float) -> None:
        self._next_global = max(self._next_global, self._monotonic() + seconds)

    def _prune(self, now: float) -> None:
        for chat_id in [c for c, t in self._next_chat.items() if t < now]:
            del self._next_chat[chat_id]
