"""Faults around the real process: a failing Bot API and a restarted PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from tests.conftest import reset_postgres, service_url
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


def restart_postgres() -> None:
    """Restart the test server (fast shutdown: connections are cut, as in a real restart)."""
    url = service_url("TEST_POSTGRES_URL")
    port = url.rsplit(":", 1)[1].split("/")[0]
    pg_bin = service_url("TEST_PG_BIN")
    data = subprocess.run(
        [f"{pg_bin}/psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-qAt", "-c",
         "SHOW data_directory"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    command = [f"{pg_bin}/pg_ctl", "-D", data, "-m", "fast", "-w", "restart", "-o",
               f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"]  # fmt: skip
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)


async def test_the_bot_carries_on_after_postgres_restarts(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    url = service_url("TEST_POSTGRES_URL")
    await reset_postgres(url)
    bot_process.env["DATABASE_URL"] = url
    await bot_process.start(wait=True)
    await fake_api.user_text(SHOPPER, "/new")
    await fake_api.wait_for_message(SHOPPER, "在哪个平台买的", timeout=20)
    await fake_api.press_button(SHOPPER, "拼多多")
    await fake_api.wait_for(lambda c: "平台：拼多多" in (c.text or ""))
    await fake_api.press_button(SHOPPER, "退款未到账")
    await fake_api.wait_for_message(SHOPPER, "案件 1 已创建")

    await asyncio.to_thread(restart_postgres)

    mark = fake_api.mark()
    await fake_api.user_text(SHOPPER, "/cases")
    listing = await fake_api.wait_for_message(SHOPPER, "我的案件（共 1 个", since=mark, timeout=30)
    assert fake_api.buttons(listing)[0][0].startswith("🟢 #1 拼多多")
    assert bot_process.running
