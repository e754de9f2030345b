"""Smoke test: the real ``python -m bot`` process answers /start through the fake Bot API."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 777001
GREETINGS = ("ShopGuard", "购物维权助手")


async def test_start_gets_a_greeting(fake_api: FakeBotAPI, bot_process: BotProcess) -> None:
    await bot_process.start()
    await bot_process.wait_polling()

    await fake_api.user_text(SHOPPER, "/start", first_name="小王")

    reply = await fake_api.wait_for_message(SHOPPER, GREETINGS, timeout=20)
    assert reply.method == "sendMessage"
    assert fake_api.internal_errors == []
