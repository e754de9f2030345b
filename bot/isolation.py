"""One update at a time per shopper, across worker processes: a Redis lock per dialog key.

aiogram's ``RedisEventIsolation`` takes a lock that lasts a fixed minute. A worker killed while
it handles an update (a crash, a deploy, the OOM killer) leaves that lock behind, and the
shopper's next messages wait out the rest of that minute: to them the bot is dead. Here the
lock lasts ``LOCK_TTL`` seconds and its holder renews it while the update is handled, however
long that takes; a dead holder stops renewing, so the shopper waits seconds, not a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    DefaultKeyBuilder,
    KeyBuilder,
    StorageKey,
)
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

log = logging.getLogger("shopguard.isolation")

LOCK_TTL = 10.0
"""Seconds a lock outlives its holder's last renewal. An event loop stalled this long would
let a second worker in; a dead worker holds its shoppers up this long at most."""


class RenewedRedisIsolation(BaseEventIsolation):
    def __init__(
        self, redis: Redis, key_builder: KeyBuilder | None = None, ttl: float = LOCK_TTL
    ) -> None:
        self.redis = redis
        self.key_builder = key_builder or DefaultKeyBuilder()
        self.ttl = ttl

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self.redis.lock(
            self.key_builder.build(key, "lock"), timeout=self.ttl, sleep=min(0.05, self.ttl / 10)
        )
        await lock.acquire()
        renewing = asyncio.create_task(self._renew(lock))
        try:
            yield None
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            try:
                await lock.release()
            except LockError:  # expired meanwhile (a renewal failed): nothing left to release
                log.warning("the lock %s had expired before its update was done", lock.name)

    async def _renew(self, lock: Lock) -> None:
        """Push the expiry back every third of the TTL while the update is handled."""
        while True:
            await asyncio.sleep(self.ttl / 3)
            try:
                await lock.reacquire()
            except LockError:
                log.warning("lost the lock %s while its update was handled", lock.name)
                return
            except RedisError as err:  # Redis briefly away: try again at the next turn
                log.warning("could not renew the lock %s: %s", lock.name, err)

    async def close(self) -> None:
        return None
