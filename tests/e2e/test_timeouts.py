"""The real process against a Bot API whose requests time out for a while.

A request the fake leaves hanging is never processed (lost on the way): what the bot tried then
arrives once, after the hang. A request processed but answered too late is the one case where the
shopper can get a second copy; a reminder's second copy then says it may be a repeat.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import BotProcess
from tests.e2e.seed import seed_due_reminders
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 990101
GREETING = "购物维权助手"
MAYBE_REPEAT = "如果你已经收到过这条提醒"
REQUEST_TIMEOUT = 1.5


def impatient(bot: BotProcess) -> None:
    bot.env.update(
        TELEGRAM_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT),
        REMINDER_TICK_SECONDS="1",
        SEND_CHAT_INTERVAL="0.1",
    )


def copies(fake: FakeBotAPI, chat: int, needle: str) -> list[str]:
    return [c.text or "" for c in fake.messages_to(chat) if needle in (c.text or "")]


async def reminder_rows(bot: BotProcess) -> list[tuple[Any, ...]] | None:
    return await bot.rows("SELECT status, attempts FROM reminders")


async def test_a_reply_sent_while_requests_hang_arrives_once_after_the_hang(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    impatient(bot_process)
    await bot_process.start(wait=True)
    fake_api.hang_for(5.0, method="sendMessage")  # Telegram unreachable for 5 s
    await fake_api.user_text(SHOPPER, "/start")

    await fake_api.wait_for_message(SHOPPER, GREETING, timeout=30)
    assert fake_api.hung["sendMessage"] >= 2  # the reply was tried, and lost, during the hang
    await asyncio.sleep(2 * REQUEST_TIMEOUT)  # a second copy would show up by now
    assert len(copies(fake_api, SHOPPER, GREETING)) == 1


async def test_a_reply_processed_but_answered_too_late_is_shown_twice(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    impatient(bot_process)
    await bot_process.start(wait=True)
    fake_api.delay_next(1, 3 * REQUEST_TIMEOUT, method="sendMessage")
    await fake_api.user_text(SHOPPER, "/start")

    # the retry lands first; the first try is processed when the fake gets round to it
    await fake_api.wait_for(lambda c: len(copies(fake_api, SHOPPER, GREETING)) == 2, timeout=20)
    first, second = copies(fake_api, SHOPPER, GREETING)
    assert first == second  # sent again unchanged


async def test_a_due_reminder_is_delivered_once_after_its_first_tries_hang(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    [text] = await seed_due_reminders(
        bot_process.database_url, users=1, per_user=1, late_by=timedelta(seconds=30)
    )
    impatient(bot_process)
    fake_api.hang_next(2, method="sendMessage")  # the first two tries are lost on the way
    await bot_process.start()

    await fake_api.wait_for(lambda c: text in (c.text or ""), timeout=30)
    await asyncio.sleep(2 * REQUEST_TIMEOUT)  # a second copy would show up by now
    assert fake_api.hung == {"sendMessage": 2}
    [delivered] = [c.text or "" for c in fake_api.sent if text in (c.text or "")]
    # the bot cannot know the lost tries never arrived, so the copy says it may be a repeat
    assert MAYBE_REPEAT in delivered
    assert await reminder_rows(bot_process) == [("sent", 1)]


async def test_a_reminder_processed_but_answered_too_late_comes_twice_the_second_marked(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    [text] = await seed_due_reminders(
        bot_process.database_url, users=1, per_user=1, late_by=timedelta(seconds=30)
    )
    impatient(bot_process)
    fake_api.delay_next(1, 3 * REQUEST_TIMEOUT, method="sendMessage")
    await bot_process.start()

    await fake_api.wait_for(
        lambda c: sum(text in (s.text or "") for s in fake_api.sent) == 2, timeout=30
    )
    await asyncio.sleep(2 * REQUEST_TIMEOUT)  # a third copy would show up by now
    sent = [c.text or "" for c in fake_api.sent if text in (c.text or "")]
    assert len(sent) == 2
    assert sorted(MAYBE_REPEAT in body for body in sent) == [False, True]
    assert await reminder_rows(bot_process) == [("sent", 1)]
