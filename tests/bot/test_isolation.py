"""One update at a time per shopper across workers, and a dead worker's lock does not outlive it
by more than seconds (aiogram's own Redis lock would hold the shopper up for a minute)."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis

from bot.isolation import RenewedRedisIsolation
from tests.conftest import service_url

ROOT = Path(__file__).resolve().parents[2]
TTL = 1.0

HOLDER = """
import asyncio, sys
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis
from bot.isolation import RenewedRedisIsolation

async def main():
    isolation = RenewedRedisIsolation(Redis.from_url(sys.argv[1]), ttl=float(sys.argv[3]))
    async with isolation.lock(StorageKey(bot_id=int(sys.argv[2]), chat_id=7, user_id=7)):
        print("locked", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(service_url("TEST_REDIS_URL"))
    yield client
    await client.aclose()


def a_key() -> StorageKey:
    """A dialog key no other test (or run sharing this Redis) uses."""
    return StorageKey(bot_id=secrets.randbelow(10**9), chat_id=7, user_id=7)


async def seconds_to_lock(isolation: RenewedRedisIsolation, key: StorageKey, limit: float) -> float:
    started = time.monotonic()
    async with asyncio.timeout(limit), isolation.lock(key):
        return time.monotonic() - started


async def test_a_live_holder_keeps_its_lock_and_a_killed_one_frees_it_within_the_ttl(
    redis: Redis,
) -> None:
    key = a_key()
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        service_url("TEST_REDIS_URL"),
        str(key.bot_id),
        str(TTL),
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"locked\n"
        isolation = RenewedRedisIsolation(redis, ttl=TTL)
        with pytest.raises(TimeoutError):  # renewed: it outlives its TTL while the holder lives
            await seconds_to_lock(isolation, key, 3 * TTL)
        holder.kill()  # SIGKILL: no release, no more renewals
        await holder.wait()
        waited = await seconds_to_lock(isolation, key, 3 * TTL)
        assert waited <= TTL + 0.5
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()


async def test_the_lock_is_released_when_the_update_is_done(redis: Redis) -> None:
    isolation = RenewedRedisIsolation(redis, ttl=TTL)
    key = a_key()
    async with isolation.lock(key):
        await asyncio.sleep(TTL)  # renewed at least twice meanwhile
        assert await redis.exists(DefaultKeyBuilder().build(key, "lock"))
    assert not await redis.exists(DefaultKeyBuilder().build(key, "lock"))
    assert await seconds_to_lock(isolation, key, TTL) < 0.5


async def test_updates_of_one_shopper_take_turns(redis: Redis) -> None:
    isolation = RenewedRedisIsolation(redis, ttl=TTL)
    key = a_key()
    inside: list[int] = []
    overlaps = 0

    async def update(n: int) -> None:
        nonlocal overlaps
        async with isolation.lock(key):
            overlaps += bool(inside)
            inside.append(n)
            await asyncio.sleep(0.05)
            inside.remove(n)

    await asyncio.gather(*(update(n) for n in range(5)))
    assert overlaps == 0
