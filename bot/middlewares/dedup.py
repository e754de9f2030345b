"""Each update is handled once, even when it reaches two workers (a webhook retried by
Telegram, or a load balancer that delivered it twice).

With Redis the claim is shared by every worker (``SET NX`` with a day's expiry); without it a
process remembers the last updates it saw.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

log = logging.getLogger("shopguard.dedup")
REMEMBER = 10_000
TTL_SECONDS = 24 * 3600


class UpdateDedupMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis | None = None) -> None:
        self.redis = redis
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, bot: Bot, update_id: int) -> bool:
        if self.redis is not None:
            key = f"shopguard:update:{bot.id}:{update_id}"
            return bool(await self.redis.set(key, 1, nx=True, ex=TTL_SECONDS))
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > REMEMBER:
            self._seen.popitem(last=False)
        return True

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and not await self.first_time(data["bot"], event.update_id):
            log.info("update %s was already handled; skipped", event.update_id)
            return None
        return await handler(event, data)
