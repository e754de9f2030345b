"""Faults around the real process: a Bot API that fails for a while."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 990001


def greetings(fake: FakeBotAPI) -> int:
    return sum("购物维权助手" in (c.text or "") for c in fake.messages_to(SHOPPER))


async def test_replies_survive_5xx_and_429_and_arrive_once(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    await bot_process.start(wait=True)
    fake_api.fail_next(2, status=502, method="sendMessage")
    await fake_api.user_text(SHOPPER, "/start")
    await fake_api.wait_for_message(SHOPPER, "购物维权助手", timeout=20)
    assert fake_api.count_5xx == 2

    fake_api.set_rate_limits(per_chat=1, window=2.0, retry_after=1)
    await fake_api.user_text(SHOPPER, "/help")
    await fake_api.user_text(SHOPPER, "/start")
    await fake_api.wait_for(lambda c: greetings(fake_api) == 2, timeout=20)
    await fake_api.wait_for_message(SHOPPER, "怎么用", timeout=20)
    await asyncio.sleep(1.5)
    assert fake_api.count_429 >= 1
    assert greetings(fake_api) == 2
    assert sum("怎么用" in (c.text or "") for c in fake_api.messages_to(SHOPPER)) == 1
