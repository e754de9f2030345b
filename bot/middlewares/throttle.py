"""Per-user token bucket: one user's flood is dropped (with one notice) so others stay fast."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import texts
from shopguard.taxonomy import Language
from shopguard.users import resolve_language

PRUNE_EVERY = 1024
ALBUM_MEMORY = 60.0  # seconds an album's id is remembered: its later files are not counted


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class ThrottleMiddleware(BaseMiddleware):
    def __init__(
        self,
        rate: float,
        burst: int,
        default_language: Language,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.default_language = default_language
        self.monotonic = monotonic
        self._buckets: dict[int, _Bucket] = {}
        self._albums: dict[str, float] = {}
        self._seen = 0

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """Returns (allowed, warn_now): the first refused event of a flood gets one notice."""
        now = self.monotonic()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), stamp=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        self._maybe_prune(now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            if bucket.tokens >= self.burst / 2:
                bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def _maybe_prune(self, now: float) -> None:
        self._seen += 1
        if self._seen % PRUNE_EVERY:
            return
        idle = self.burst / self.rate
        for user_id in [u for u, b in self._buckets.items() if now - b.stamp > idle]:
            del self._buckets[user_id]
        for album in [a for a, t in self._albums.items() if now - t > ALBUM_MEMORY]:
            del self._albums[album]

    def album_seen(self, album_id: str) -> bool:
        """An album (up to 10 files) is one event: only its first file is counted."""
        if album_id in self._albums:
            return True
        self._albums[album_id] = self.monotonic()
        return False

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = getattr(event, "from_user", None)
        if user is None:
            return await handler(event, data)
        album = event.media_group_id if isinstance(event, Message) else None
        if album is not None and self.album_seen(f"{user.id}:{album}"):
            return await handler(event, data)
        allowed, warn = self.allow(user.id)
        if allowed:
            return await handler(event, data)
        t = texts(resolve_language(None, user.language_code, self.default_language))
        if isinstance(event, CallbackQuery):
            await event.answer(t("throttle.notice"), show_alert=False)
        elif warn and isinstance(event, Message):
            await event.answer(t("throttle.notice"))
        return None
