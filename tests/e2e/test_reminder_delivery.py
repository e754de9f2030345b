"""Reminders through the real process and a fake Bot API: kills, restarts, rate limits."""

from __future__ import annotations

import asyncio
import random
import re
import signal
from collections import Counter
from datetime import timedelta

import pytest

from tests.e2e.conftest import BotProcess
from tests.e2e.seed import seed_due_reminders
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SEED = re.compile(r"seed-\d{5}")


def delivered(fake: FakeBotAPI) -> Counter[str]:
    found: Counter[str] = Counter()
    for call in fake.sent:
        if call.method == "sendMessage" and call.text:
            found.update(SEED.findall(call.text))
    return found


async def acknowledged(bot: BotProcess) -> int:
    rows = await bot.rows("SELECT count(*) FROM reminders WHERE status='sent'")
    assert rows is not None
    return int(rows[0][0])


async def kill_with_nothing_in_flight(fake: FakeBotAPI, bot: BotProcess) -> None:
    """SIGKILL at a moment when every message the server got is acknowledged in the database.

    The process is frozen (SIGSTOP) first, the server is given a moment to read anything
    already written to the socket, and only if no send is in flight and every recorded send is
    acknowledged is it killed; otherwise it is thawed and tried again a little later.
    """
    for _ in range(200):
        bot._signal_group(signal.SIGSTOP)
        await asyncio.sleep(0.05)
        if fake.sends_in_flight == 0 and await acknowledged(bot) == sum(delivered(fake).values()):
            await bot.kill9()
            return
        bot._signal_group(signal.SIGCONT)
        await asyncio.sleep(0.02)
    raise AssertionError("never found a moment with no message in flight")


async def wait_delivered(fake: FakeBotAPI, count: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(delivered(fake)) < count:
        if loop.time() > deadline:
            raise AssertionError(f"only {len(delivered(fake))} of {count} delivered")
        await asyncio.sleep(0.05)


def fast_delivery(bot: BotProcess) -> None:
    bot.env.update(
        REMINDER_LEASE_SECONDS="3",
        REMINDER_TICK_SECONDS="1",
        REMINDER_BATCH="20",
        SEND_RATE="60",
        SEND_CHAT_INTERVAL="0.1",
        LOG_LEVEL="WARNING",
    )


async def test_1000_due_reminders_survive_three_kills_each_delivered_once(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    texts = await seed_due_reminders(
        bot_process.database_url, users=100, per_user=10, late_by=timedelta(minutes=10)
    )
    fake_api.set_rate_limits(per_chat=12, global_limit=70)
    fast_delivery(bot_process)
    rng = random.Random(20261122)
    await bot_process.start(wait=True)
    for target in (rng.randint(150, 300), rng.randint(400, 550), rng.randint(650, 800)):
        await wait_delivered(fake_api, target, timeout=60)
        # see the next test for a kill while a message is in flight
        await kill_with_nothing_in_flight(fake_api, bot_process)
        assert len(delivered(fake_api)) < len(texts), "killed after the work was done"
        await bot_process.start(wait=True)
    await wait_delivered(fake_api, len(texts), timeout=90)
    await asyncio.sleep(1.0)  # anything sent twice would show up now

    counts = delivered(fake_api)
    assert set(counts) == set(texts)
    assert [text for text, n in counts.items() if n > 1] == []
    assert fake_api.count_429 == 0
    assert bot_process.starts == 4
    late = [c for c in fake_api.sent if c.text and "迟到" in c.text]
    assert len(late) == len(texts)  # all fell due while nobody was sending
    statuses = await bot_process.rows("SELECT status, count(*) FROM reminders GROUP BY status")
    assert statuses == [("sent", len(texts))]


async def test_a_kill_with_a_send_in_flight_repeats_only_that_one_and_says_so(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    texts = await seed_due_reminders(
        bot_process.database_url, users=5, per_user=4, late_by=timedelta(seconds=30)
    )
    fast_delivery(bot_process)
    fake_api.delay_next(1, 5.0, method="sendMessage")  # Telegram is slow to answer this one
    await bot_process.start()
    while fake_api.sends_in_flight == 0:
        await asyncio.sleep(0.01)
    await bot_process.kill9()  # the message reaches the server; its answer never comes back
    await bot_process.start(wait=True)
    await wait_delivered(fake_api, len(texts), timeout=30)
    await asyncio.sleep(4.0)  # the first try's lease (3 s) runs out: that one is sent again

    counts = delivered(fake_api)
    assert set(counts) == set(texts)
    repeated = [text for text, n in counts.items() if n > 1]
    assert len(repeated) == 1 and counts[repeated[0]] == 2
    copies = [c.text for c in fake_api.sent if c.text and repeated[0] in c.text]
    # the slow first try lands whenever the server finishes it; the second try says it may repeat
    assert sorted("如果你已经收到过这条提醒" in text for text in copies) == [False, True]
