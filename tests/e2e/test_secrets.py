"""Secrets (token, webhook secret, database password) never appear in logs or messages."""

from __future__ import annotations

import pytest

from tests.conftest import reset_postgres, service_url
from tests.e2e.conftest import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

TOKEN = "654321:TOKEN-NEVER-LOGGED-7f3a"
PASSWORD = "PASSWORD-NEVER-LOGGED-91c2"
WEBHOOK_SECRET = "WEBHOOK-SECRET-NEVER-LOGGED-5d1e"


async def test_secrets_stay_out_of_logs_and_messages(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    url = service_url("TEST_POSTGRES_URL")
    await reset_postgres(url)
    user_part, host_part = url.split("@", 1)
    bot_process.env.update(
        BOT_TOKEN=TOKEN,
        DATABASE_URL=f"{user_part.rsplit(':', 1)[0]}:{PASSWORD}@{host_part}",
        WEBHOOK_SECRET=WEBHOOK_SECRET,  # set but unused in polling mode: still never printed
        LOG_LEVEL="DEBUG",
    )
    await bot_process.start(wait=True)
    fake_api.fail_next(2, status=502, method="sendMessage")
    fake_api.fail_next(2, status=500, method="getUpdates")
    await fake_api.user_text(777, "/start")
    await fake_api.wait_for_message(777, "购物维权助手", timeout=30)
    await fake_api.user_text(777, "/privacy")
    await fake_api.wait_for_message(777, "隐私", timeout=30)
    await bot_process.terminate()

    log = bot_process.log_text()
    assert "DEBUG" in log and "Bad Gateway" in log  # the log did record the faults
    for secret in (TOKEN, TOKEN.split(":")[1], PASSWORD, WEBHOOK_SECRET):
        assert secret not in log
    shown = "".join(c.text or "" for c in fake_api.sent)
    assert TOKEN not in shown and PASSWORD not in shown
