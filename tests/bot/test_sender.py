"""The proactive sender against the fake Bot API: limits, 429, 5xx, timeouts, 403 and 400."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.price_alerts import TelegramPriceNotifier
from bot.sender import ProactiveSender
from shopguard.db.models import Case, User
from shopguard.ratelimit import SendScheduler
from shopguard.reminders.dispatch import Blocked, Failed, RetryLater, Sent
from shopguard.settings import Settings
from tests.fakebotapi import FakeBotAPI


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot("123:SENDER", session=session)
    yield bot
    await session.close()


def sender(bot: Bot, *, rate: float = 200.0, chat_interval: float = 0.0) -> ProactiveSender:
    return ProactiveSender(bot, SendScheduler(rate, chat_interval), backoff_base=0.01)


async def test_spacing_keeps_a_chat_under_its_limit_without_any_429(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.set_rate_limits(per_chat=2, window=0.5)
    s = sender(bot, chat_interval=0.26)
    outcomes = [await s.send(42, f"m{i}") for i in range(4)]
    assert all(isinstance(o, Sent) for o in outcomes)
    assert fake.count_429 == 0 and fake.accepted_sends[42] == 4


async def test_a_429_is_waited_out_and_the_message_sent_once(fake: FakeBotAPI, bot: Bot) -> None:
    fake.set_rate_limits(per_chat=1, window=1.0, retry_after=1)
    s = sender(bot)
    assert isinstance(await s.send(7, "first"), Sent)
    assert isinstance(await s.send(7, "second"), Sent)
    assert fake.count_429 == 1
    assert [c.text for c in fake.messages_to(7)] == ["first", "second"]
    assert s.counts == {"429": 1, "sent": 2}


async def test_server_errors_are_retried_with_backoff(fake: FakeBotAPI, bot: Bot) -> None:
    fake.fail_next(2, status=502, method="sendMessage")
    s = sender(bot)
    outcome = await s.send(9, "hello")
    assert isinstance(outcome, Sent)
    assert [c.text for c in fake.messages_to(9)] == ["hello"]
    assert s.counts == {"transient": 2, "sent": 1}


async def test_persistent_server_errors_hand_the_message_back_for_later(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.fail_next(10, status=500, method="sendMessage")
    outcome = await sender(bot).send(9, "hello")
    assert isinstance(outcome, RetryLater) and outcome.seconds == 30.0
    assert "TelegramServerError" in outcome.error
    assert fake.messages_to(9) == []


async def test_a_user_who_blocked_the_bot_is_reported_not_retried(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.blocked_chats.add(5)
    s = sender(bot)
    assert isinstance(await s.send(5, "hi"), Blocked)
    assert fake.requests["sendMessage"] == 1


async def test_a_refused_message_is_a_permanent_failure(fake: FakeBotAPI, bot: Bot) -> None:
    html = Bot("123:SENDER", session=bot.session, default=DefaultBotProperties(parse_mode="HTML"))
    outcome = await ProactiveSender(html, SendScheduler(100, 0)).send(5, "<b>unclosed")
    assert isinstance(outcome, Failed) and outcome.error.startswith("400 ")
    assert fake.messages_to(5) == []


@pytest.fixture
async def impatient_bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    """Gives up on a request after 0.5 s."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=0.5)
    bot = Bot("123:SENDER", session=session)
    yield bot
    await session.close()


async def test_the_try_after_a_timeout_says_it_may_be_a_repeat(
    fake: FakeBotAPI, impatient_bot: Bot
) -> None:
    fake.hang_next(1, method="sendMessage")  # lost on the way: never processed
    s = sender(impatient_bot)
    outcome = await s.send(9, "hello", repeat_text="hello (maybe again)")
    assert isinstance(outcome, Sent)
    assert fake.hung == {"sendMessage": 1}
    assert [c.text for c in fake.messages_to(9)] == ["hello (maybe again)"]
    assert s.counts == {"transient": 1, "sent": 1}


async def test_a_try_processed_but_answered_too_late_shows_up_twice_the_second_marked(
    fake: FakeBotAPI, impatient_bot: Bot
) -> None:
    fake.delay_next(1, 1.0, method="sendMessage")  # processed after the client gave up
    outcome = await sender(impatient_bot).send(9, "hello", repeat_text="hello (maybe again)")
    assert isinstance(outcome, Sent)
    await fake.wait_for(lambda c: len(fake.messages_to(9)) == 2, timeout=5)
    assert sorted(c.text or "" for c in fake.messages_to(9)) == ["hello", "hello (maybe again)"]


async def test_server_errors_do_not_mark_the_next_try_as_a_repeat(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.fail_next(1, status=502, method="sendMessage")
    outcome = await sender(bot).send(9, "hello", repeat_text="hello (maybe again)")
    assert isinstance(outcome, Sent)
    assert [c.text for c in fake.messages_to(9)] == ["hello"]


async def test_a_price_notice_sent_again_after_a_timeout_says_it_may_be_a_repeat(
    fake: FakeBotAPI, impatient_bot: Bot
) -> None:
    fake.hang_next(1, method="sendMessage")
    notifier = TelegramPriceNotifier(sender(impatient_bot), Settings(_env_file=None))  # type: ignore[call-arg]
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    user = User(id=9, language="zh", created_at=now, updated_at=now)
    case = Case(
        id=3, user_id=9, number=3, problem_type="price_drop", created_at=now, updated_at=now
    )
    outcome = await notifier.watch_ended(user, case)
    assert isinstance(outcome, Sent)
    [shown] = [c.text or "" for c in fake.messages_to(9)]
    assert shown.endswith("（如果你已经收到过这条消息，请忽略这一条。）")
