"""Each update is handled once, even when it reaches two workers (a webhook retried by
Telegram, or a load balancer that delivered it twice).

With Redis the claim is shared by every worker: ``SET NX`` with a day's expiry, "handling" while
the update is handled and "done" once it was. A claim still "handling" when the update comes
again means its worker died on it (killed mid-update, say) — provided the update belongs to a
dialog, because then whoever handles it holds that dialog's lock (``bot.isolation``), and a live
worker would still hold it. Such an update is handled again rather than lost: whatever the dead
worker had not committed is gone, and the handlers recognise what it had (the same file twice,
say). Without Redis a process remembers the last updates it saw.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

log = logging.getLogger("shopguard.dedup")
REMEMBER = 10_000
TTL_SECONDS = 24 * 3600
HANDLING, DONE = b"handling", b"done"


class UpdateDedupMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis | None = None) -> None:
        self.redis = redis
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if self.redis is None:
            if not self._first_time(event.update_id):
                log.info("update %s was already handled; skipped", event.update_id)
                return None
            return await handler(event, data)
        key = f"shopguard:update:{data['bot'].id}:{event.update_id}"
        if not await self._claim(key, event.update_id, isolated="state" in data):
            return None
        try:
            result = await handler(event, data)
        except Exception:  # handled, if with an error: not again
            await self.redis.set(key, DONE, ex=TTL_SECONDS)
            raise
        # A cancelled update (the worker stopping) stays "handling": a redelivery takes it over.
        await self.redis.set(key, DONE, ex=TTL_SECONDS)
        return result

    async def _claim(self, key: str, update_id: int, *, isolated: bool) -> bool:
        assert self.redis is not None
        if await self.redis.set(key, HANDLING, nx=True, ex=TTL_SECONDS):
            return True
        if isolated and await self.redis.get(key) == HANDLING:
            log.warning("update %s: its worker stopped while handling it; handled again", update_id)
            return True
        log.info("update %s was already handled; skipped", update_id)
        return False

    def _first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > REMEMBER:
            self._seen.popitem(last=False)
        return True
