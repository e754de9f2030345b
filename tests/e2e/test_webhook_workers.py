"""Two webhook workers behind one URL, sharing PostgreSQL and Redis.

One shopper's updates arrive at both workers alternately (as a load balancer would send them):
the dialog continues across them, and an update delivered to both is handled once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from tests.conftest import reset_postgres, service_url
from tests.e2e.test_scale_out import webhook_worker
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 313131
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "scale-out-secret"}


async def deliver(http: aiohttp.ClientSession, worker: Any, update: dict[str, Any]) -> None:
    async with http.post(worker.env["WEBHOOK_URL"], json=update, headers=SECRET) as response:
        assert response.status == 200


async def wait_up(http: aiohttp.ClientSession, worker: Any) -> None:
    base = worker.env["WEBHOOK_URL"].rsplit("/", 1)[0]
    for _ in range(300):
        try:
            async with http.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"worker never answered /healthz\n{worker.log_tail()}")


async def test_one_dialog_across_two_workers_and_no_update_twice(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    database, redis_url = service_url("TEST_POSTGRES_URL"), service_url("TEST_REDIS_URL")
    await reset_postgres(database)
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    a, b = (webhook_worker(fake_api, tmp_path, name, database) for name in ("a", "b"))
    for worker in (a, b):
        worker.env["REDIS_URL"] = redis_url
    async with aiohttp.ClientSession() as http:
        try:
            for worker in (a, b):
                await worker.start()
                await wait_up(http, worker)
            await deliver(http, a, await fake_api.user_text(SHOPPER, "/new"))
            await deliver(http, b, await fake_api.press_button(SHOPPER, "京东"))
            await deliver(http, a, await fake_api.press_button(SHOPPER, "运输破损"))
            listing = await fake_api.user_text(SHOPPER, "/cases")
            await deliver(http, b, listing)
            await deliver(http, a, listing)  # the same update again, at the other worker
        finally:
            for worker in (a, b):
                await worker.cleanup()

    cards = [c for c in fake_api.messages_to(SHOPPER) if "案件 1 已创建" in (c.text or "")]
    edits = [c for c in fake_api.sent if "平台：京东" in (c.text or "")]
    listings = [c for c in fake_api.messages_to(SHOPPER) if "我的案件（共 1 个" in (c.text or "")]
    assert len(cards) == 1 and edits
    assert len(listings) == 1
    assert fake_api.buttons(listings[0])[0][0].startswith("🟢 #1 京东")
